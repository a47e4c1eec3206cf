"""Hardness: bad ballot and round files end in one clean refusal or a correct tally.

Every case must end with exit 0 (a tally) or exit 1 with one `error: …` line, never a
traceback or a hang, and a refused file must leave the database exactly as it was. The
default run is quick; `SELECTOR_FUZZ_LONG=1` runs many more examples.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
import warnings
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from selector.readers import roundfile, tables
from selector.readers.ballots import Paper, interpret
from selector.readers.tables import open_table
from selector.domain.counting import Count, Resolver
from selector.errors import SelectorError
from selector.storage.rows import cells_json, chunk_json, csv_text_rows, rows_text

LONG = bool(os.environ.get("SELECTOR_FUZZ_LONG"))
settings.register_profile("fuzz", max_examples=2000 if LONG else 40, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ = settings.get_profile("fuzz")

ROUND = """\
[round]
id = "fuzz"
title = "乡镇党委换届公推公选"
organizer = "中共海门市委组织部"

[[post]]
id = "P01"
title = "审计局局长"
seats = 1

[[post]]
id = "P02"
title = "三厂镇镇长"
seats = 2

[[candidate]]
id = "C001"
name = "张伟"
posts = ["P01"]

[[candidate]]
id = "C002"
name = "王芳"
posts = ["P01"]

[[candidate]]
id = "C003"
name = "李娜"
posts = ["P02"]

[[candidate]]
id = "C004"
name = "刘强"
posts = ["P02"]

[[candidate]]
id = "C005"
name = "陈静"
label = "陈静(财政)"
posts = ["P02"]

