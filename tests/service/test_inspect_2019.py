"""Inspection as the 2019 条例 runs it (issue 11, points 3–5): 民主测评 per unit with rules on any
grade, 凡提四必 with 核查中 and concerns settled by decision, 递补 only by a recorded decision."""

from __future__ import annotations

import json
from pathlib import Path

from stagehelp import TWELVE, TWELVE_NAMES as NAMES, events, listed, post, result, show
from support import write_csv

LISTED = ["C01", "C02", "C03", "C05", "C06", "C07", "C08", "C09", "C10", "C11", "C12", "C13"]
CHECKS = ("干部档案审核", "个人有关事项报告核查", "纪检监察机关意见", "信访举报核查")


def findings(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    return write_csv(path, [["候选人", "项目", "结论", "备注"], *[list(r) for r in rows]], "gb18030")


def all_clear(path: Path, people: list[str], verdicts: dict | None = None) -> Path:
    verdicts = verdicts or {}
    return findings(path, [(NAMES[c], check, *verdicts.get((c, check), ("通过", ""))) for c in people
                           for check in CHECKS])


def unit_sheet(path: Path, cid: str, grades: list[str], start: int) -> Path:
    return write_csv(path, [["票号", NAMES[cid]], *[[f"E{start + i:03d}", g] for i, g in enumerate(grades)]],
                     "gb18030")


GOOD = ["优秀"] * 6 + ["称职"] * 5 + ["基本称职", ""]  # 13 papers, 11 of the 12 that graded 称职以上


def evaluated(run, tmp: Path, people: list[str] = LISTED, start: int = 1) -> None:
    """One 民主测评 per candidate, in their own unit: 13 papers of 15 expected and 13 present."""
    for i, cid in enumerate(people):
        r = run("inspect", "inspect", unit_sheet(tmp / f"测评-{cid}.csv", cid, GOOD, start + 13 * i),
                "--unit", f"{NAMES[cid]}所在单位", "--expected", "15", "--present", "13")
        assert r.exit_code == 0, r.stderr


def test_the_one_sheet_for_everyone_is_refused_and_one_file_per_unit_counts(run, tmp_path):
    listed(run, tmp_path)
    # Twelve units of 13 raters keyed into one sheet: each candidate graded only by their own
    # unit, blanks elsewhere. Counted over every paper this struck all twelve at 11/156 = 7 %.
    rows = [["票号", *(NAMES[c] for c in LISTED)]]
    for i, cid in enumerate(LISTED):
        for j, grade in enumerate(GOOD):
            rows.append([f"E{13 * i + j + 1:03d}", *(grade if c == cid else "" for c in LISTED)])
    sheet = write_csv(tmp_path / "测评汇总.csv", rows, "gb18030")
    r = run("inspect", "inspect", sheet)
    assert r.exit_code == 1
    assert "row 1, column 2 (陆建华): C01 is graded on 12 of 156 papers, fewer than half" in r.stderr
    assert "record one file per unit" in r.stderr
    assert show(run, "inspect")["files"] == []
    evaluated(run, tmp_path)
    view = show(run, "inspect")
    e = result(view, "P01", "C01")["evaluation"]
    assert (e["graded"], e["papers"], e["blank"], e["top"], e["rate"]) == (12, 13, 1, 11, "11/12")
    assert e["rules"][0] == {"rule": "称职以上 >= 2/3", "effect": "pass", "count": 11, "of": 12,
                             "share": "11/12", "met": True}
    assert not any(r["struck"] for p in view["posts"] for r in p["results"])
    unit = view["units"][0]
    assert (unit["unit"], unit["expected"], unit["present"], unit["papers"]) == ("陆建华所在单位", 15, 13, 13)
    text = run("show", "inspect").stdout
    assert "12 of 13" in text and "11/12 91.67%" in text


def test_evaluation_rules_name_any_grade_and_unknown_does_not_count(run, tmp_path):
    listed(run, tmp_path)
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", LISTED))
    # 陆建华: 不称职 5 of 12 > 1/3 strikes; 缪晓东: 基本称职以下 3 of 12 >= 1/5 is a concern;
    # 季海燕: 4 不了解 and a blank do not count: 8 of 8 graded 称职以上.
    sheets = {"C01": ["优秀"] * 7 + ["不称职"] * 5, "C02": ["优秀"] * 9 + ["基本称职"] * 3,
              "C03": ["优秀"] * 8 + ["不了解"] * 4 + [""]}
    for i, (cid, grades) in enumerate(sheets.items()):
        r = run("inspect", "inspect", unit_sheet(tmp_path / f"e{cid}.csv", cid, grades, 20 * i + 1),
                "--unit", "掘港街道机关", "--expected", "14", "--present", "13")
        assert r.exit_code == 0, r.stderr
    view = show(run, "inspect")
    c01, c02, c03 = (result(view, "P01", c) for c in ("C01", "C02", "C03"))
    assert c01["struck"] and c01["struck_by"] == ["民主测评"]
    assert [x["met"] for x in c01["evaluation"]["rules"]] == [False, True, True]
    assert not c02["struck"] and c02["concerns"] == ["民主测评"] and view["concerns"]["C02"] == ["民主测评"]
    assert (c03["evaluation"]["graded"], c03["evaluation"]["blank"], c03["evaluation"]["rate"]) == (8, 5, "1")
    assert post(view, "P01")["proposed"] == ["C04"]
    # the 测评汇总 marks each rule by what it does (✓ passed, ✗ missed or struck, ! concern);
    # a strike or concern rule that is not met has no mark: no ✓ beside 不称职, no ✗ where nothing struck
    rows = {line.split()[0]: line.split() for line in run("show", "inspect").stdout.splitlines()
            if line.split() and line.split()[0] in ("陆建华", "缪晓东") and "/12" in line}
    assert rows["陆建华"][5:] == ["7/12", "58.33%", "✗", "5/12", "41.67%", "✗", "5/12", "41.67%", "!"]
    assert rows["缪晓东"][5:] == ["9/12", "75.00%", "✓", "0/12", "0.00%", "3/12", "25.00%", "!"]


def test_fan_ti_si_bi_preset_and_a_pending_check_blocks_the_cut(run, tmp_path):
    listed(run, tmp_path)
    assert show(run, "inspect")["checks"] == list(CHECKS)
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", LISTED, {("C05", "信访举报核查"): ("核查中", "线索正在核查")}))
    evaluated(run, tmp_path)
    view = show(run, "inspect")
    assert result(view, "P02", "C05")["checks"]["信访举报核查"] == "pending"
    assert view["pending"] == {"C05": ["信访举报核查"]}
    status = json.loads(run("status", "--json").stdout)["stages"][1]["next"]
    assert "核查中" in status and "C05: 信访举报核查" in status
    r = run("cut", "inspect")
    assert r.exit_code == 1 and "C05 丁卫东 (P02): 核查中 信访举报核查" in r.stderr
    assert "信访举报核查 (核查中" not in r.stderr
    # the department's conclusion takes the pending finding's place (the record keeps both)
    r = run("inspect", "inspect", findings(tmp_path / "g.csv", [("丁卫东", "信访举报核查", "通过", "反映问题不属实")]))
    assert r.exit_code == 0, r.stderr
    logged = [e for e in events(tmp_path) if e[0] == "inspect"][-1][2]["files"][0]
    assert logged["concluded"][0]["verdict"] == "pending"
    r = run("cut", "inspect")
    assert r.exit_code == 0, r.stderr
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.stderr


def test_a_concern_struck_by_decision_and_backfill_declined(run, tmp_path):
    listed(run, tmp_path)
    concern = {("C03", "个人有关事项报告核查"): ("关注", "漏报房产一处")}
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", LISTED, concern))
    evaluated(run, tmp_path)
    r = run("inspect", "inspect", "--strike", "季海燕")
    assert r.exit_code == 2  # a decision needs its reason
    r = run("inspect", "inspect", "--keep", "陆建华", "--reason", "无关注事项")
    assert r.exit_code == 1 and "--keep 陆建华: no open concern" in r.stderr
    r = run("inspect", "inspect", "--strike", "季海燕", "--reason", "漏报情节较重，经部务会研究不再作为考察对象")
    assert r.exit_code == 0, r.stderr
    view = show(run, "inspect")
    c03 = result(view, "P01", "C03")
    assert c03["struck"] and c03["struck_by"] == ["decision"] and c03["settled"]["decision"] == "strike"
    assert post(view, "P01")["proposed"] == ["C04"] and post(view, "P01")["held"]
    # the committee decides not to fill the place: the post goes on short
    r = run("cut", "inspect", "--backfill", "P01=C02", "--reason", "x")
    assert r.exit_code == 1 and "--backfill P01: C02 is not proposed for 递补 (proposed: C04)" in r.stderr
    r = run("cut", "inspect", "--no-backfill", "掘港街道党工委书记", "--reason", "部务会研究决定不再递补", "--json")
    assert r.exit_code == 0, r.stderr
    p01 = post(json.loads(r.stdout), "P01")
    assert p01["advanced"] == ["C01", "C02"] and p01["status"] == "short"
    assert p01["decision"] == {"kind": "no-backfill", "chosen": [], "reason": "部务会研究决定不再递补"}
    cut = [e for e in events(tmp_path) if e[0] == "cut" and e[1] == "inspect"][0][2]
    assert cut["no_backfill"] == ["P01"] and cut["struck"]["C03"]["decision"].startswith("漏报情节较重")
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.stderr
    doc = run("export", "inspect", "--doc", "inspection", "--format", "md").stdout
    assert "季海燕的关注事项（个人有关事项报告核查）经研究决定不再作为人选。理由：漏报情节较重" in doc
    assert "季海燕不再作为人选，经研究决定不再递补，按现有人选进行。理由：部务会研究决定不再递补" in doc


def test_evaluation_unit_options_are_given_together(run, tmp_path):
    listed(run, tmp_path)
    sheet = unit_sheet(tmp_path / "e.csv", "C01", GOOD, 1)
    r = run("inspect", "inspect", sheet, "--unit", "掘港街道机关")
    assert r.exit_code == 2 and "give all three (got --unit)" in r.stderr
    other = unit_sheet(tmp_path / "e2.csv", "C02", GOOD, 50)
    r = run("inspect", "inspect", sheet, other, "--unit", "掘港街道机关", "--expected", "30", "--present", "26")
    assert r.exit_code == 2 and "give exactly one evaluation file with them (got 2)" in r.stderr
    r = run("inspect", "inspect", sheet, "--unit", "掘港街道机关", "--expected", "-1", "--present", "13")
    assert r.exit_code == 2 and "--expected" in r.stderr  # negative
    r = run("inspect", "inspect", sheet, "--unit", "掘港街道机关", "--expected", "15", "--present", "12.5")
    assert r.exit_code == 2 and "--present" in r.stderr  # not a whole number
    assert show(run, "inspect")["files"] == []


def test_backfill_decisions_belong_to_inspect_stages(run, tmp_path):
    listed(run, tmp_path)
    r = run("cut", "vote1", "--backfill", "P01=C01", "--reason", "x")
    assert r.exit_code == 2 and "stage vote1 is not an inspect stage" in r.stderr
    r = run("cut", "rec1", "--reopen", "--no-backfill", "P01", "--reason", "x")
    assert r.exit_code == 2 and "--no-backfill" in r.stderr


def test_a_unit_sheet_with_title_rows_above_its_heading_is_read_and_rechecked(run, tmp_path):
    # 民主测评 sheets come printed with a title (and a date) above the heading row, as ballot
    # files do: the heading row is the first that holds the ballot-number heading (测评票号).
    listed(run, tmp_path)
    titles = [["掘港街道机关民主测评票统计表"], ["测评时间：2026年3月2日", ""]]
    sheet = write_csv(tmp_path / "测评-C01.csv",
                      [*titles, ["测评票号", NAMES["C01"]], *[[f"E{i:03d}", g] for i, g in enumerate(GOOD, 1)]],
                      "gb18030")
    r = run("inspect", "inspect", sheet, "--unit", "掘港街道机关", "--expected", "15", "--present", "13")
    assert r.exit_code == 0, r.stderr
    e = result(show(run, "inspect"), "P01", "C01")["evaluation"]
    assert (e["graded"], e["papers"], e["top"], e["rate"]) == (12, 13, 11, "11/12")
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.stdout
    # a refusal of the heading names the heading row, not the title
    bad = write_csv(tmp_path / "测评-坏.csv", [*titles, ["测评票号", "赵六"], ["E101", "优秀"]], "gb18030")
    r = run("inspect", "inspect", bad, "--unit", "掘港街道机关", "--expected", "15", "--present", "13")
    assert r.exit_code == 1 and "测评-坏.csv: row 3, column 2 (赵六)" in r.stderr


def test_one_place_backfilled_and_the_other_left_open_are_both_on_the_document(run, tmp_path):
    listed(run, tmp_path)
    concern = {(c, "信访举报核查"): ("关注", "反映问题待查清") for c in ("C02", "C03")}
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", LISTED, concern))
    evaluated(run, tmp_path)
    r = run("inspect", "inspect", "--strike", "缪晓东", "--strike", "季海燕", "--reason", "经部务会研究不再作为考察对象")
    assert r.exit_code == 0, r.stderr
    assert post(show(run, "inspect"), "P01")["proposed"] == ["C04"]  # the ranking has nobody after 冒国强
    run("inspect", "inspect", all_clear(tmp_path / "f4.csv", ["C04"]))
    evaluated(run, tmp_path, ["C04"], start=500)
    r = run("cut", "inspect", "--backfill", "P01=冒国强", "--no-backfill", "P01", "--reason", "部务会决定递补一人，另一名额空缺",
            "--json")
    assert r.exit_code == 0, r.stderr
    p01 = post(json.loads(r.stdout), "P01")
    assert p01["advanced"] == ["C01", "C04"] and p01["decision"]["kind"] == "no-backfill"
    assert p01["decision"]["chosen"] == ["C04"]
    doc = run("export", "inspect", "--doc", "inspection", "--format", "md").stdout
    # who came in is said, not only that the rest stays open
    assert ("缪晓东、季海燕不再作为人选，经研究决定由冒国强递补，其余名额不再递补，按现有人选进行。"
            "理由：部务会决定递补一人，另一名额空缺") in doc
    assert "经研究决定不再递补，按现有人选进行" not in doc


def test_a_findings_sheet_with_title_rows_above_its_heading_is_read_and_rechecked(run, tmp_path):
    # the departments' sign-offs come as a sheet with its title and the filing unit above the
    # heading row (the first that holds a check or verdict heading: 项目, 结论 …)
    listed(run, tmp_path)
    titles = [["如东县考察对象凡提四必情况汇总表", "", "", ""], ["填报单位：县委组织部干部监督科", "", "", ""]]
    rows = [[NAMES[c], check, "通过", ""] for c in LISTED for check in CHECKS]
    sheet = write_csv(tmp_path / "凡提四必.csv", [*titles, ["候选人", "项目", "结论", "备注"], *rows], "gb18030")
    r = run("inspect", "inspect", sheet)
    assert r.exit_code == 0, r.stderr
    assert result(show(run, "inspect"), "P01", "C01")["checks"] == {c: "clear" for c in CHECKS}
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.stdout
    bad = write_csv(tmp_path / "坏.csv", [*titles, ["候选人", "项目", "结论", "说明2"], ["陆建华", "干部档案审核", "通过", ""]],
                    "gb18030")
    r = run("inspect", "inspect", bad)
    assert r.exit_code == 1 and "坏.csv: row 3, column 4 (说明2): unknown column '说明2'" in r.stderr


def test_a_concern_is_decided_by_a_name_two_roster_people_share(run, tmp_path):
    # Another 季海燕 (C14, not inspected) is on the roster: --keep 季海燕 names the one being
    # inspected, by the shared-name rule, as everywhere else a clerk types a name.
    text = TWELVE.read_text(encoding="utf-8").replace(
        'id = "C03"\nname = "季海燕"\n', 'id = "C03"\nname = "季海燕"\nlabel = "季海燕(城东)"\n')
    text += '\n[[candidate]]\nid = "C14"\nname = "季海燕"\nlabel = "季海燕(城西)"\nposts = ["P04"]\n'
    (tmp_path / "twelve.toml").write_text(text, encoding="utf-8")
    listed(run, tmp_path, tmp_path / "twelve.toml")
    concern = {("C03", "个人有关事项报告核查"): ("关注", "漏报房产一处")}
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", LISTED, concern))
    evaluated(run, tmp_path)
    r = run("inspect", "inspect", "--keep", "季海燕", "--reason", "经部务会研究，已说明情况，继续考察")
    assert r.exit_code == 0, r.stderr
    assert result(show(run, "inspect"), "P01", "C03")["settled"]["decision"] == "keep"
