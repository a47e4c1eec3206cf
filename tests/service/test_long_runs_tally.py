"""A tally of a long file whose papers each name the same posts in the same order (a scanner's
export: one row per post, a paper's rows together) counts a chunk's whole papers as one `Run`,
a post's candidate cells as a wide file's column, and stores exactly what the general path
stores (every paper read row by row and counted cell by cell): every table byte for byte, the
same `--json`, the same refusal, and `audit verify` says the same — over random files with
what must fall back: odd ballot numbers, an invisible character in a cell, a paper with a post missing, twice or in another
order, blank, short and long rows, odd post cells, void and category entries, a paper whose
rows are apart, a second file in the command and a second batch."""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from selector.domain.counting import Count
from selector.readers import ballots as reader, tables

from support import good_round, tally_by_path, write_csv, write_xlsx

CATEGORIES = 'categories = { "领导干部" = 2, "一般干部" = 1 }'
ELECTORATE = "electorate = 30\n"
# names, labels, ids, a shared name, someone for the other post, nobody, two names in a cell
# (one text in the long layout), spaces, blanks
CELLS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "陈静", "C03", "C04", "赵六", "李娜、王芳", "王 芳",
         " 李娜 ", "\u3000陈静", "", "", " "]
ODD = st.sampled_from(["number: 7", "number:Ｂ8", "number:b10", "number:0\u200b11", "number:", "number:票号",
                       "number:ballot", "number:001", "missing", "extra", "swapped", "blank", "short", "long",
                       "long-blank", "post:\u200bP01", "post:", "post: P02", "post:审计局局长", "void:废票", "void:否",
                       "category:领导干部", "category:", "cell:陈\u200b静", "apart"])
papers = st.tuples(st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(CELLS)), min_size=8, max_size=60),
                   st.lists(st.tuples(st.integers(0, 59), ODD), max_size=3))
# overvote, max_marks, weighted, a void column, a category column, P02's rows first, posts by title
# (a void or category column, a weighted stage and void-ballot take no runs: rarer)
rarely = st.sampled_from([False, False, False, True])
options = st.tuples(st.sampled_from(["void-post", "void-post", "void-post", "void-ballot"]),
                    st.sampled_from([None, None, 1, 2]), rarely, rarely, rarely, st.booleans(), st.booleans())


def _rows(items, first: int, void_column: bool, category_column: bool, swapped: bool, titles: bool,
          weighted: bool = False) -> list[list[str]]:
    cells, odd = items
    heading = ["票号", "职位", "候选人"] + (["废票"] if void_column else []) + (["类别"] if category_column else [])
    more = ([""] if void_column else []) + (["一般干部" if weighted else ""] if category_column else [])
    name = {"P01": "审计局局长", "P02": "统计局副局长"} if titles else {"P01": "P01", "P02": "P02"}
    order = ["P02", "P01"] if swapped else ["P01", "P02"]
    papers = [[[f"{i:03d}", name[post], dict(zip(["P01", "P02"], pair))[post]] + more for post in order]
              for i, pair in enumerate(cells, start=first)]
    apart = []
    for at, what in odd:
        paper = papers[at % len(papers)]
        kind, _, text = what.partition(":")
        if not paper:
            continue
        if kind == "number":
            for row in paper:
                row[0] = text
        elif kind == "missing":
            del paper[-1]
        elif kind == "extra":  # the first post again: two marks on a one-seat post
            paper.append(paper[0][:2] + ["王芳"] + more)
        elif kind == "swapped":
            paper.reverse()
        elif kind == "blank":
            paper.append([""] * len(heading))
        elif kind == "short":
            del paper[0][2:]
        elif kind in ("long", "long-blank"):
            paper[0].append("多余" if kind == "long" else "")
        elif kind == "post":
            paper[0][1] = text
        elif kind == "cell" and len(paper[0]) > 2:
            paper[0][2] = text
        elif kind == "void" and void_column and len(paper[0]) >= len(heading):
            paper[0][3] = text
        elif kind == "category" and category_column and len(paper[0]) >= len(heading):
            paper[0][len(heading) - 1] = text
        elif kind == "apart":
            apart.append(paper.pop())
    return [heading] + [row for paper in papers for row in paper] + apart


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(papers, papers, options, st.sampled_from(["one", "two files", "two batches"]),
       st.sampled_from([60, 97, 200, 400, 1 << 16]), st.sampled_from(["CR LF", "LF", "LF, none after the last"]))
