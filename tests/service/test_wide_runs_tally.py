"""A tally of a wide file through its fast path (a chunk of plain papers counted as one `Run`,
each post column by distinct cell in C, the counter's slots) stores exactly what the general
path stores (every paper read row by row and counted cell by cell): every table of the
database byte for byte (results, invalid marks, void papers, papers, raw rows, the events and
their hashes), the same `--json`, the same refusal, and `audit verify` says the same — over
random files with what must fall back: invalid marks, overvotes, two names in a cell, blanks,
invisible characters, void papers, categories, odd or repeated ballot numbers, short and long
rows, columns in another order, a second file in the command and a second batch."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from selector.domain import counting
from selector.domain.counting import Count
from selector.readers import ballots as reader, tables

from support import good_round, tally_by_path, write_csv, write_xlsx

CATEGORIES = 'categories = { "领导干部" = 2, "一般干部" = 1 }'
ELECTORATE = "electorate = 30\n"
# names, labels, ids, a shared name, someone for the other post, nobody, two names (an
# overvote of a one-seat post), spaces, full-width spaces, blanks
CELLS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "陈静", "C03", "C04", "赵六", "李娜、王芳", "王 芳",
         " 李娜 ", "\u3000陈静", "", "", "", " "]
# what makes a row's chunk be read row by row (or the file refused): a number to normalise,
# with letters, repeated, a heading, empty; a void or 'not void' entry, a category; a short,
# long or blank row; an invisible character in a cell
ODD = st.one_of(st.sampled_from(["number: 7", "number:Ｂ8", "number:B9", "number:b10", "number:0\u200b11", "number:",
                                 "number:票号", "number:ballot", "number:001"]),
                st.sampled_from(["void:废票", "void:否", "void: ", "void:\u200b", "void:撕毁"]),
                st.sampled_from(["category:一般干部", "category:领导干部", "category:", "category: "]),
                st.sampled_from(["short", "extra", "blank-extra", "blank"]), st.just("cell:陈\u200b静"))
papers = st.tuples(st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(CELLS)), min_size=8, max_size=80),
                   st.lists(st.tuples(st.integers(0, 59), ODD), max_size=3))
# overvote, max_marks, weighted, a void column, a category column, the post columns swapped
# (a weighted stage and void-ballot take no runs: rarer)
options = st.tuples(st.sampled_from(["void-post", "void-post", "void-post", "void-ballot"]),
                    st.sampled_from([None, None, 1, 2]), st.sampled_from([False, False, False, True]), st.booleans(),
                    st.booleans(), st.booleans())


def _tally(run, folder, round_file, files: list[list], fast: bool):
    return tally_by_path(run, folder, round_file, files, fast)


def _rows(items, first: int, void_column: bool, category_column: bool, swapped: bool,
          weighted: bool = False) -> list[list[str]]:
    cells, odd = items
    heading = ["票号"] + (["统计局副局长", "审计局局长"] if swapped else ["审计局局长", "P02"]) + \
        (["废票"] if void_column else []) + (["类别"] if category_column else [])
    rows = [[f"{i:03d}"] + ([p2, p1] if swapped else [p1, p2]) + ([""] if void_column else []) +
            (["一般干部" if weighted else ""] if category_column else [])
            for i, (p1, p2) in enumerate(cells, start=first)]
    for at, what in odd:
        row = rows[at % len(rows)]
        kind, _, text = what.partition(":")
        if kind == "number":
            row[0] = text
        elif kind == "void" and void_column and len(row) >= len(heading):
            row[3] = text
        elif kind == "category" and category_column and len(row) >= len(heading):
            row[len(heading) - 1] = text
        elif kind == "cell":
            row[1] = text
        elif kind == "short":
            del row[2:]
        elif kind == "extra":
            row.append("多余")
        elif kind == "blank-extra":
            row.append("")
        elif kind == "blank":
            row[:] = [""] * len(row)
    return [heading] + rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(papers, papers, options, st.sampled_from(["one", "two files", "two batches"]),
       st.sampled_from([97, 200, 300, 1 << 16]), st.sampled_from([0, 3]))
def test_a_wide_tally_stores_the_same_by_either_path(run, tmp_path_factory, items, more, option, shape, block,
                                                     batch):
    overvote, max_marks, weighted, void_column, category_column, swapped = option
    folder = tmp_path_factory.mktemp("wide")
    stage = f'overvote = "{overvote}"' + (f"\nmax_marks = {max_marks}" if max_marks else "")
    round_file = good_round(folder, {CATEGORIES: (CATEGORIES + "\n" if weighted else "") + stage,
                                     ELECTORATE: "electorate = 300\n"})
    first = write_csv(folder / "rec1-a.csv", _rows(items, 1, void_column, category_column or weighted, swapped,
                                                   weighted))
    second = write_csv(folder / "rec1-b.csv", _rows(more, len(items[0]) + 1 if shape != "two files" else 5,
                                                    void_column, category_column or weighted, not swapped, weighted))
    files = {"one": [[first]], "two files": [[first, second]], "two batches": [[first], [second]]}[shape]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "BLOCK", block)  # small blocks: many chunks, some runs, some read row by row
        if batch:  # the papers read row by row looked up `batch` at a time, as in a round of many posts
            mp.setattr(Count, "BATCH_POSTS", 1)
            mp.setattr(Count, "BATCH", batch)
        fast = _tally(run, folder, round_file, files, True)
        assert fast == _tally(run, folder, round_file, files, False)


def test_papers_held_for_a_batch_are_stored_with_their_batch(run, tmp_path, monkeypatch):
    # a round of many posts holds its plain papers for a batch lookup; a file's last papers are
    # still held when it ends: their invalid marks and overvotes belong to that file's batch
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    names = [("张伟(审计)", "刘洋"), ("王芳", "张伟(统计)"), ("赵六", "李娜、王芳"), ("C04", ""), ("张伟", "陈静")]
    files = []
    for f, first in ((0, 1), (1, 31)):
        rows = [["票号", "审计局局长", "统计局副局长"]] + [[f"{i:03d}", *names[i % len(names)]]
                                                        for i in range(first, first + 30)]
        files.append([write_csv(tmp_path / f"rec1-{f}.csv", rows)])
    monkeypatch.setattr(reader, "RUN_ROWS", 1000)  # every paper through `add`
    monkeypatch.setattr(Count, "BATCH_POSTS", 1)
    monkeypatch.setattr(Count, "BATCH", 1000)  # every paper held until its file ends
    fast = _tally(run, tmp_path, round_file, files, True)
    assert fast == _tally(run, tmp_path, round_file, files, False)
    assert [(row[-1], row[3]) for row in dict(fast[3])["invalid_marks"]][-2:] == [(2, "052"), (2, "057")]


def test_plain_chunks_are_counted_as_runs_and_the_rest_row_by_row(run, tmp_path, monkeypatch):
    # 120 papers in blocks of ~300 characters: most chunks are runs; the chunk holding the
    # paper with an invisible character, and the one with a void paper, are read row by row
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    names = [("张伟(审计)", "刘洋"), ("王芳", "张伟(统计)"), ("赵六", "李娜、王芳"), ("C04", ""), ("张伟", "陈静")]
    rows = [["票号", "审计局局长", "统计局副局长", "废票"]]
    rows += [[f"{i:03d}", *names[i % len(names)], ""] for i in range(1, 121)]
    rows[50][2] = "陈\u200b静"
    rows[90][3] = "撕毁"
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    seen = {"runs": 0, "papers": 0}
    add_run = Count.add_run

    def spy(counter, taken):
        seen["runs"] += 1
        seen["papers"] += len(taken.numbers)
        add_run(counter, taken)

    monkeypatch.setattr(tables, "BLOCK", 300)
    monkeypatch.setattr(counting.Count, "add_run", spy)
    fast = _tally(run, tmp_path, round_file, [[ballots]], True)
    assert seen["runs"] >= 3 and 60 <= seen["papers"] < 120
    assert fast == _tally(run, tmp_path, round_file, [[ballots]], False)
    tables_ = dict(fast[3])
    # 赵六 is nobody on the roster (an invalid mark on P01 on each of its 24 papers); 李娜、王芳
    # overvotes one-seat P02 on the same papers; 撕毁 voids paper 090 (张伟(审计), 刘洋); on 050
    # 陈静 with an invisible character counts for 陈静 instead of 刘洋
    assert [(row[2], row[3], row[4], row[5]) for row in tables_["invalid_marks"]] == \
        [("P01", f"{i:03d}", "赵六", "not on the roster") for i in range(2, 121, 5)]
    voided = [row[2:5] for row in tables_["void_papers"]]
    assert voided == sorted([(f"{i:03d}", "P02", "overvote") for i in range(2, 121, 5)] + [("090", None, "撕毁")],
                            key=lambda v: v[0])
    # 张伟 is a name two roster people share: on P01 it counts for the only one on its list
    # (C01, placed by the list: 24 papers)
    results = {(row[2], row[3]): row[4] for row in tables_["results"]}
    assert results == {("P01", "C01"): 47, ("P01", "C04"): 48, ("P02", "C02"): 24, ("P02", "C05"): 22,
                       ("P02", "C06"): 25}
    assert '"placed_by_list": 24' in fast[0][0][1]
    assert fast[0][0][0] == 0 and fast[1] == 0


def test_a_chunk_of_a_few_rows_is_read_row_by_row(run, tmp_path, monkeypatch):
    # a round of many posts has a few papers in a chunk of the file: a run would cost a Counter
    # for each post column, more than reading the papers; such chunks are read row by row
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    rows = [["票号", "审计局局长", "统计局副局长"]] + [[f"{i:03d}", "王芳", "刘洋"] for i in range(1, 41)]
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    runs = []
    add_run = Count.add_run
    monkeypatch.setattr(counting.Count, "add_run", lambda counter, taken: runs.append(taken) or add_run(counter, taken))
    monkeypatch.setattr(tables, "BLOCK", 3 * len("001,王芳,刘洋\n".encode()))  # a few rows a chunk
    fast = _tally(run, tmp_path, round_file, [[ballots]], True)
    assert not runs and fast == _tally(run, tmp_path, round_file, [[ballots]], False)
    monkeypatch.setattr(reader, "RUN_ROWS", 1)  # the same chunks as runs: the same database
    (tmp_path / "runs").mkdir()
    assert _tally(run, tmp_path / "runs", round_file, [[ballots]], True)[3] == fast[3] and runs


# One row among plain ones (a chunk the fast path would take whole) that must not be taken
# so: where it is refused, or noted, or voided, or counted apart, both paths say the same.
ODD_ROWS = {
    "void": ["020", "王芳", "刘洋", "撕毁", ""],
    "not void": ["020", "王芳", "刘洋", "否", ""],
    "void of an invisible character": ["020", "王芳", "刘洋", "\u200b", ""],
    "category": ["020", "王芳", "刘洋", "", "一般干部"],
    "category of spaces": ["020", "王芳", "刘洋", "", " "],
    "number twice in the chunk": ["019", "王芳", "刘洋", "", ""],
    "number of an earlier chunk": ["002", "王芳", "刘洋", "", ""],
    "number of the other file": ["105", "王芳", "刘洋", "", ""],
    "number to normalise": [" 020", "王芳", "刘洋", "", ""],
    "full-width number": ["０２０", "王芳", "刘洋", "", ""],
    "number with letters": ["B020", "王芳", "刘洋", "", ""],
    "heading repeated": ["票号", "审计局局长", "统计局副局长", "废票", "类别"],
    "heading in English": ["ballot", "王芳", "刘洋", "", ""],
    "empty number": ["", "王芳", "刘洋", "", ""],
    "invisible in a post cell": ["020", "王\u200b芳", "刘洋", "", ""],
    "invisible in the number": ["02\u200b0", "王芳", "刘洋", "", ""],
    "short row": ["020", "王芳"],
    "long row": ["020", "王芳", "刘洋", "", "", "多余"],
    "long row, blank": ["020", "王芳", "刘洋", "", "", ""],
    "blank row": ["", "", "", "", ""],
    "overvote and invalid mark": ["020", "王芳、C01", "赵六", "", ""],
}


@pytest.mark.parametrize("odd", list(ODD_ROWS))
def test_a_chunk_with_a_row_that_needs_the_reader_is_read_row_by_row(run, tmp_path, monkeypatch, odd):
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    names = [("张伟(审计)", "刘洋"), ("王芳", "张伟(统计)"), ("C04", ""), ("", "陈静")]
    heading = ["票号", "审计局局长", "统计局副局长", "废票", "类别"]
    rows = [[f"{i:03d}", *names[i % len(names)], "", ""] for i in range(1, 41)]
    rows[19] = ODD_ROWS[odd]
    first = write_csv(tmp_path / "rec1-a.csv", [heading] + rows)
    second = write_csv(tmp_path / "rec1-b.csv",
                       [heading] + [[f"{i:03d}", "王芳", "刘洋", "", ""] for i in range(101, 111)])
    monkeypatch.setattr(tables, "BLOCK", 200)  # chunks of ~11 rows: the odd row's and plain ones
    fast = _tally(run, tmp_path, round_file, [[second, first]], True)
    assert fast == _tally(run, tmp_path, round_file, [[second, first]], False)


@pytest.mark.parametrize("separator", ["、", ","])
@pytest.mark.parametrize("odd", ["void", "number twice in the chunk", "number of an earlier chunk",
                                 "invisible in a post cell", "short row", "overvote and invalid mark", "category"])
def test_an_xlsx_files_chunks_are_runs_too(run, tmp_path, monkeypatch, odd, separator):
    # An XLSX chunk makes a run the same way: as its cells and CSV text when no cell holds what
    # CSV quotes, else (two names split by a comma in each chunk) as its rows.
    round_file = good_round(tmp_path, {CATEGORIES: "", ELECTORATE: "electorate = 300\n"})
    names = [("张伟(审计)", "刘洋"), ("王芳", "张伟(统计)"), ("C04", ""), ("张伟", "陈静"), ("赵六", f"李娜{separator}王芳")]
    heading = ["票号", "审计局局长", "统计局副局长", "废票", "类别"]
    rows = [[f"B{i:03d}", *names[i % len(names)], "", ""] for i in range(1, 41)]
    rows[19] = [f"B{cell}" if k == 0 and cell else cell for k, cell in enumerate(ODD_ROWS[odd])]
    ballots = write_xlsx(tmp_path / "rec1.xlsx", [heading] + rows)
    seen = []
    add_run = Count.add_run
    monkeypatch.setattr(Count, "add_run", lambda counter, taken: seen.append(taken) or add_run(counter, taken))
    monkeypatch.setattr(tables, "XLSX_CHUNK", 10)
    fast = _tally(run, tmp_path, round_file, [[ballots]], True)
    assert seen and all(type(r.lines) is (range if separator == "、" else list) for r in seen)
    assert fast == _tally(run, tmp_path, round_file, [[ballots]], False)


@pytest.fixture(autouse=True)
def _paths_back():
    yield
    reader.FAST = Count.FAST = True
