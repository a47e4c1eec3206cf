"""CSV files are read, and stored, a block of text at a time (tables.BLOCK characters cut
after a whole row): the rows must be exactly those of one csv.reader over the whole file,
and each chunk's stored text must parse back to its own rows, wherever the cuts fall."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from selector.readers import tables
from selector.readers.tables import open_table
from selector.errors import BallotFileError
from selector.storage.rows import csv_text_rows
from test_fuzz import FUZZ

CELL = st.text(alphabet=st.sampled_from(list('张伟王芳,，"；\n\r x1')), max_size=8)


def _whole(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=12),
       ending=st.sampled_from(["\r\n", "\n", "\r"]), block=st.integers(1, 40))
def test_chunks_are_the_whole_file_cut_between_rows(tmp_path_factory, rows, ending, block):
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=ending).writerows(rows)
    text = out.getvalue()
    path = tmp_path_factory.mktemp("chunks") / "b.csv"
    path.write_bytes(text.encode("utf-8"))
    whole = _whole(text)
    with mock.patch.object(tables, "BLOCK", block), open_table(path) as table:
        chunks = list(table.chunks)
    assert table.header == [h.strip() for h in whole[0]]
    assert [r for c in chunks for r in c.rows] == list(enumerate(whole[1:], 2))
    assert "".join(c.text for c in chunks) == text  # stored as read, every character
    assert [c.raw for c in chunks] == [c.text.encode("utf-8") for c in chunks]  # … byte for byte
    for c in chunks:
        assert list(csv_text_rows(c.first, c.text)) == c.rows
        assert c.last == c.first + len(_whole(c.text)) - 1


def test_a_quoted_cell_running_over_a_block_stays_one_cell(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes('票号,审计局局长,void\r\n0001,张伟,"字迹\r\n不清"\r\n0002,王芳,\r\n'.encode("gb18030"))
    with mock.patch.object(tables, "BLOCK", 4), open_table(path) as table:
        rows = list(table.rows)
    assert rows == [(2, ["0001", "张伟", "字迹\r\n不清"]), (3, ["0002", "王芳", ""])]


def test_an_unreadable_row_in_a_later_block_names_its_line(tmp_path):
    path = tmp_path / "b.csv"
    lines = ["票号,审计局局长"] + [f"{i:04d},张伟" for i in range(1, 40)] + ['0040,"张伟"x']
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", 30), pytest.raises(BallotFileError) as e:
        with open_table(path) as table:
            list(table.rows)
    assert e.value.message.startswith(f"{path}: row 41: unreadable CSV (',' expected after '\"')")


def test_a_file_without_line_breaks_is_refused_before_it_fills_memory(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("票号,审计局局长\n0001," + "张伟" * 200, encoding="utf-8")
    with mock.patch.object(tables, "LONGEST_ROW", 100), mock.patch.object(tables, "BLOCK", 16):
        with pytest.raises(BallotFileError) as e:
            with open_table(path) as table:
                list(table.rows)
    assert e.value.message == (f"{path}: row 2: a row longer than 100 characters "
                               "(no line break, or an unclosed quote: not a ballot file?)")


def test_rows_stored_in_many_chunks_recount_and_verify(run, tmp_path):
    from audit_data import REC1, papers_csv, write_round

    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "rec1.csv", REC1)
    with mock.patch.object(tables, "BLOCK", 20):
        r = run("tally", "rec1", tmp_path / "rec1.csv", "--present", "50", "--issued", "50")
    assert r.exit_code == 0, r.stderr
    conn = sqlite3.connect("selector.db")
    texts = [t for (t,) in conn.execute("SELECT text FROM row_chunks ORDER BY first_line")]
    conn.close()
    assert len(texts) > 3
    assert "".join(texts).encode("gb18030") == (tmp_path / "rec1.csv").read_bytes()
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 0, r.stderr


SHEET_CELL = st.text(alphabet=st.sampled_from(list('张伟 x1，') + [",", '"', "\n", "\r", "\x00"]), max_size=3)
QUOTED = set(',"\n\r\x00')


@FUZZ
@given(rows=st.lists(st.lists(SHEET_CELL, min_size=1, max_size=4), min_size=1, max_size=6),
       first=st.integers(2, 4), gaps=st.lists(st.sampled_from([0, 0, 0, 1]), min_size=6, max_size=6))
@example(rows=[["1", "张伟"], ["2", ""]], first=2, gaps=[0] * 6)  # text
@example(rows=[["1", "张伟"], ["2", ""]], first=2, gaps=[1] + [0] * 5)  # a row between them missing
@example(rows=[["1", "张伟"], [""]], first=2, gaps=[0] * 6)  # an empty line
@example(rows=[["1", "张伟,王芳"]], first=2, gaps=[0] * 6)
@example(rows=[["1", "张伟\n王芳"]], first=2, gaps=[0] * 6)
@example(rows=[["1", "张伟\r"]], first=2, gaps=[0] * 6)
@example(rows=[["1", '"张伟"']], first=2, gaps=[0] * 6)
@example(rows=[["1", "\x00"]], first=2, gaps=[0] * 6)
def test_sheet_rows_are_stored_as_csv_text_exactly_when_they_read_back_as_they_are(rows, first, gaps):
    # Workbook rows one after another with nothing CSV would quote are stored as CSV text,
    # which reads back as the very cells; any others as JSON.
    part, line = [], first
    for cells, gap in zip(rows, gaps):
        part.append((line, cells))
        line += 1 + gap
    chunk = tables._sheet_chunk(part)
    assert (chunk.first, chunk.last, chunk.rows) == (part[0][0], part[-1][0], part)
    plain = (part[-1][0] - part[0][0] == len(part) - 1 and [""] not in rows
             and not any(QUOTED & set(cell) for cells in rows for cell in cells))
    assert (chunk.text is not None) == plain
    if plain:
        assert list(csv_text_rows(chunk.first, chunk.text)) == part
        limit = csv.field_size_limit(8)  # a line longer than a cell may be is read by csv.reader
        try:
            assert list(csv_text_rows(chunk.first, chunk.text)) == part
        finally:
            csv.field_size_limit(limit)


def test_sheet_rows_stored_as_text_and_as_json_recount_and_verify(run, tmp_path):
    from audit_data import REC1, write_round
    from support import write_xlsx

    assert run("init", write_round(tmp_path)).exit_code == 0
    rows = [["票号", "审计局局长", "统计局局长"], *map(list, REC1)]
    rows[4][1] = "张伟,王芳"  # (ballot 0004's two marks, split by a comma: that chunk is stored as JSON)
    write_xlsx(tmp_path / "rec1.xlsx", rows)
    with mock.patch.object(tables, "XLSX_CHUNK", 3):
        r = run("tally", "rec1", tmp_path / "rec1.xlsx", "--present", "50", "--issued", "50")
    assert r.exit_code == 0, r.stderr
    conn = sqlite3.connect("selector.db")
    stored = conn.execute("SELECT first_line, last_line, text IS NOT NULL FROM row_chunks ORDER BY first_line").fetchall()
    conn.close()
    assert stored == [(2, 4, 1), (5, 7, 0), (8, 10, 1), (11, 11, 1)]
    with open_table(tmp_path / "rec1.xlsx") as table:
        read = list(table.rows)
    from selector.storage.store import Store

    assert list(Store("selector.db").stored_rows(1)) == read
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 0, r.stderr


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_table_closed_before_its_rows_are_read_releases_the_file(tmp_path, kind):
    # A tally refusing a file before reading its rows (already tallied, wrong name) closes it.
    from support import write_xlsx

    rows = [["票号", "审计局局长"], ["0001", "张伟"]]
    path = tmp_path / f"b.{kind}"
    if kind == "csv":
        path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    else:
        write_xlsx(path, rows)

    def open_fds():
        return [fd for fd in os.listdir("/proc/self/fd")
                if os.path.realpath(f"/proc/self/fd/{fd}") == str(path.resolve())]

    table = open_table(path)
    assert table.header == ["票号", "审计局局长"]
    table.close()
    assert open_fds() == []


def _parsed_characters(path, block: int, longest: int):
    """(characters handed to the CSV parser, the rows or the refusal) reading `path`."""
    seen = []
    real = io.StringIO

    def counting(text, newline=None):
        seen.append(len(text))
        return real(text, newline=newline)

    with mock.patch.object(tables, "BLOCK", block), mock.patch.object(tables, "LONGEST_ROW", longest), \
            mock.patch.object(tables.io, "StringIO", counting):
        try:
            with open_table(path) as table:
                outcome = list(table.rows)
        except BallotFileError as e:
            outcome = e.message
    return sum(seen), outcome


@pytest.mark.parametrize("text, refusal", [
    # an old-Mac Excel export (CR line ends) with a line break typed inside one quoted cell
    ('票号,void\r0001,"字迹\n不清"\r' + "".join(f"{i:04d},\r" for i in range(2, 3000)), None),
    # many short quoted cells with line breaks: one long row, refused past LONGEST_ROW
    ("票号,a\n0001," + ",".join(['"x\ny"'] * 3000) + "\n", "a row longer than 2,000 characters"),
    # no line break at all after the header
    ("票号,a\n0001," + "y" * 30_000, "a row longer than 2,000 characters"),
    # an unclosed quote, one line break, then none
    ('票号,a\n0001,"x\n' + "y" * 30_000, "a row longer than 2,000 characters"),
])
def test_growing_past_a_quoted_cell_stays_linear(tmp_path, text, refusal):
    path = tmp_path / "b.csv"
    path.write_text(text, encoding="utf-8")
    parsed, outcome = _parsed_characters(path, 16, longest=2000)
    assert parsed < 4 * len(text)
    if refusal is None:
        assert outcome == list(enumerate(_whole(text)[1:], 2))
    else:
        assert outcome.startswith(f"{path}: row 2: {refusal}"), outcome


@pytest.mark.parametrize("late", ['0010,"张伟"x', "0010,张\x00伟"], ids=["csv-error", "nul"])
def test_the_first_problem_in_the_file_is_the_one_reported(run, tmp_path, late):
    # Row 3 has no ballot number; row 11, later in the same block, cannot be parsed at all.
    from audit_data import write_round

    assert run("init", write_round(tmp_path)).exit_code == 0
    lines = ["票号,审计局局长,统计局局长", "0001,张伟,陈静", ",王芳,陈静"]
    lines += [f"{i:04d},张伟,陈静" for i in range(3, 10)] + [late]
    (tmp_path / "b.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    r = run("tally", "rec1", tmp_path / "b.csv", "--present", "50", "--issued", "50")
    assert r.exit_code == 1
    assert "b.csv: row 3, column 1 (票号): empty ballot number" in r.stderr, r.stderr
