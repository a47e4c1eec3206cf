"""考察情况汇总表 (`export INSPECT --doc inspection`): every check and verdict, each 民主测评 with
its unit, 应到/实到 and rates with their denominators, strikes and 递补 decisions with reasons."""

from __future__ import annotations

from pathlib import Path

from stagehelp import TWELVE, all_clear, findings, good_evaluation, listed, ready_for_inspection, write_csv
from support import check_golden


def test_golden_inspection_summary_with_a_veto_a_concern_and_a_backfill(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    r = run("inspect", "inspect",
            findings(tmp_path / "鉴定.csv", [
                ("张伟", "纪检", "通过", ""), ("张伟", "信访", "通过", ""),
                ("王芳", "纪检", "否决", "有违纪线索，正在立案审查"), ("王芳", "信访", "通过", ""),
                ("李娜", "纪检", "通过", ""), ("李娜", "信访", "关注", "来信反映其工作作风问题，经核查基本不属实")]),
            good_evaluation(tmp_path / "测评-审计局.csv", ["C01", "C02", "C03"]),
            "--unit", "审计局机关", "--expected", "4", "--present", "3")
    assert r.exit_code == 0, r.stderr
    r = run("inspect", "inspect", all_clear(tmp_path / "鉴定-统计局.csv", ["C06", "C07", "C08"]),
            good_evaluation(tmp_path / "测评-统计局.csv", ["C06", "C07", "C08"], start=10))
    assert r.exit_code == 0, r.stderr
    pending = run("export", "inspect", "--doc", "inspection", "--format", "md").stdout
    assert "王芳不再作为人选，按推荐得分建议由刘洋递补，待研究决定" in pending
    r = run("inspect", "inspect", all_clear(tmp_path / "鉴定-递补.csv", ["C04"]),
            good_evaluation(tmp_path / "测评-刘洋.csv", ["C04"], start=20),
            "--unit", "审计局机关（刘洋）", "--expected", "3", "--present", "3")
    assert r.exit_code == 0, r.stderr
    assert run("inspect", "inspect", "--keep", "李娜", "--reason", "部务会研究，反映问题基本不属实").exit_code == 0
    assert run("cut", "inspect", "--backfill", "P01=刘洋", "--reason", "部务会研究决定递补").exit_code == 0
    r = run("export", "inspect", "--doc", "inspection", "--format", "md", "--out", "inspection.md")
    assert r.exit_code == 0, r.stderr
    check_golden("exports/inspect-inspection.md", Path("inspection.md").read_bytes())


def test_golden_reverse_evaluation_with_unknown_and_a_concern(run, tmp_path):
    """四德反向测评 (好/较好/一般/差): 不了解 is not counted, 差 >= 1/5 is a concern to decide."""
    text = TWELVE.read_text("utf-8").replace(
        'evaluation = { scale = ["优秀", "称职", "基本称职", "不称职"], pass = "称职以上 >= 2/3", '
        'strike = "不称职 > 1/3", concern = "基本称职以下 >= 1/5" }',
        'evaluation = { scale = ["好", "较好", "一般", "差"], pass = "较好以上 >= 2/3", concern = "差 >= 1/5" }')
    (tmp_path / "twelve.toml").write_text(text, "utf-8")
    listed(run, tmp_path, tmp_path / "twelve.toml")
    grades = {"陆建华": ["好"] * 8 + ["较好"] * 2 + ["不了解"] * 3,
              "缪晓东": ["好"] * 6 + ["较好"] * 2 + ["差"] * 3 + ["", "不了解"],
              "季海燕": ["好"] * 5 + ["较好"] * 5 + ["一般"] * 2 + ["差"]}
    rows = [["票号", "废票", *grades]] + [[f"F{i + 1:02d}", "", *(g[i] for g in grades.values())] for i in range(13)]
    rows.append(["F14", "字迹无法辨认", "好", "好", "好"])
    path = write_csv(tmp_path / "测评-掘港街道.csv", rows, "gb18030")
    r = run("inspect", "inspect", path, "--unit", "掘港街道机关", "--expected", "16", "--present", "14")
    assert r.exit_code == 0, r.stderr
    r = run("export", "inspect", "--doc", "inspection", "--format", "md")
    assert r.exit_code == 0, r.stderr
    # the round file's `较好以上 >= 2/3` in a 组织部's words: "以上" for an inclusive line
    assert "民主测评规则：较好以上票达到 2/3 以上（未达到的不再作为人选）；差票达到 1/5 以上（达到的须经研究决定）" in r.stdout
    assert ">=" not in r.stdout
    section = r.stdout[r.stdout.index("## 掘港街道党工委书记"):r.stdout.index("## 栟茶镇党委书记")]
    unit = r.stdout[r.stdout.index("## 民主测评：掘港街道机关"):]
    check_golden("exports/inspect-evaluation.md", section + unit)


def test_the_summary_opens_in_excel_and_word_and_only_for_an_inspection(run, tmp_path):
    from docx import Document as Word
    from openpyxl import load_workbook

    ready_for_inspection(run, tmp_path)
    people = ["C01", "C02", "C03", "C06", "C07", "C08"]
    r = run("inspect", "inspect", all_clear(tmp_path / "f.csv", people), good_evaluation(tmp_path / "e.csv", people),
            "--unit", "审计局、统计局机关", "--expected", "5", "--present", "3")
    assert r.exit_code == 0, r.stderr
    for fmt in ("xlsx", "docx"):
        r = run("export", "inspect", "--doc", "inspection", "--format", fmt, "--out", f"s.{fmt}")
        assert r.exit_code == 0, r.stderr
    book = load_workbook("s.xlsx")
    assert book.sheetnames[-1] == "民主测评：审计局、统计局机关"  # a sheet per post, then per 民主测评
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "考察情况汇总表" in cells and "应到 5 人，实到 3 人，收回测评票 3 张（其中无效票 0 张）" in cells
    word = Word("s.docx")
    assert word.paragraphs[0].text == "考察情况汇总表"
    assert any(cell.text == "66.67%（2/3）" for t in word.tables for row in t.rows for cell in row.cells)
    r = run("export", "rec1", "--doc", "inspection")
    assert r.exit_code == 2 and "--doc inspection (考察情况汇总表) is for inspect stages; rec1 is a recommend stage" in r.stderr