def test_a_long_tally_stores_the_same_by_either_path(run, tmp_path_factory, items, more, option, shape, block,
                                                     ends):
    overvote, max_marks, weighted, void_column, category_column, swapped, titles = option
    folder = tmp_path_factory.mktemp("long")
    stage = f'overvote = "{overvote}"' + (f"\nmax_marks = {max_marks}" if max_marks else "")
    round_file = good_round(folder, {CATEGORIES: (CATEGORIES + "\n" if weighted else "") + stage,
                                     ELECTORATE: "electorate = 300\n"})
    first = write_csv(folder / "rec1-a.csv", _rows(items, 1, void_column, category_column or weighted, swapped,
                                                   titles, weighted))
    second = write_csv(folder / "rec1-b.csv", _rows(more, len(items[0]) + 1 if shape != "two files" else 5,
                                                    void_column, category_column or weighted, not swapped, titles,
                                                    weighted))
    for path in (first, second) if ends != "CR LF" else ():  # (as a tool other than Excel saves it)
        data = path.read_bytes().replace(b"\r\n", b"\n")
        path.write_bytes(data[:-1] if ends == "LF, none after the last" else data)
    files = {"one": [[first]], "two files": [[first, second]], "two batches": [[first], [second]]}[shape]
    with pytest.MonkeyPatch.context() as mp:
        # small blocks: many chunks, papers cut across them; runs of two papers or more
        mp.setattr(tables, "BLOCK", block)
        mp.setattr(reader, "RUN_ROWS", 2)
        fast = tally_by_path(run, folder, round_file, files, True, "--layout", "long")
        assert fast == tally_by_path(run, folder, round_file, files, False, "--layout", "long")


def _spy(monkeypatch) -> list:
    runs = []
    add_run = Count.add_run
    monkeypatch.setattr(Count, "add_run", lambda counter, taken: runs.append(taken) or add_run(counter, taken))
    return runs


def test_whole_papers_of_a_chunk_are_counted_as_runs(run, tmp_path, monkeypatch):
    # 120 papers of two rows each in chunks of ~600 characters: a chunk's last paper waits for
    # the next chunk, so each paper is read whole, in a run but for the first chunk's (the post
    # cells are not known yet) and the chunk of the paper with an invisible character
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    names = [("张伟(审计)", "刘洋"), ("王芳", "张伟(统计)"), ("赵六", "李娜、王芳"), ("C04", ""), ("张伟", "陈静")]
    rows = [["票号", "职位", "候选人"]]
    for i in range(1, 121):
        p01, p02 = names[i % len(names)]
        rows += [[f"{i:03d}", "P01", p01], [f"{i:03d}", "P02", "陈\u200b静" if i == 50 else p02]]
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    runs = _spy(monkeypatch)
    monkeypatch.setattr(tables, "BLOCK", 600)
    fast = tally_by_path(run, tmp_path, round_file, [[ballots]], True, "--layout", "long")
    counted = [number for taken in runs for number in taken.numbers]
    assert len(runs) >= 3 and 60 <= len(counted) < 120 and "050" not in counted and "001" not in counted
    assert counted == sorted(counted) and len(set(counted)) == len(counted)
    assert all(list(taken.lines) == [rows.index([n, "P01", names[int(n) % 5][0]]) + 1 for n in taken.numbers]
               for taken in runs)
    assert fast == tally_by_path(run, tmp_path, round_file, [[ballots]], False, "--layout", "long")
    tables_ = dict(fast[3])
    # 赵六 is nobody on the roster (an invalid mark on P01 on each of its 24 papers); in the
    # long layout 李娜、王芳 is one text, on nobody's list (an invalid mark on P02, no overvote)
    assert [(row[2], row[3], row[4]) for row in tables_["invalid_marks"]] == \
        [(post, f"{i:03d}", text) for post, text in (("P01", "赵六"), ("P02", "李娜、王芳")) for i in range(2, 121, 5)]
    assert tables_["void_papers"] == []
    # 张伟 is a name two roster people share: on P01 it counts for the only one on its list
    # (C01); on 050 陈静 with an invisible character counts for 陈静 instead of 刘洋
    results = {(row[2], row[3]): row[4] for row in tables_["results"]}
    assert results == {("P01", "C01"): 48, ("P01", "C04"): 48, ("P02", "C02"): 24, ("P02", "C05"): 23,
                       ("P02", "C06"): 25}
    assert fast[0][0][0] == 0 and fast[1] == 0