[[stage]]
id = "rec1"
kind = "recommend"
title = "全市干部大会民主推荐"
electorate = 2000
quorum = ">= 2/3"
categories = { "领导干部" = 2, "一般干部" = 1 }
"""
HEADERS = ["ballot", "票号", "category", "类别", "void", "废票", "post", "职位", "candidate",
           "候选人", "P01", "P02", "审计局局长", "三厂镇镇长", "P03", "", " ", "=cmd|' /C calc'!A0"]
CELLS = ["B001", "B002", "1", "领导干部", "一般干部", "张伟", "王芳", "李娜", "刘强", "陈静",
         "陈静(财政)", "C001", "C003", "张伟;王芳", "李娜、刘强、陈静", "，，，；；；||||", "",
         " ", "\u3000", "=cmd|' /C calc'!A0", "+SUM(A1)", "-1", "@A1", "P01", "P02", "撕毁",
         "\x00", "\ufeff", "\r", "\n", '"', "x" * 5000, "；" * 3000, "\udcff"[:0] + "é"]


@st.composite
def table_text(draw) -> str:
    """A CSV as a clerk (or a broken export) might produce it."""
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6))
    rows = draw(st.lists(st.lists(st.one_of(st.sampled_from(CELLS), st.text(max_size=12)),
                                  max_size=8), max_size=12))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def ballot_bytes(draw) -> bytes:
    text = draw(table_text())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1-ish"]))
    if encoding == "latin-1-ish":
        data = text.encode("utf-8", "replace")[::-1]  # bytes in the wrong order: garbage
    else:
        data = text.encode(encoding, "replace")
    cut = draw(st.integers(0, len(data)))
    mode = draw(st.sampled_from(["whole", "truncated", "random", "spliced"]))
    if mode == "truncated":
        data = data[:cut]
    elif mode == "random":
        data = draw(st.binary(max_size=300))
    elif mode == "spliced":
        data = data[:cut] + draw(st.binary(max_size=40)) + data[cut:]
    return data


# -- the parser, in-process -------------------------------------------------------------


@pytest.fixture(scope="module")
def paper():
    round_ = roundfile.parse(ROUND.encode(), "fuzz.toml", lambda name: b"")
    stage = round_.stage("rec1")
    lists = {p.id: tuple(c.id for c in round_.candidates if c.eligible_for(p.id)) for p in round_.posts}
    return round_, Paper(stage, round_.posts, lists, Resolver(round_.candidates))


def _read_and_count(round_, paper, path: Path, layout: str) -> int:
    table = open_table(path)
    counter = Count(paper.stage, round_.posts, paper.lists, paper.resolver,
                    {c.id: c for c in round_.candidates})
    chunks = list(table.chunks)
    for chunk in chunks:  # every chunk can be stored, and reads back as it was read
        if chunk.text is None:  # XLSX: rows as JSON
            assert json.loads(chunk_json(rows_text(chunk.rows))) == [[n, c] for n, c in chunk.rows]
        else:
            assert list(csv_text_rows(chunk.first, chunk.text)) == chunk.rows
    rows = [row for chunk in chunks for row in chunk.rows]
    counter.add_all(interpret(paper, table.name, table.header, iter(rows), layout))
    return counter.result.returned


@FUZZ
@given(data=ballot_bytes(), layout=st.sampled_from(["wide", "long"]),
       block=st.sampled_from([tables.BLOCK, 3, 16]))
def test_ballot_parser_refuses_cleanly_or_counts(paper, tmp_path, data, layout, block):
    round_, p = paper
    path = tmp_path / "tables.csv"
    path.write_bytes(data)
    try:
        with mock.patch.object(tables, "BLOCK", block):  # small blocks: cuts everywhere
            returned = _read_and_count(round_, p, path, layout)
    except SelectorError as e:
        assert "\n" not in e.message and e.message.startswith(str(path)), e.message
    else:
        assert returned >= 0


@FUZZ
@given(cells=st.lists(st.text(), max_size=6))
def test_stored_rows_are_exactly_json(cells):
    assert json.loads(cells_json(cells)) == cells
    assert cells_json(cells) == json.dumps(cells, ensure_ascii=False)


@FUZZ
@given(rows=st.lists(st.lists(st.text(), max_size=4), max_size=5))
def test_rows_stored_in_bulk_are_exactly_json(rows):
    numbered = list(enumerate(rows, start=2))
    text = rows_text(numbered)
    assert text == "".join(f"\n{line}\t{json.dumps(cells, ensure_ascii=False)}" for line, cells in numbered)
    assert json.loads(chunk_json(text)) == [[line, cells] for line, cells in numbered]


@pytest.mark.parametrize("make", [
    pytest.param(lambda: "ballot,P01\n" + "B1," + "张伟" * 200_000 + "\n", id="huge-cell"),
    pytest.param(lambda: "ballot,P01\nB1," + ",".join(["张伟"] * 100_000) + "\n", id="100k-columns"),
    pytest.param(lambda: "ballot," + ",".join(f"P{i}" for i in range(100_000)) + "\nB1,张伟\n",
                 id="100k-header"),
    pytest.param(lambda: "ballot,P01\nB1," + "；" * 200_000 + "\n", id="separator-run"),
    pytest.param(lambda: "ballot,P01\n" + "," * 100_000 + "\n", id="comma-run"),
    pytest.param(lambda: 'ballot,P01\nB1,"' + "x" * 200_000, id="open-quote"),
    pytest.param(lambda: "ballot,P01\nB1,=cmd|' /C calc'!A0\n", id="formula"),
    pytest.param(lambda: "ballot,P01\nB1,张\x00伟\n", id="nul"),
])
def test_extreme_files(paper, tmp_path, make):
    round_, p = paper
    path = tmp_path / "tables.csv"
    path.write_text(make(), encoding="utf-8")
    try:
        _read_and_count(round_, p, path, "wide")
    except SelectorError as e:
        # one line, and what it quotes of the file is short; the headings a refusal lists as
        # accepted come from the round (issue 11: in full), not from the file
        quoted = e.message.split(". Headings accepted: ")[0]
        assert "\n" not in e.message and len(quoted) < 400, e.message[:500]


# -- the round-file parser ------------------------------------------------------------


def _round_variants():
    lines = ROUND.splitlines(keepends=True)
    return st.one_of(
        st.binary(max_size=400),
        st.integers(0, len(ROUND.encode())).map(lambda n: ROUND.encode()[:n]),
        st.tuples(st.integers(0, len(lines)), st.sampled_from(
            ["x = 1\n", "[[stage]]\n", 'id = "P01"\n', "seats = -1\n", 'quorum = "> 3/0"\n',
             'max_marks = "a"\n', "[[post]]\n", "roster = \"r.csv\"\n", "\x00\n", "=\n", "é = 1\n",
             'ratio = "1:0"\n', "[stage.cut]\n", 'score = { nope = 1 }\n', "[" * 300 + "\n",
             "x = " + "[" * 3000 + "]" * 3000 + "\n", "y = " + "{a=" * 2000 + "1" + "}" * 2000 + "\n",
             "electorate = " + "9" * 5000 + "\n", 'quorum = ">= 1/' + "9" * 5000 + '"\n',
             "seats = 0x" + "f" * 5000 + "\n", 'ratio = "1:' + "7" * 30 + '"\n', "working_days = 10000000\n"]))
        .map(lambda t: "".join([*lines[:t[0]], t[1], *lines[t[0]:]]).encode()),
        st.text(max_size=200).map(str.encode),
    )


@FUZZ
@given(data=_round_variants(), roster=st.binary(max_size=200))
def test_round_parser_refuses_cleanly(data, roster):
    try:
        roundfile.parse(data, "fuzz.toml", lambda name: roster)
    except SelectorError as e:
        assert "\n" not in e.message and e.message.startswith("fuzz.toml"), e.message


# -- the whole command: exit codes, one line, nothing written on refusal ----------------


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.fixture(scope="module")
def pristine():
    """A database holding the fuzz round, copied fresh for every example."""
    home = Path(tempfile.mkdtemp(prefix="selector-fuzz-"))
    (home / "fuzz.toml").write_text(ROUND, encoding="utf-8")
    from selector.cli import app

    result = CliRunner().invoke(app, ["--db", str(home / "pristine.db"), "init",
                                      str(home / "fuzz.toml")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    yield home
    shutil.rmtree(home)


_case = itertools.count()


@FUZZ
@given(data=ballot_bytes(), layout=st.sampled_from(["wide", "long"]))
def test_tally_command_refuses_cleanly_and_writes_nothing(pristine, data, layout):
    from selector.cli import app

    n = next(_case)
    db = pristine / f"case{n}.db"
    shutil.copy(pristine / "pristine.db", db)
    before = _dump(db)
    path = pristine / f"ballots{n}.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["--db", str(db), "tally", "rec1", str(path), "--layout",
                                      layout, "--present", "2000", "--issued", "2000", "--json"],
                                catch_exceptions=False)
    try:
        assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
        if result.exit_code == 1:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
            assert _dump(db) == before
        else:
            assert '"returned"' in result.stdout
    finally:
        db.unlink()
        path.unlink()


def test_formula_like_and_odd_cells_tally_correctly(pristine):
    """A real GB18030 file with formula-like text, separator runs and spaces still counts."""
    from selector.cli import app

    db = pristine / "good.db"
    shutil.copy(pristine / "pristine.db", db)
    path = pristine / "good.csv"
    path.write_bytes(("票号,类别,审计局局长,三厂镇镇长\r\n"
                      "001,领导干部,张伟,李娜、刘强\r\n"
                      "002,一般干部,=cmd|' /C calc'!A0,；；李娜；；\r\n"
                      "003,一般干部, 王芳 ,\r\n").encode("gb18030"))
    result = CliRunner().invoke(app, ["--db", str(db), "tally", "rec1", str(path),
                                      "--present", "1500", "--issued", "1500", "--json"],
                                catch_exceptions=False)
    db.unlink()
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["attendance"]["returned"] == 3
    p01, p02 = view["posts"]
    # `=cmd|' /C calc'!A0` is two marks (| separates): an overvote that voids P01 on paper 002.
    assert {k: p01["ballots"][k] for k in ("valid", "void", "blank", "returned", "overvotes")} == \
        {"valid": 2, "void": 1, "blank": 0, "returned": 3, "overvotes": 1}
    assert {r["candidate"]: (r["votes"], r["share"]) for r in p01["results"]} == \
        {"C001": (1, "2/3"), "C002": (1, "1/3")}  # weights 领导干部 2, 一般干部 1
    assert p02["ballots"]["blank"] == 1
    assert {r["candidate"]: (r["votes"], r["share"]) for r in p02["results"]} == \
        {"C003": (2, "3/4"), "C004": (1, "1/2")}


# -- XLSX: damaged workbooks ------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook() -> tuple[bytes, dict[str, bytes]]:
    """A small ballot workbook as Excel saves it, and its zip members."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["票号", "类别", "审计局局长", "三厂镇镇长"])
    for i in range(1, 16):
        ws.append([f"{i:03d}", "一般干部", "张伟" if i % 3 else "王芳", "李娜、刘强"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return data, {n: z.read(n) for n in z.namelist()}


@FUZZ
@given(seed=st.integers(0, 2**32), how=st.sampled_from(["truncate", "flip", "xml-cut", "xml-mangle"]))
def test_damaged_workbooks_refuse_cleanly(paper, workbook, tmp_path, seed, how):
    import random
    import zipfile

    round_, p = paper
    whole, members = workbook
    rng = random.Random(seed)  # byte-level damage: hypothesis draws the seed
    if how == "truncate":
        blob = whole[:rng.randrange(len(whole))]
    elif how == "flip":
        blob = bytearray(whole)
        for _ in range(rng.randrange(1, 20)):
            blob[rng.randrange(len(blob))] = rng.randrange(256)
        blob = bytes(blob)
    else:  # a valid zip whose XML members are cut or mangled
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name, content in members.items():
                if rng.random() < 0.5:
                    if how == "xml-cut":
                        content = content[:rng.randrange(len(content) + 1)]
                    else:
                        content = bytearray(content)
                        for _ in range(rng.randrange(1, 10)):
                            content[rng.randrange(len(content))] = rng.choice(b'<>"/ =x0a\x00')
                        content = bytes(content)
                z.writestr(name, content)
        blob = out.getvalue()
    path = tmp_path / "tables.xlsx"
    path.write_bytes(blob)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _read_and_count(round_, p, path, "wide")
        except SelectorError as e:
            assert "\n" not in e.message and e.message.startswith(str(path)), e.message
    # nothing but the one line on stderr (ResourceWarnings are hidden from users by default,
    # and one may come from an earlier test's object collected during this one)
    shown = [w for w in caught if not issubclass(w.category, ResourceWarning)]
    assert not shown, [str(w.message) for w in shown]


@FUZZ
@given(data=_round_variants(), roster=st.binary(max_size=200))
def test_init_command_refuses_cleanly_and_writes_nothing(pristine, data, roster):
    from selector.cli import app

    n = next(_case)
    db = pristine / f"init{n}.db"
    shutil.copy(pristine / "pristine.db", db)
    before = _dump(db)
    folder = pristine / f"round{n}"
    folder.mkdir()
    (folder / "fuzz.toml").write_bytes(data)
    (folder / "r.csv").write_bytes(roster)
    result = CliRunner().invoke(app, ["--db", str(db), "init", str(folder / "fuzz.toml")],
                                catch_exceptions=False)
    try:
        assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
        if result.exit_code == 1:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
            assert _dump(db) == before
    finally:
        db.unlink()
        shutil.rmtree(folder)


def test_control_characters_in_a_refusal_are_escaped(pristine):
    """Found by the long fuzz run: a header cell holding \\x1c (a line break to
    str.splitlines) or an escape sequence must not split the error line or reach the terminal."""
    from selector.cli import app

    db = pristine / "ctl.db"
    shutil.copy(pristine / "pristine.db", db)
    path = pristine / "ctl.csv"
    path.write_bytes("票号,审计局\x1c局长\x1b[31m\n001,张伟\n".encode("utf-8"))
    result = CliRunner().invoke(app, ["--db", str(db), "tally", "rec1", str(path),
                                      "--present", "1500", "--issued", "1500"],
                                catch_exceptions=False)
    db.unlink()
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and len(result.stderr.splitlines()) == 1
    assert "\x1b" not in result.stderr and "\\x1c" in result.stderr
    assert "row 1, column 2" in result.stderr


# -- XLSX: workbooks whose structure hides or changes what a clerk sees ----------------------

XLSX_CELLS = ["B001", "B002", "1", "领导干部", "一般干部", "张伟", "王芳", "李娜、刘强", "陈静(财政)", "",
              "撕毁", "否", "√", "张伟\u200b", 7, 3.0, True, "=A1", "=SUM(A1:A3)", "x" * 11_000, "票号"]


@st.composite
def workbook_plan(draw):
    """Sheets (title, state, rows, merged ranges), the --sheet to give, and extra zip parts."""
    n = draw(st.integers(1, 3))
    sheets = []
    for i in range(n):
        header = draw(st.lists(st.sampled_from(["票号", "类别", "废票", "审计局局长", "三厂镇镇长", "P01"]),
                               min_size=1, max_size=4, unique=True))
        rows = draw(st.lists(st.lists(st.sampled_from(XLSX_CELLS), min_size=0, max_size=5), max_size=6))
        merges = draw(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 5), st.integers(0, 2),
                                         st.integers(0, 1)), max_size=2))
        state = draw(st.sampled_from(["visible", "hidden", "veryHidden"]))
        sheets.append((f"S{i}", state, [header, *rows] if draw(st.integers(0, 3)) else [], merges))
    if all(state != "visible" for _, state, _, _ in sheets):  # Excel and openpyxl need one
        sheets[0] = (sheets[0][0], "visible", *sheets[0][2:])
    sheet = draw(st.one_of(st.none(), st.sampled_from([s[0] for s in sheets] + ["nope"])))
    extra = draw(st.sampled_from([None, None, None, "bomb", "big"]))
    short_dimension = draw(st.booleans())
    return sheets, sheet, extra, short_dimension


