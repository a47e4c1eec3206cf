"""`selector papers`: the ballot papers a meeting marks and the keying sheet the tally reads.
The round trip — keying sheet written by `papers`, filled in as a clerk keys the papers, counted
by `tally` unchanged — is the proof that the headings are exactly the ones `tally` reads."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook


def _fill(path: Path, rows: list[list[str]]) -> None:
    wb = load_workbook(path)
    ws = wb.active
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value:
                ws.cell(row=r, column=c, value=value)
    wb.save(path)


def test_keying_sheet_round_trip_choose_paper(counted, run):
    counted("rec2")  # rec2 locked: vote1 (choose, 1:2) takes its list
    r = run("papers", "vote1", "--format", "xlsx", "--serials", "11", "--out", "k.xlsx")
    assert r.exit_code == 0, r.stderr
    wb = load_workbook("k.xlsx")
    ws = wb.active
    assert [c.value for c in ws[1]] == ["票号", "废票", "城关镇党委书记", "县审计局局长"]
    assert [ws.cell(row=i, column=1).value for i in (2, 12)] == ["01", "11"]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C"] == '"王芳,李强,赵敏"'  # stroke order, as on the paper
    assert lists["D"] == '"马丽,刘洋,张伟"'
    filled = [["", "", "李强", "马丽"]] * 6 + [["", "", "赵敏", "刘洋"]] * 4 + [["", "在选票上署名", "", ""]]
    _fill(Path("k.xlsx"), filled)
    r = run("tally", "vote1", "k.xlsx", "--present", "11", "--issued", "11")
    assert r.exit_code == 0, r.stderr
    view = json.loads(run("show", "vote1", "--json").stdout)
    votes = {r["name"]: r["votes"] for p in view["posts"] for r in p["results"]}
    assert votes == {"李强": 6, "赵敏": 4, "王芳": 0, "马丽": 6, "刘洋": 4, "张伟": 0}
    assert view["void_papers"] == [{"ballot": "11", "reason": "在选票上署名"}]


def test_keying_sheet_round_trip_approve_paper_and_categories(counted, run):
    counted("vote1")
    r = run("papers", "vote2", "--format", "xlsx", "--out", "k.xlsx")
    assert r.exit_code == 0, r.stderr
    ws = load_workbook("k.xlsx").active
    headings = [c.value for c in ws[1]]
    assert headings == ["票号", "废票", "李强", "赵敏", "马丽", "刘洋"]
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas == {'"同意,不同意,弃权"'}
    rows = [[f"{i:02d}", "", "同意", "不同意", "同意" if i < 9 else "弃权", ""] for i in range(1, 15)]
    _fill(Path("k.xlsx"), rows)
    assert run("tally", "vote2", "k.xlsx", "--present", "14", "--issued", "14").exit_code == 0
    view = json.loads(run("show", "vote2", "--json").stdout)
    got = {r["name"]: (r["yes"], r["no"], r["abstain"]) for p in view["posts"] for r in p["results"]}
    assert got == {"李强": (14, 0, 0), "赵敏": (0, 14, 0), "马丽": (8, 0, 6), "刘洋": (0, 0, 14)}
    # a recommendation with categories: the category column has its drop-down list
    assert run("papers", "rec1", "--format", "xlsx", "--out", "r.xlsx").exit_code == 0
    ws = load_workbook("r.xlsx").active
    assert [c.value for c in ws[1]][:3] == ["票号", "类别", "废票"]
    assert '"领导干部,一般干部"' in {dv.formula1 for dv in ws.data_validations.dataValidation}


def test_papers_docx_names_in_stroke_order_with_boxes_and_instructions(counted, run):
    from docx import Document

    counted("vote1")
    assert run("papers", "rec2", "--out", "p.docx").exit_code == 0
    d = Document("p.docx")
    text = [p.text for p in d.paragraphs]
    # the stage's title and the paper's said once: 全委会民主推荐 + 推荐票, not 民主推荐推荐票
    assert text[:2] == ["东台县乡镇党委书记和部门正职公推公选", "县委全委会民主推荐票"]
    assert "城关镇党委书记（职数 1 名）" in text and "每个职位最多推荐 1 人，在姓名后的方框内划“√”。" in text
    first = [[c.text for c in row.cells] for row in d.tables[0].rows]
    assert first[0] == ["序号", "姓名", "现工作单位及职务", "推荐"]
    assert [row[1] for row in first[1:3]] == ["丁一", "王芳"]  # 丁 2 strokes, 王 4
    assert all(row[3] == "□" for row in first[1:])
    assert d.tables[0].rows[0]._tr.trPr.xml.count("tblHeader") == 1
    assert run("papers", "vote2", "--serials", "3", "--out", "v.docx").exit_code == 0
    d = Document("v.docx")
    assert "县委全委会票决表" in [p.text for p in d.paragraphs]  # 县委全委会票决 + 票决表
    assert d.core_properties.title == "县委全委会票决表"
    serials = [p.text for p in d.paragraphs if p.text.startswith("编号")]
    assert serials == ["编号：1", "编号：2", "编号：3"]
    breaks = [p.paragraph_format.page_break_before for p in d.paragraphs if p.text.startswith("编号")]
    assert breaks == [None, True, True]
    assert [c.text for c in d.tables[0].rows[0].cells][3:] == ["同意", "不同意", "弃权"]
    assert any("只能选择一项" in p.text for p in d.paragraphs)


def test_papers_refused_where_there_are_none(counted, run):
    counted("vote1")
    r = run("papers", "notice")
    assert r.exit_code == 2 and "has no ballot papers" in r.stderr
    r = run("papers", "vote2", "--format", "xlsx", "--out", "-")  # a keying sheet is not written to stdout
    assert r.exit_code == 2 and "--format xlsx is a binary file: give --out PATH" in r.stderr


def test_evaluation_form_and_its_keying_sheet_read_by_inspect(run, tmp_path):
    from docx import Document

    from stagehelp import NAMES, all_clear, ready_for_inspection, show

    ready_for_inspection(run, tmp_path)  # inspection lists: 张伟 王芳 李娜 | 杨军 赵磊 黄敏
    assert run("papers", "inspect", "--out", "e.docx").exit_code == 0
    d = Document("e.docx")
    assert [p.text for p in d.paragraphs][1] == "考察民主测评表"
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[0] == ["序号", "姓名", "现工作单位及职务", "优秀", "称职", "基本称职", "不称职"]
    names = [r[1] for r in rows[1:]]  # each person once (inspection is of a person), in stroke order
    assert names[0] == "王芳" and names[-1] == "黄敏" and len(names) == 6  # 王 4 strokes … 黄 11
    from selector.reports.collation import by_surname_strokes

    assert names == by_surname_strokes(names, str)
    assert all(r[3:] == ["□"] * 4 for r in rows[1:])
    assert any("只能选择一项" in p.text for p in d.paragraphs)
    r = run("papers", "inspect", "--format", "xlsx", "--serials", "3", "--out", "e.xlsx")
    assert r.exit_code == 0, r.stderr
    ws = load_workbook("e.xlsx").active
    headings = [c.value for c in ws[1]]
    assert headings[:2] == ["票号", "废票"] and sorted(headings[2:]) == sorted(
        NAMES[c] for c in ("C01", "C02", "C03", "C06", "C07", "C08"))
    assert {dv.formula1 for dv in ws.data_validations.dataValidation} == {'"优秀,称职,基本称职,不称职"'}
    grades = {"张伟": "优秀", "王芳": "称职", "李娜": "不称职"}
    _fill(Path("e.xlsx"), [["", "", *(grades.get(h, "称职") for h in headings[2:])]] * 3)
    people = ["C01", "C02", "C03", "C06", "C07", "C08"]
    r = run("inspect", "inspect", all_clear(tmp_path / "f.csv", people), "e.xlsx")
    assert r.exit_code == 0, r.stderr
    view = show(run, "inspect")
    found = {x["name"]: x["evaluation"]["counts"] for p in view["posts"] for x in p["results"]}
    assert found["张伟"]["优秀"] == 3 and found["李娜"]["不称职"] == 3 and found["赵磊"]["称职"] == 3