@pytest.mark.parametrize("separator", ["、", ","])
def test_a_workbooks_papers_are_counted_as_runs_too(run, tmp_path, monkeypatch, separator):
    # A long workbook's chunks that come with CSV text (`tables._sheet_chunk`) make runs from their
    # cells; with a comma in a cell of each chunk (stored as JSON) the loop reads every paper:
    # either way the same is stored as by the general path.
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    names = [("张伟(审计)", "刘洋"), ("王芳", "张伟(统计)"), ("赵六", f"李娜{separator}王芳"), ("C04", ""), ("张伟", "陈静")]
    rows = [["票号", "职位", "候选人"]]
    for i in range(1, 121):
        p01, p02 = names[i % len(names)]
        rows += [[f"B{i:03d}", "P01", p01], [f"B{i:03d}", "P02", p02]]
    ballots = write_xlsx(tmp_path / "rec1.xlsx", rows)
    runs = _spy(monkeypatch)
    monkeypatch.setattr(tables, "XLSX_CHUNK", 15)
    fast = tally_by_path(run, tmp_path, round_file, [[ballots]], True, "--layout", "long")
    counted = [number for taken in runs for number in taken.numbers]
    assert (len(runs) >= 3 and len(counted) >= 40) if separator == "、" else not runs
    assert fast == tally_by_path(run, tmp_path, round_file, [[ballots]], False, "--layout", "long")


@pytest.mark.parametrize("quoting", ["all", "later"])
def test_quoted_text_is_counted_as_runs_too(run, tmp_path, monkeypatch, quoting):
    # an export that quotes every cell is parsed by csv, not split: its chunks' rows are runs
    # all the same; so are a plain file's when a quoted cell turns up part way (a chunk of
    # quoted text after one of plain lines, the last paper held back across the two)
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    rows = [["票号", "职位", "候选人"]]
    for i in range(1, 121):
        rows += [[f"{i:03d}", "P01", "王芳" if i % 3 else "张伟(审计)"], [f"{i:03d}", "P02", "刘洋"]]
    if quoting == "later":
        rows[150][2] = "刘洋,王芳"  # a cell with a comma: quoted in its chunk
    path = tmp_path / "rec1.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
                   ).writerows(rows)
    runs = _spy(monkeypatch)
    monkeypatch.setattr(tables, "BLOCK", 600)
    fast = tally_by_path(run, tmp_path, round_file, [[path]], True, "--layout", "long")
    counted = [number for taken in runs for number in taken.numbers]
    assert len(runs) >= 3 and len(counted) >= 60 and len(set(counted)) == len(counted)
    if quoting == "later":
        assert any(int(n) > 75 for n in counted)  # runs after the quoted chunk as well
    assert fast == tally_by_path(run, tmp_path, round_file, [[path]], False, "--layout", "long")


def test_a_long_file_of_its_header_alone_is_refused_in_one_line(run, tmp_path):
    # the runs' reader is asked for a first chunk of no rows
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    ballots = write_csv(tmp_path / "rec1.csv", [["票号", "职位", "候选人"]])
    db = tmp_path / "r.db"
    assert run("--db", db, "init", round_file).exit_code == 0
    done = run("--db", db, "tally", "rec1", ballots, "--layout", "long", "--present", "300", "--issued", "300")
    assert done.exit_code == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"error: {ballots}: row 2: no ballots after the header"]