def _write_plan(path: Path, plan) -> None:
    import zipfile

    from openpyxl import Workbook

    sheets, _, extra, short_dimension = plan
    wb = Workbook()
    wb.remove(wb.active)
    for title, state, rows, merges in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
        for r, c, dr, dc in merges:
            if dr or dc:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + dr, end_column=c + dc)
    wb.active = next(i for i, s in enumerate(sheets) if s[1] == "visible")
    wb.save(path)
    if extra == "bomb" or short_dimension:
        with zipfile.ZipFile(path) as z:
            members = {n: z.read(n) for n in z.namelist()}
        if short_dimension:
            for name in members:
                if name.startswith("xl/worksheets/"):
                    members[name] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A2"/>', members[name])
        if extra == "bomb":  # 1.5 MB of nothing: packed a thousand times
            members["xl/media/image1.png"] = bytes(3 << 19)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)


def _expected_sheet(plan):
    """The sheet a correct read must come from: the one --sheet names, else the only visible
    sheet holding anything; None where the file must be refused for its sheets."""
    sheets, sheet, _, _ = plan
    if sheet is not None:
        chosen = [s for s in sheets if s[0] == sheet]
        return chosen[0] if chosen and chosen[0][1] == "visible" else None
    visible = [s for s in sheets if s[1] == "visible"]
    filled = [s for s in visible if any(v not in (None, "") for row in s[2] for v in row)]
    return filled[0] if len(filled) == 1 else visible[0] if len(visible) == 1 or not filled else None


