"""`selector export`: documents checked as a clerk would open them (golden text, Excel, Word)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from selector.reports.collation import by_surname_strokes
from support import check_golden
from selector.reports.documents import Document, Section
from selector.reports.render_office import xlsx as render_xlsx
from selector.reports.render_text import csv_bytes

def golden(name: str, data: bytes) -> None:
    check_golden(f"exports/{name}", data)


@pytest.mark.parametrize("stage,doc,fmt", [
    ("rec1", "tally", "md"), ("rec2", "tally", "csv"), ("rec2", "shortlist", "md"),
    ("vote1", "vote", "md"), ("vote2", "vote", "csv"), ("notice", "notice", "md"),
    ("vote2", "shortlist", "md"), ("vote2", "record", "md"),
])
def test_golden_text_documents(counted, run, stage, doc, fmt):
    counted("vote2")
    out = f"{stage}-{doc}.{fmt}"
    result = run("export", stage, "--doc", doc, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.stderr
    golden(out, Path(out).read_bytes())


def test_a_certified_count_carries_who_signed_and_when(counted, run):
    counted("vote2")
    assert run("certify", "vote2", "--teller", "孙丽", "--scrutineer", "钱江", "--scrutineer", "郑海").exit_code == 0
    md = run("export", "vote2", "--doc", "vote").stdout
    assert "计票人：孙丽　　监票人：钱江　　监票人：郑海" in md and "________" not in md
    assert "- 计票签署时间：" in md
    assert run("export", "vote2", "--doc", "vote", "--format", "docx", "--out", "v.docx").exit_code == 0
    from docx import Document

    text = "\n".join(p.text for p in Document("v.docx").paragraphs)
    assert "计票人（签字）：孙丽　________________" in text and "监票人（签字）：郑海　________________" in text


def test_markdown_goes_to_stdout_by_default(counted, run):
    counted("rec2")
    result = run("export", "rec2", "--doc", "shortlist")
    assert result.exit_code == 0
    assert result.stdout.startswith("# 提交票决人选名单\n\n名单按姓氏笔画为序\n")  # rec2's list goes to vote1
    assert "名单按姓氏笔画为序" in result.stdout


def test_csv_opens_in_excel_as_utf8_with_bom(counted, run):
    counted("vote2")
    assert run("export", "vote2", "--doc", "vote", "--format", "csv").exit_code == 0
    data = Path("dongtai-2026-vote2-vote.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["票决结果表"]
    # the share is over 应到会 (15), as the pass line is
    header = rows.index(["名次", "姓名", "同意", "不同意", "弃权", "无效", "占应到会比例", "结果", "距通过线"])
    assert rows[header + 1] == ["1", "李强", "10", "3", "1", "0", "66.67%", "通过", ""]
    assert ["计票人", "________", "监票人", "________", "监票人", "________"] in rows


def test_pipe_table_layout_the_golden_files_do_not_reach():
    from selector.reports.render_text import pipe_table

    # tabulate lays it out; these are the bytes the hand-written table gave: headers left even
    # over numbers, at least 3 wide, no number parsing ("1.50"), no stripping, CJK counts 2
    assert pipe_table(["No.", "#", "Name", "得票"], [[1000, "a", " 李强 ", 7], [2, "1.50", "王", 12]]) == [
        "| No.  | #    | Name   | 得票 |",
        "|-----:|------|--------|-----:|",
        "| 1000 | a    |  李强  |    7 |",
        "|    2 | 1.50 | 王     |   12 |"]
    assert pipe_table(["名次", "x"], []) == ["| 名次 | x   |", "|------|-----|"]


def test_stroke_collation_orders_surnames():
    # 王 has 4 strokes, 李 7, 赵 9; 丁 2 and 马 3 come first whatever their votes.
    assert by_surname_strokes(["赵敏", "李强", "王芳", "马丽", "丁一"], str) == \
        ["丁一", "马丽", "王芳", "李强", "赵敏"]


def test_stroke_counts_follow_mainland_practice_for_the_fu_radical():
    from selector.reports.collation import strokes

    # GB 13000.1 counts 阝 as 2 strokes; CLDR counts 3. Full forms 阜 邑 邕 are unchanged.
    mainland = {"邓": 4, "邢": 6, "阮": 6, "阳": 6, "陈": 7, "阿": 7, "陆": 7, "邱": 7, "邹": 7,
                "郑": 8, "郝": 9, "郭": 10, "陶": 10, "隋": 11, "阜": 8, "邑": 7, "邕": 10,
                "王": 4, "李": 7, "周": 8, "赵": 9}
    assert {ch: strokes(ch) for ch in mainland} == mainland
    assert by_surname_strokes(["郑敏", "赵刚", "陈明", "李强", "王芳", "邓亮"], str) == \
        ["王芳", "邓亮", "李强", "陈明", "郑敏", "赵刚"]


def test_equal_stroke_counts_follow_the_first_strokes():
    # six strokes each: 邢 starts 横, 朱 撇, 刘 点 (横竖撇点折); eight: 周 撇, 郑 点, 孟 折
    assert by_surname_strokes(["刘洋", "朱敏", "邢军", "孟凡", "郑丽", "周涛"], str) == \
        ["邢军", "朱敏", "刘洋", "周涛", "郑丽", "孟凡"]
    # the same surname: the given names decide, the same way; a shorter name first
    assert by_surname_strokes(["王芳", "王", "王一"], str) == ["王", "王一", "王芳"]


def test_a_character_outside_the_table_is_placed_as_icu_placed_it():
    from selector.reports.collation import _table, strokes

    # 䶮 (U+4DAE, 龙 over 天, as in 刘䶮) is outside GB 2312 and the table: ICU counts 9
    assert "䶮" not in _table() and strokes("䶮") == 9
    # after the table's nine-stroke 娜, before the twelve-stroke 强
    assert by_surname_strokes(["李强", "李䶮", "李娜"], str) == ["李娜", "李䶮", "李强"]


# Checked against ICU 77.1's zh@collation=stroke (PyICU, pyicu-wheels 2.15.2) with the
# mainland 阝 correction, as collation.py computed them before it dropped PyICU: every
# character below must keep its stroke count and its place.
NAME_CHARACTERS = {  # given names; only 䶮 and 婳 are outside strokes.txt
    "玥": 8, "堃": 11, "喆": 12, "赟": 16, "䶮": 9, "昇": 8, "珺": 11, "琍": 11, "玮": 8, "祎": 8,
    "婕": 11, "彧": 10, "瑄": 13, "晗": 11, "钰": 10, "镕": 15, "焜": 12, "炜": 8, "翀": 10,
    "犇": 12, "淼": 12, "鑫": 24, "垚": 9, "昀": 8, "暐": 13, "韡": 19, "嫣": 14, "婳": 11}
FU_CHARACTERS = {  # 阝: 2 strokes on the mainland
    "邓": 4, "郑": 8, "陈": 7, "阿": 7, "陆": 7, "邢": 6, "那": 6, "都": 10, "郭": 10, "阳": 6,
    "阴": 6, "队": 4, "限": 8, "隆": 11, "邱": 7, "邵": 7, "郝": 9, "邹": 7}
ICU_ORDER = "队邓邢那阳阴邱邹陆阿陈邵玮玥昇昀郑炜祎限垚郝䶮都彧钰郭翀琍珺晗堃隆婕婳喆淼犇焜瑄暐嫣镕赟韡鑫"
ICU_NAME_ORDER = [  # 𠇔 (U+201D4) 6 strokes, 龘 48; labels: other characters after Han ones
    "王𠇔", "王婕", "王婳", "王龘", "李娜", "李䶮", "李强", "张伟", "张伟(甲)", "张伟（乙）", "张伟1",
    "张伟①", "张伟a", "张伟B", "张伟Ⅱ", "张○", "阿依古丽买买提", "阿依古丽・买买提",
    "阿依古丽·买买提", "阿依古丽•买买提"]


def test_rare_name_characters_and_fu_keep_the_counts_and_order_icu_gave():
    from selector.reports.collation import _icu_order, _table, strokes

    chars = {**NAME_CHARACTERS, **FU_CHARACTERS}
    assert all(ch in _table() or ch in _icu_order() for ch in chars)  # none left to the fallback
    assert {ch: strokes(ch) for ch in chars} == chars
    assert by_surname_strokes(list(chars), str) == list(ICU_ORDER)
    assert by_surname_strokes(ICU_NAME_ORDER[::-1], str) == ICU_NAME_ORDER


def test_characters_nobody_ranked_come_last_by_code_point():
    # not in strokes.txt nor in strokes_icu.txt (emoji, Arabic): after everything ranked
    assert by_surname_strokes(["王😀", "王ا", "王B", "王强"], str) == ["王强", "王B", "王ا", "王😀"]


def test_shortlist_is_in_stroke_order_not_by_votes(counted, run):
    counted("rec2")
    assert run("export", "rec2", "--doc", "shortlist", "--format", "json", "--out", "s.json").exit_code == 0
    data = json.loads(Path("s.json").read_text("utf-8"))
    first = data["document"]["sections"][0]
    # by votes the order is 李强 11, 赵敏 8, 王芳 5
    assert [row[1] for row in first["rows"]] == ["王芳", "李强", "赵敏"]
    second = data["document"]["sections"][1]
    assert [row[1] for row in second["rows"]] == ["马丽", "刘洋", "张伟"]
    assert any("张伟、周涛得票相同" in n and "县委常委会2026年5月8日" in n for n in second["notes"])
    # the SPEC §4 structure is there as show --json gives it
    assert data["posts"][0]["advanced"] == ["C02", "C01", "C03"]


def test_xlsx_cells_numbers_header_and_fonts(counted, run):
    from openpyxl import load_workbook

    counted("vote2")
    assert run("export", "rec1", "--doc", "tally", "--format", "xlsx", "--out", "t.xlsx").exit_code == 0
    wb = load_workbook("t.xlsx")
    assert wb.sheetnames == ["城关镇党委书记（职数 1 名）", "县审计局局长（职数 1 名）"]
    ws = wb.worksheets[0]
    assert ws["A1"].value == "推荐得票情况统计表" and ws["A1"].font.b
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "名次")
    headers = [c.value for c in ws[header_row] if c.value is not None]
    assert headers == ["名次", "姓名", "领导干部", "一般干部", "得票", "加权票数", "得票率"]
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert all(c.font.b for c in ws[header_row] if c.value is not None)
    first = [c.value for c in ws[header_row + 1] if c.value is not None]
    assert first == [1, "李强", 9, 12, 21, 30, "40.54%（30/74）"]
    assert ws.cell(header_row + 1, 5).data_type == "n"
    assert ws.cell(header_row + 1, 2).font.name == "仿宋"
    width = ws.column_dimensions["G"].width
    assert width >= 16  # "40.54%（30/74）" needs room for its full-width brackets
    fixed = datetime.fromtimestamp(1780000000, timezone.utc).replace(tzinfo=None)
    assert wb.properties.created == wb.properties.modified == fixed  # SOURCE_DATE_EPOCH, not the clock
    assert wb.properties.creator == "selector"


def test_docx_a4_tables_borders_and_chinese_fonts(counted, run):
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Mm

    counted("vote2")
    assert run("export", "vote2", "--doc", "vote", "--format", "docx", "--out", "v.docx").exit_code == 0
    d = Docx("v.docx")
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(297)) < Mm(1) or abs(sec.page_width - Mm(210)) < Mm(1)
    assert {round(sec.page_width / Mm(1)), round(sec.page_height / Mm(1))} == {210, 297}
    assert d.paragraphs[0].text == "票决结果表"
    assert d.paragraphs[0].runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    normal = d.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    assert len(d.tables) == 2
    table = d.tables[0]
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["名次", "姓名", "同意", "不同意", "弃权", "无效",
                                                     "占应到会比例", "结果", "距通过线"]
    assert [c.text for c in table.rows[2].cells][1:] == ["赵敏", "4", "8", "2", "0", "26.67%", "未通过",
                                                         "还差 4 票"]
    head_run = table.rows[0].cells[0].paragraphs[0].runs[0]
    assert head_run.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" and head_run.bold
    text = "\n".join(p.text for p in d.paragraphs)
    assert "通过线：超过应到会委员半数（15 名，即 8 票）" in text
    assert "无人达到通过线，该职位空缺" in text
    assert "计票人（签字）：________________" in text and text.count("监票人（签字）：________________") == 2
    fixed = datetime.fromtimestamp(1780000000, timezone.utc)
    props = d.core_properties
    assert {props.created.replace(tzinfo=None), props.modified.replace(tzinfo=None)} == \
        {fixed.replace(tzinfo=None)}


def test_notice_lists_descriptive_fields_and_complaints(counted, run):
    from docx import Document as Docx

    counted("vote2")
    assert run("export", "notice", "--doc", "notice", "--format", "docx", "--out", "n.docx").exit_code == 0
    d = Docx("n.docx")
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows == [["序号", "姓名", "性别", "出生年月", "现工作单位及职务", "拟任职务"],
                    ["1", "李强", "男", "1979.11", "城关镇镇长", "城关镇党委书记"]]
    text = "\n".join(p.text for p in d.paragraphs)
    assert "电话 0515-12380" in text and "公示时间" in text


def test_formula_injection_is_neutralised():
    from openpyxl import load_workbook

    evil = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2", "@SUM(A1)"]
    doc = Document("tally", "zh-CN", "测试", [("选拔工作", "=cmd|' /C calc'!A0")],
                   [Section("职位", [], ["姓名", "单位"], [[e, e] for e in evil] + [["王芳", 3]])])
    rows = list(csv.reader(io.StringIO(csv_bytes(doc).decode("utf-8-sig"))))
    cells = [c for r in rows for c in r]
    assert "'=cmd|' /C calc'!A0" in cells
    for e in evil:
        assert "'" + e in cells and e not in cells
    wb = load_workbook(io.BytesIO(render_xlsx(doc, datetime(2026, 5, 1, tzinfo=timezone.utc))))
    ws = wb.worksheets[0]
    found = {c.value: c.data_type for r in ws.iter_rows() for c in r if c.value is not None}
    for e in evil:
        assert found[e] == "s"  # stored as text: Excel shows it, never runs it
    assert found[3] == "n"


def test_exports_are_deterministic_and_logged(counted, run, monkeypatch):
    from selector.storage.store import Store

    counted("vote2")
    for fmt in ("docx", "xlsx", "csv", "md"):
        for name in ("a", "b"):
            r = run("export", "rec2", "--doc", "shortlist", "--format", fmt, "--out", f"{name}.{fmt}")
            assert r.exit_code == 0, r.stderr
        assert Path(f"a.{fmt}").read_bytes() == Path(f"b.{fmt}").read_bytes(), fmt
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert run("export", "rec2", "--doc", "shortlist", "--format", "docx", "--out", "c.docx").exit_code == 0
    assert Path("c.docx").read_bytes() != Path("a.docx").read_bytes()  # the date is the only input
    store = Store(Path("selector.db"))
    events = [e for e in store.events("dongtai-2026") if e["command"] == "export"]
    last = events[-1]
    assert last["stage"] == "rec2" and last["details"]["doc"] == "shortlist"
    assert last["files"] == {"c.docx": hashlib.sha256(Path("c.docx").read_bytes()).hexdigest()}


def test_record_lists_the_events(counted, run):
    counted("rec2")
    r = run("export", "rec2", "--doc", "record", "--format", "json")
    data = json.loads(r.stdout)
    rows = data["document"]["sections"][-1]["rows"]  # the appendix: the whole log
    assert [row[3] for row in rows] == ["建立选拔工作", "计票", "计票", "锁定名单"]
    assert "县委常委会2026年5月8日研究" in rows[3][5]
    assert data["events"][1]["files"]["rec1.csv"] == rows[1][6].split()[1]


@pytest.mark.parametrize("args,code,text", [
    (("rec2", "--doc", "vote"), 2, "vote stages"),
    (("rec2", "--doc", "tally", "--format", "pdf"), 2, "--format"),
    (("rec2", "--doc", "memo"), 2, "--doc"),
    (("rec2", "--doc", "shortlist", "--format", "xlsx", "--out", "-"), 2, "binary"),
    (("rec1", "--doc", "shortlist"), 1, "has no [stage.cut]"),
    (("rec2", "--doc", "shortlist", "--date", "2026-13-01"), 2, "YYYY-MM-DD"),
    (("vote2", "--doc", "tally"), 1, "no tally"),
])
def test_refusals(counted, run, args, code, text):
    counted("vote1")
    result = run("export", *args)
    assert result.exit_code == code, result.stdout + result.stderr
    assert text in result.stderr


def test_english_labels(counted, run):
    from exportdata import rec2_ballots

    counted("rec1")
    text = Path("dongtai-2026.toml").read_text("utf-8")
    Path("en.toml").write_text(text.replace('id = "dongtai-2026"', 'id = "dongtai-en"')
                               .replace('locale = "zh-CN"', 'locale = "en"'), "utf-8")
    assert run("init", "en.toml").exit_code == 0
    r = run("--round", "dongtai-en", "tally", "rec2", rec2_ballots(Path("en.csv")),
            "--present", "28", "--issued", "28")
    assert r.exit_code == 0, r.stderr
    r = run("--round", "dongtai-en", "export", "rec2", "--doc", "tally")
    assert r.stdout.startswith("# Recommendation vote tally\n")
    assert ("Electorate 30, present 28, recommendation papers issued 28, returned 28; valid 28 (of which blank 2), "
            "void 0") in r.stdout
    assert "Teller: ________    Scrutineer: ________" in r.stdout
    assert "Tied for place 1 (张伟, 周涛): awaiting a decision" in r.stdout


def test_lot_seed_is_printed_on_the_sheet(run):
    from exportdata import DATA, rec2_ballots

    text = (DATA / "dongtai-2026.toml").read_text("utf-8")
    Path("lot.toml").write_text(text.replace('ties = "hold"', 'ties = "lot"'), "utf-8")
    assert run("init", "lot.toml").exit_code == 0
    assert run("tally", "rec2", rec2_ballots(Path("rec2.csv")), "--present", "28",
               "--issued", "28").exit_code == 0
    assert run("cut", "rec2").exit_code == 0
    for doc in ("tally", "shortlist"):
        out = run("export", "rec2", "--doc", doc).stdout
        assert "- 抽签种子：2026-05-06 县纪委监督抽签种子" in out
        assert "张伟、周涛得票相同，按公开种子“2026-05-06 县纪委监督抽签种子/rec2/P02”抽签" in out
        assert "（抽签系地方做法，依选拔方案 ties = \"lot\"）" in out


def test_xlsx_prints_one_page_wide_with_titles_area_footer_and_wrapped_lines(counted, run):
    from openpyxl import load_workbook

    counted("vote2")
    assert run("export", "vote2", "--doc", "vote", "--format", "xlsx", "--out", "v.xlsx").exit_code == 0
    wb = load_workbook("v.xlsx")
    ws = wb.worksheets[0]
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, int(ws.page_setup.paperSize)) == (1, 0, 9)
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "名次")
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.print_area.endswith(f"!$A$1:$I${ws.max_row}")  # the text span: at least 80 characters
    assert ws.oddFooter.right.text == "第 &P 页 共 &N 页"
    assert ws.oddFooter.left.text == "计票人签字：________　　监票人签字：________　________"
    # the reconciliation line is merged across the page and wrapped, not cut at the margin
    line = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("应到 15 人"))
    assert f"A{line}:I{line}" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.cell(line, 1).alignment.wrap_text
    # every signer on a row of their own, with a line of real length, and the date to fill in
    signers = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
               if str(ws.cell(r, 1).value).endswith("（签字）：")]
    assert signers == ["计票人（签字）：", "监票人（签字）：", "监票人（签字）："]
    assert ws.cell(ws.max_row, 1).value == "年　　月　　日"
    assert ws.page_setup.orientation != "landscape"  # 6 columns fit a portrait page
    # a list has no signers: the page numbers take the footer's centre
    assert run("export", "rec2", "--doc", "shortlist", "--format", "xlsx", "--out", "s.xlsx").exit_code == 0
    listed = load_workbook("s.xlsx").worksheets[0]
    assert listed.oddFooter.center.text == "第 &P 页 共 &N 页" and not listed.oddFooter.left.text
    assert listed["A2"].value == "名单按姓氏笔画为序"  # under the title


def test_docx_keeps_headings_with_tables_numbers_pages_and_signs_on_the_last_page(counted, run):
    from docx import Document as Docx
    from docx.oxml.ns import qn

    counted("vote2")
    assert run("export", "vote1", "--doc", "vote", "--format", "docx", "--out", "v.docx",
               "--date", "2026-12-01").exit_code == 0
    d = Docx("v.docx")
    paragraphs = d.paragraphs
    heading = next(p for p in paragraphs if p.text == "城关镇党委书记（职数 1 名）")
    assert heading.paragraph_format.keep_with_next
    line = next(p for p in paragraphs if p.text.startswith("应到 11 人"))
    assert line.paragraph_format.keep_with_next and "发出表决票 11 张" in line.text
    assert "有效票 11 张（其中空白票 0 张），无效票 0 张" in line.text
    assert d.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    footer = d.sections[0].footer
    fields = [f.get(qn("w:instr")) for f in footer._element.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("计票人签字：________")
    assert footer.paragraphs[1].text == "第  页 共  页"  # the numbers are the fields
    texts = [p.text for p in paragraphs]
    assert "制表日期：2026年12月1日" in texts
    # the 落款 and the signature block close the document, kept together
    tail = texts[-6:]
    assert tail == ["中共东台县委组织部", "2026年12月1日", "计票人（签字）：________________",
                    "监票人（签字）：________________", "监票人（签字）：________________", "年　　月　　日"]
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[-6:-1])
    # the final vote's sheet says 进入下一环节 nowhere; vote1's list goes to the vote
    assert "进入下一环节" not in "\n".join(texts + [c.text for t in d.tables for r in t.rows for c in r.cells])
    assert "按 1:2 差额比例，前 2 名提交票决" in texts


def test_times_are_beijing_time_and_dates_chinese(counted, run):
    counted("vote2")
    assert run("certify", "vote2", "--teller", "孙丽", "--scrutineer", "钱江", "--scrutineer", "郑海").exit_code == 0
    md = run("export", "vote2", "--doc", "vote").stdout
    # SOURCE_DATE_EPOCH 1780000000 is 2026-05-28 20:26:40 UTC, 2026-05-29 04:26 in Beijing
    assert "- 计票签署时间：2026年5月29日 04:26（北京时间）" in md
    assert "UTC" not in md and "T20:26" not in md and "+00:00" not in md
    record = run("export", "vote2", "--doc", "record").stdout
    assert "UTC" not in record and "+00:00" not in record
    assert "| 2026年5月29日 04:26 |" in record and "时间（北京时间）" in record


def test_shortlist_titled_by_what_the_cut_is(counted, run, tmp_path):
    counted("vote2")
    titles = {stage: run("export", stage, "--doc", "shortlist").stdout.split("\n")[0]
              for stage in ("rec2", "vote1", "vote2")}
    assert titles == {"rec2": "# 提交票决人选名单", "vote1": "# 提交票决人选名单", "vote2": "# 拟任人选名单"}
    vote2 = run("export", "vote2", "--doc", "vote").stdout
    assert "进入下一环节" not in vote2 and "得票率" not in vote2


def test_record_has_a_section_per_stage_and_the_log_as_appendix(counted, run):
    counted("vote2")
    data = json.loads(run("export", "vote2", "--doc", "record", "--format", "json").stdout)
    sections = data["document"]["sections"]
    assert [s["heading"] for s in sections] == [
        "一、全县干部大会民主推荐（rec1）", "二、县委全委会民主推荐（rec2）", "三、县委常委会差额票决（vote1）",
        "四、县委全委会票决（vote2）", "五、任前公示（notice）", "附：操作记录（全部事件及哈希）"]
    rec2 = sections[1]
    assert rec2["lines"][:4] == ["时间：2026年5月29日", "会议：县委全委会民主推荐，应到 30 人",
                                 "到会情况：应到 30 人，实到 28 人，发出推荐票 28 张，收回 28 张",
                                 "方式：无记名投票（纸质票，计票人、监票人现场计票）"]
    assert rec2["headers"] == ["职位", "职数", "得票或考察情况", "确定人选"]
    assert rec2["rows"][0][:3] == ["城关镇党委书记", 1, "李强 11 票、赵敏 8 票、王芳 5 票、丁一 2 票"]
    assert any("张伟、周涛得票相同，经决定由张伟进入" in n for n in rec2["notes"])
    assert any(n.startswith("名单于2026年5月29日") and "锁定时记录哈希：" in n for n in rec2["notes"])
    # rec1 has no cut: its results, and no column of people chosen
    assert sections[0]["headers"] == ["职位", "职数", "得票或考察情况"]
    assert sections[4]["lines"] == ["本环节尚无记录。"]
    appendix = sections[-1]
    assert appendix["headers"][-1] == "记录哈希"
    assert [row[-1] for row in appendix["rows"]] == [e["hash"] for e in data["events"]]
    assert not any("导出" in line for s in sections[:-1] for line in s["lines"])  # exports: a count only


def test_markdown_escapes_html_and_link_syntax():
    from selector.reports.render_text import markdown

    doc = Document("shortlist", "zh-CN", "名单<script>", [("选拔工作", "[点我](http://x.example)")],
                   [Section("<b>职位</b>", ["a & b"], ["姓名"], [["王芳<img src=x>"], ["![x](y)|z"]],
                            ["备注 [链接](javascript:alert(1))"])])
    text = markdown(doc).decode("utf-8")
    assert "<script>" not in text and "<b>" not in text and "<img" not in text
    assert "# 名单&lt;script>" in text and "## &lt;b>职位&lt;/b>" in text
    assert "\\[点我\\](http://x.example)" in text and "!\\[x\\](y)\\|z" in text
    assert "a &amp; b" in text and "> 备注 \\[链接\\](javascript:alert(1))" in text


def test_heading_block_from_the_round_file(run):
    from exportdata import DATA, rec2_ballots

    text = (DATA / "dongtai-2026.toml").read_text("utf-8")
    head = 'issuer = "中共东台县委组织部文件"\ndoc_number = "东组〔2026〕12号"\n'
    Path("h.toml").write_text(text.replace('locale = "zh-CN"', 'locale = "zh-CN"\n' + head, 1), "utf-8")
    assert run("init", "h.toml").exit_code == 0, run("init", "h.toml").stderr
    assert run("tally", "rec2", rec2_ballots(Path("rec2.csv")), "--present", "28", "--issued", "28").exit_code == 0
    md = run("export", "rec2", "--doc", "tally", "--date", "2026-06-02").stdout
    assert md.startswith("**中共东台县委组织部文件**  \n**东组〔2026〕12号**  \n\n# 推荐得票情况统计表\n")
    assert "- 制表日期：2026年6月2日" in md and md.rstrip().endswith("年　　月　　日")
    assert "中共东台县委组织部  \n2026年6月2日  " in md