@pytest.mark.parametrize("rows_of_paper", [3, 40])
def test_a_paper_longer_than_a_chunk_is_read_by_the_loop(run, tmp_path, monkeypatch, rows_of_paper):
    # a paper with its post on many rows (an overvote), or more rows than a chunk holds: the
    # rows around it are runs, it is read whole by the loop
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    rows = [["票号", "职位", "候选人"]]
    for i in range(1, 61):
        rows += [[f"{i:03d}", "P01", "王芳"], [f"{i:03d}", "P02", "刘洋"]]
        if i == 30:
            rows += [["030", "P01", "张伟(审计)"]] * rows_of_paper
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    runs = _spy(monkeypatch)
    monkeypatch.setattr(tables, "BLOCK", 200)
    fast = tally_by_path(run, tmp_path, round_file, [[ballots]], True, "--layout", "long")
    assert runs and "030" not in [number for taken in runs for number in taken.numbers]
    assert fast == tally_by_path(run, tmp_path, round_file, [[ballots]], False, "--layout", "long")
    assert [row[2:5] for row in dict(fast[3])["void_papers"]] == [("030", "P01", "overvote")]


def test_papers_of_another_shape_stop_the_looks_after_a_few_chunks(run, tmp_path, monkeypatch):
    # a keyed file leaves out the posts a paper left blank: its papers are one or two rows
    # long, no chunk is a run, and after GIVE_UP chunks the rest is not looked at
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    rows = [["票号", "职位", "候选人"]]
    for i in range(1, 201):
        rows += [[f"{i:03d}", "P01", "王芳"]] + ([[f"{i:03d}", "P02", "刘洋"]] if i % 3 else [])
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    looks = []
    flat_run = reader._flat_run  # (every chunk of this plain file is split and looked at there)
    monkeypatch.setattr(reader, "_flat_run", lambda *a: looks.append(a[3]) or flat_run(*a))
    monkeypatch.setattr(tables, "BLOCK", 300)
    fast = tally_by_path(run, tmp_path, round_file, [[ballots]], True, "--layout", "long")
    assert len(looks) == reader.GIVE_UP + 1 and fast[0][0][0] == 0
    assert fast == tally_by_path(run, tmp_path, round_file, [[ballots]], False, "--layout", "long")


def test_a_run_number_found_again_later_gathers_the_file(run, tmp_path, monkeypatch):
    # 015 is counted in a run; its number comes back at the end: the tally starts again,
    # gathering each paper's rows, and stores what the general path stores
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    rows = [["票号", "职位", "候选人"]]
    for i in range(1, 41):
        rows += [[f"{i:03d}", "P01", "王芳"], [f"{i:03d}", "P02", "刘洋"]]
    rows.append(["015", "P01", "张伟(审计)"])
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    runs = _spy(monkeypatch)
    monkeypatch.setattr(tables, "BLOCK", 200)
    fast = tally_by_path(run, tmp_path, round_file, [[ballots]], True, "--layout", "long")
    assert "015" in [number for taken in runs for number in taken.numbers]
    assert fast == tally_by_path(run, tmp_path, round_file, [[ballots]], False, "--layout", "long")
    assert [row[2:5] for row in dict(fast[3])["void_papers"]] == [("015", "P01", "overvote")]
    assert len(dict(fast[3])["batches"]) == 1


@pytest.fixture(autouse=True)
def _paths_back():
    yield
    reader.FAST = Count.FAST = True


PIDS = {"P01": "P01", "P02": "P02", "审计局局长": "P01"}


def _papers(count: int = 10) -> list[list[str]]:
    return [[f"{i:03d}", post, f"{name}{i % 3}"] for i in range(1, count + 1)
            for post, name in (("P01", "王芳"), ("P02", "刘洋"))]