@FUZZ
@given(plan=workbook_plan(), layout=st.sampled_from(["wide", "long"]))
def test_workbook_structure_is_refused_cleanly_or_read_as_shown(paper, tmp_path, plan, layout):
    round_, p = paper
    path = tmp_path / "tables.xlsx"
    _write_plan(path, plan)
    sheets, sheet, extra, _ = plan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            # "big": a bound below what any workbook unpacks to
            with mock.patch.object(tables, "MAX_UNPACKED", 12_000 if extra == "big" else 2 << 20):
                table = open_table(path, sheet=sheet)
                with table:
                    rows = list(table.rows)
        except SelectorError as e:
            assert "\n" not in e.message and e.message.startswith(str(path)), e.message
            event(e.message.split(": ", 2)[-1][:40])
            return
    event("read")
    # Read: so nothing was there to refuse, and the rows are the cells of the sheet shown.
    assert extra is None
    expected = _expected_sheet(plan)
    assert expected is not None, plan
    _, _, written, merges = expected
    # The only merged ranges a read lets through are titles above the table (issue 11.8): one
    # row, holding at most one value once the merge has cleared the cells it covers, with no
    # row of two or more values above it.
    written = [list(row) for row in written]
    for r, c, dr, dc in merges:
        for rr in range(r, r + dr + 1):
            for cc in range(c, c + dc + 1):
                if (dr or dc) and (rr, cc) != (r, c) and rr <= len(written) and cc <= len(written[rr - 1]):
                    written[rr - 1][cc - 1] = None
    filled = [sum(1 for v in row if v not in (None, "")) for row in written]
    for r, _, dr, dc in merges:
        if dr or dc:
            assert dr == 0 and all(n <= 1 for n in filled[:r]), (merges, written)
    cells = [[tables._cell_text(v) for v in row] for row in written]
    assert not any(isinstance(v, str) and v.startswith("=") for row in written for v in row)
    assert not any(len(c) > tables.LONGEST_CELL for row in cells for c in row)
    header = cells[0] if cells else []
    while header and not header[-1]:
        header.pop()
    assert table.header == [h.strip() for h in header]

    def trim(row):
        row = list(row)
        while row and not row[-1]:
            row.pop()
        return row

    got = {n: trim(c) for n, c in rows}
    want = {n: trim(row) for n, row in enumerate(cells[1:], 2)}
    assert {n: c for n, c in got.items() if c} == {n: c for n, c in want.items() if c}
    try:  # and the ballot reader takes it, or refuses it in one line
        counter = Count(p.stage, round_.posts, p.lists, p.resolver, {c.id: c for c in round_.candidates})
        counter.add_all(interpret(p, table.name, table.header, iter(rows), layout))
    except SelectorError as e:
        assert "\n" not in e.message and e.message.startswith(str(path)), e.message
