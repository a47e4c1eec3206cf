"""The layouts clerks bring (issue 11, point 8): the scanner's one column per candidate on a
recommendation, title rows above the heading row, more ballot-number headings, every accepted
heading in an unknown heading's refusal, and max_marks per post."""

from __future__ import annotations

from selector.records import replace

import pytest

from selector.domain.counting import Resolver, count_stage
from selector.domain.model import Post
from selector.errors import BallotFileError
from selector.readers import roundfile
from selector.readers.ballots import Paper, interpret
from selector.readers.tables import open_table
from support import GOOD, rows_of, write_csv, write_xlsx

ROUND, _, _ = roundfile.load(GOOD / "round.toml")
LISTS = {p.id: tuple(c.id for c in ROUND.candidates if c.eligible_for(p.id)) for p in ROUND.posts}
# rec1 over the roster: P01 张伟(审计) C01, 李娜 C03, 王芳 C04; P02 张伟(统计) C02, 李娜, 刘洋 C05, 陈静 C06

SCANNED = rows_of("""
ballot,category,审计局局长/张伟(审计),P01/李娜,P01/C04,P02/张伟(统计),P02/李娜,刘洋,陈静
1,领导干部,√,,,,√,,
2,一般干部,,✓,,√,,,
3,一般干部,√,√,,,,,√
4,一般干部,,,,,,,
5,一般干部,,,Y,,,同意,
""")
AS_CELLS = rows_of("""
ballot,category,审计局局长,统计局副局长
1,领导干部,张伟(审计),李娜
2,一般干部,李娜,张伟(统计)
3,一般干部,张伟(审计)、李娜,陈静
4,一般干部,,
5,一般干部,王芳,刘洋
""")


def paper(stage="rec1", posts=None, lists=None) -> Paper:
    return Paper(ROUND.stage(stage), posts or ROUND.posts, lists or LISTS, Resolver(ROUND.candidates))


def read(path, p=None, layout="wide", **kw):
    with open_table(path, **kw) as table:
        return list(interpret(p or paper(), table.name, table.header, table.rows, layout))


def refused(path, p=None, **kw) -> str:
    with pytest.raises(BallotFileError) as e:
        read(path, p, **kw)
    return e.value.message


def counted(ballots, p=None):
    p = p or paper()
    count = count_stage(p.stage, p.posts, p.lists, ROUND.candidates, ballots)
    return {pid: (pc.valid, pc.void, pc.blank, {c: cc.votes for c, cc in sorted(pc.counts.items())})
            for pid, pc in count.posts.items()}


def test_the_scanners_layout_counts_as_the_same_papers_written_as_names(tmp_path):
    scanned = read(write_csv(tmp_path / "s.csv", SCANNED))
    written = read(write_csv(tmp_path / "w.csv", AS_CELLS))
    assert counted(scanned) == counted(written) == {
        "P01": (4, 1, 1, {"C01": 1, "C03": 1, "C04": 1}),  # paper 3 marks two for one seat: void for P01
        "P02": (5, 0, 1, {"C02": 1, "C03": 1, "C05": 1, "C06": 1})}
    assert scanned[0].marks["P01"] == ("张伟(审计)",) and scanned[4].marks["P01"] == ("C04",)


def test_the_scanners_layout_refuses_what_is_not_a_tick(tmp_path):
    rows = [SCANNED[0], ["1", "一般干部", "×", "", "", "", "", "", ""]]
    got = refused(write_csv(tmp_path / "s.csv", rows))
    assert got.endswith("s.csv: row 2, column 3 (审计局局长/张伟(审计)): '×' in a candidate's column: mark the "
                        "candidate with √ (or 同意, Y) or leave the cell empty")
    rows = [[h for h in SCANNED[0] if h != "陈静"], ["1", "一般干部", "√", "", "", "", "", ""]]
    assert "no column for 陈静 (C06) on the P02 list" in refused(write_csv(tmp_path / "s.csv", rows))
    rows = [["ballot", "category", "审计局局长", "P01/李娜", "统计局副局长"], ["1", "一般干部", "", "√", ""]]
    assert "post P01 has its own column and candidate columns" in refused(write_csv(tmp_path / "s.csv", rows))


@pytest.mark.parametrize("heading", ["票号", "序号", "编号", "测评票号", "选票编号", "ballot"])
def test_the_ballot_number_headings(tmp_path, heading):
    rows = [[heading, *AS_CELLS[0][1:]], *AS_CELLS[1:]]
    assert [b.number for b in read(write_csv(tmp_path / "h.csv", rows))] == ["1", "2", "3", "4", "5"]