def _long_run(cells, seen=None, plain=True):
    # the plain text, as a chunk keeps it (CR LF: a file from Windows); or the cells, as csv parses quoted text
    end = "\r\n" if plain else None
    rows = "".join(",".join(row) + end for row in cells) if plain else cells
    return reader._long_run(rows, end, len(cells), 2, 3, 0, 1, 2, PIDS, {} if seen is None else seen, set(), 100)


@pytest.mark.parametrize("plain", [True, False])
def test_a_run_holds_each_posts_column_of_candidate_cells(plain):
    seen = {"900": 1}
    taken = _long_run(_papers(), seen, plain)
    assert list(taken.numbers) == [f"{i:03d}" for i in range(1, 11)] and list(taken.lines) == list(range(2, 22, 2))
    assert taken.pids == ["P01", "P02"]
    assert taken.columns == [[f"王芳{i % 3}" for i in range(1, 11)], [f"刘洋{i % 3}" for i in range(1, 11)]]
    assert [dict(c) for c in taken.counts] == [{"王芳0": 3, "王芳1": 4, "王芳2": 3}, {"刘洋0": 3, "刘洋1": 4, "刘洋2": 3}]
    assert seen == {"900": 1, **{f"{i:03d}": i * 2 for i in range(1, 11)}}
    assert taken.split(" 李娜 ") == ("李娜",) and taken.split(" ") == ()


def _changed(change) -> list[list[str]]:
    cells = _papers()
    change(cells)
    return cells


# rows that must be read by the loop (each makes `_long_run` give None)
NOT_A_RUN = {
    # 002 with one row and 003 with three: the post cells alone still alternate
    "rows of a paper apart from its number's": lambda c: c[3].__setitem__(0, "003"),
    "a paper's posts in another order": lambda c: (c[4].__setitem__(1, "P02"), c[5].__setitem__(1, "P01")),
    "a post twice on a paper": lambda c: [row.__setitem__(1, "P01") for row in c],
    "a post named two ways": lambda c: c[4].__setitem__(1, "审计局局长"),
    "a post cell not read before": lambda c: c[4].__setitem__(1, "P03"),
    "a number twice": lambda c: (c[6].__setitem__(0, "001"), c[7].__setitem__(0, "001")),
    "a number to normalise": lambda c: (c[6].__setitem__(0, " 004"), c[7].__setitem__(0, " 004")),
    "a number of a heading": lambda c: (c[6].__setitem__(0, "ballot"), c[7].__setitem__(0, "ballot")),
    "an empty number": lambda c: (c[6].__setitem__(0, ""), c[7].__setitem__(0, "")),
    "an invisible character": lambda c: c[7].__setitem__(2, "刘\u200b洋"),
    "a row too long": lambda c: c[7].append(""),
    "a row too short": lambda c: c[7].pop(),
    "a paper cut short": lambda c: c.pop(),
    "too few papers": lambda c: c.__delitem__(slice(2 * reader.RUN_ROWS - 2, None)),
}


@pytest.mark.parametrize("plain", [True, False])
@pytest.mark.parametrize("odd", list(NOT_A_RUN))
def test_rows_the_loop_must_read_are_no_run(odd, plain):
    assert _long_run(_changed(NOT_A_RUN[odd]), plain=plain) is None


def test_a_number_seen_before_is_no_run():
    seen = {"004": 9}
    assert _long_run(_papers(), seen) is None and seen == {"004": 9}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", "001", "P01", "张伟", " 王芳 "]), min_size=3, max_size=3), min_size=1,
                max_size=12),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.data())
def test_the_text_of_a_chunks_last_rows_starts_where_their_cells_say(rows, end, last_end, data):
    # a long chunk is split whole, then cut before its last paper: its text from there is
    # what goes on to the next chunk, the same characters as those rows' lines
    from selector.csvtext import flat_rows

    lines = [",".join(row) for row in rows]
    text = end.join(lines) + (end if last_end else "")
    flat = flat_rows(text, end, len(rows), 3)
    k = data.draw(st.integers(0, len(rows) - 1))
    at = reader._line_at(text, end, flat, 3, k, len(rows))
    assert text[at:] == end.join(lines[k:]) + (end if last_end else "")