def test_title_rows_above_the_heading_row_are_skipped(tmp_path):
    titles = [["某市局级领导干部公推公选全委会民主推荐票统计表"], ["统计时间：2026年3月1日", "", "", "计票人：王明"], []]
    head = ["序号", *AS_CELLS[0][1:]]
    ballots = read(write_csv(tmp_path / "t.csv", [*titles, head, *AS_CELLS[1:]]))
    assert [(b.number, b.line) for b in ballots] == [("1", 5), ("2", 6), ("3", 7), ("4", 8), ("5", 9)]
    assert counted(ballots) == counted(read(write_csv(tmp_path / "w.csv", AS_CELLS)))
    # XLSX too (a sheet's title merged over the table is read as its first cell)
    book = write_xlsx(tmp_path / "t.xlsx", [["推荐票统计表"], head, *AS_CELLS[1:]])
    assert [b.line for b in read(book)] == [3, 4, 5, 6, 7]
    # a refusal of a heading names the heading row
    bad = [*titles, [*head, "备注"], *[r + [""] for r in AS_CELLS[1:]]]
    assert "t.csv: row 4, column 5 (备注): unknown column '备注'" in refused(write_csv(tmp_path / "t.csv", bad))
    # with no ballot-number heading in the first rows, the first row is the heading, as before
    got = refused(write_csv(tmp_path / "n.csv", [["标题"], ["号", "审计局局长"], ["1", "张伟(审计)"]]))
    assert "n.csv: row 1, column 1 (标题): unknown column '标题'" in got


def test_an_unknown_heading_lists_every_accepted_heading(tmp_path):
    got = refused(write_csv(tmp_path / "u.csv", [[*AS_CELLS[0], "备注"], *[r + [""] for r in AS_CELLS[1:]]]))
    accepted = got.split("Headings accepted: ", 1)[1]
    for heading in ("票号", "序号", "编号", "测评票号", "选票编号", "类别", "票别", "废票", "无效",
                    "P01 / 审计局局长", "P02 / 统计局副局长", "C04 / 王芳", "C01 / 张伟(审计)", "P01/C03", "P02/C03"):
        assert heading in accepted, heading
    assert "…" not in got


def test_max_marks_per_post(tmp_path):
    posts = (replace(ROUND.posts[0], max_marks=2), ROUND.posts[1])
    p = paper(posts=posts)
    ballots = read(write_csv(tmp_path / "w.csv", AS_CELLS), p)
    # paper 3's two marks for P01 are within its max_marks = 2 now
    assert counted(ballots, p)["P01"] == (5, 0, 1, {"C01": 2, "C03": 2, "C04": 1})
    # a stage's own max_marks is the rule of its paper: it wins
    stage = replace(ROUND.stage("rec1"), max_marks=1)
    q = Paper(stage, posts, LISTS, Resolver(ROUND.candidates))
    assert counted(ballots, q)["P01"][:2] == (4, 1)
    assert Post("P9", "x", 3).max_marks is None and stage.marks_allowed(posts[0]) == 1


def test_max_marks_in_the_round_file(tmp_path):
    from support import good_round

    path = good_round(tmp_path, {'title = "审计局局长"\nseats = 1': 'title = "审计局局长"\nseats = 1\nmax_marks = 2'})
    r, _, _ = roundfile.load(path)
    assert r.post("P01").max_marks == 2 and r.post("P02").max_marks is None
    assert r.stage("rec1").marks_allowed(r.post("P01")) == 2
    bad = good_round(tmp_path, {'title = "审计局局长"\nseats = 1': 'title = "审计局局长"\nseats = 1\nmax_marks = 0'})
    with pytest.raises(Exception) as e:
        roundfile.load(bad)
    assert "post[0].max_marks: expected a whole number ≥ 1" in str(e.value.message)


def test_an_evaluation_file_headed_ceping_piaohao():
    from fractions import Fraction

    from selector.domain.model import Evaluation, Threshold
    from selector.readers.findings import kind_of, read_evaluation

    header = ["测评票号", "张伟(审计)", "李娜"]
    rows = [(2, ["1", "优秀", "称职"]), (3, ["2", "称职", ""])]
    assert kind_of("e.csv", header) == "evaluation"
    scale = Evaluation(("优秀", "称职", "基本称职", "不称职"), ("优秀", "称职"), Threshold(">=", Fraction(2, 3)))
    candidates, papers = read_evaluation("e.csv", header, rows, resolver=Resolver(ROUND.candidates),
                                         allowed=["C01", "C03"], evaluation=scale)
    assert candidates == ["C01", "C03"] and [p.number for p in papers] == ["1", "2"]


def test_an_xlsx_title_merged_across_the_table_is_no_merged_cell_of_it(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某市局级领导干部公推公选全委会民主推荐票统计表"])
    ws.merge_cells("A1:D1")
    ws.append(["统计时间：2026年3月1日"])
    ws.merge_cells("A2:D2")
    for row in AS_CELLS:
        ws.append(row)
    wb.save(tmp_path / "t.xlsx")
    assert [b.line for b in read(tmp_path / "t.xlsx")] == [4, 5, 6, 7, 8]
    ws.merge_cells("C5:D5")  # inside the table: still refused (a merged cell reads as empty)
    wb.save(tmp_path / "t.xlsx")
    assert "row 5, column 3" in refused(tmp_path / "t.xlsx") and "merged cells (C5:D5)" in refused(tmp_path / "t.xlsx")
    ws.unmerge_cells("C5:D5")
    ws.merge_cells("A3:B3")  # a merge in the heading row (two or more values follow it)
    wb.save(tmp_path / "t.xlsx")
    assert "merged cells (A3:B3)" in refused(tmp_path / "t.xlsx")
