"""`selector inspect` and `selector cut` of an inspect stage, through the CLI."""

import json

from stagehelp import (
    all_clear, evaluation, events, findings, good_evaluation, post, ready_for_inspection, result,
    show, write_csv,
)


def test_a_veto_strikes_and_the_next_ranked_candidate_is_proposed_then_backfilled_by_decision(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    r = run("inspect", "inspect",
            findings(tmp_path / "f.csv", [("张伟", "纪检", "通过", ""), ("张伟", "信访", "通过", ""),
                                          ("王芳", "纪检", "否决", "有违纪线索，正在立案审查"),
                                          ("李娜", "纪检", "clear", ""), ("李娜", "信访", "concern", "来信反映，已查清")]),
            good_evaluation(tmp_path / "e.csv", ["C01", "C03"]))
    assert r.exit_code == 0, r.stderr
    assert "STRUCK (纪检)" in r.stdout and "proposed for 递补" in r.stdout
    view = show(run, "inspect")
    p01 = post(view, "P01")
    # 递补 is a decision: 刘洋 is proposed, not yet on the list
    assert p01["struck"] == ["C02"] and p01["backfilled"] == [] and p01["proposed"] == ["C04"]
    assert p01["status"] == "short" and p01["held"] is True and p01["would_advance"] is None
    assert result(view, "P01", "C04")["proposed"] is True
    assert result(view, "P01", "C02")["struck"] is True
    assert result(view, "P01", "C02")["notes"] == {"纪检": "有违纪线索，正在立案审查"}
    assert result(view, "P01", "C03")["checks"] == {"纪检": "clear", "信访": "concern"}
    assert result(view, "P01", "C03")["struck"] is False and view["concerns"] == {"C03": ["信访"]}

    people = ["C04", "C06", "C07", "C08"]
    r = run("inspect", "inspect", all_clear(tmp_path / "f2.csv", people),
            good_evaluation(tmp_path / "e2.csv", people, start=10))
    assert r.exit_code == 0, r.stderr
    status = json.loads(run("status", "--json").stdout)["stages"][1]["next"]
    assert "--keep ID|--strike ID" in status and "C03: 信访" in status
    r = run("cut", "inspect", "--backfill", "P01=C04", "--reason", "部务会2026-05-10研究决定递补")
    assert r.exit_code == 1 and "C03 李娜 (P01): concern (信访) to decide" in r.stderr
    r = run("inspect", "inspect", "--keep", "李娜", "--reason", "来信所反映问题已查清，不影响使用")
    assert r.exit_code == 0, r.stderr
    assert "decided: C03 goes on (信访)" in r.stdout
    r = run("cut", "inspect")
    assert r.exit_code == 1 and "递补 proposed: 刘洋 (C04) — --backfill P01=ID" in r.stderr
    assert "--backfill P01=C04" in json.loads(run("status", "--json").stdout)["stages"][1]["next"]
    r = run("cut", "inspect", "--backfill", "P01=C04", "--reason", "部务会2026-05-10研究决定递补", "--json")
    assert r.exit_code == 0, r.stderr
    view = json.loads(r.stdout)
    assert post(view, "P01")["advanced"] == ["C01", "C03", "C04"]
    assert post(view, "P02")["advanced"] == ["C06", "C07", "C08"]
    assert json.loads(run("status", "--json").stdout)["stages"][2]["state"] == "ready"
    assert post(view, "P01")["decision"] == {"kind": "backfilled", "chosen": ["C04"],
                                             "reason": "部务会2026-05-10研究决定递补"}
    cut = [e for e in events(tmp_path) if e[0] == "cut" and e[1] == "inspect"][0][2]
    assert cut["posts"]["P01"]["struck"] == ["C02"] and cut["posts"]["P01"]["backfilled"] == ["C04"]
    assert cut["backfill"] == {"P01": ["C04"]} and cut["no_backfill"] == []
    assert cut["struck"] == {"C02": {"vetoes": ["纪检"], "evaluation": None}}
    settle = [e for e in events(tmp_path) if e[0] == "settle concern"][0][2]
    assert settle == {"candidate": "C03", "decision": "keep", "concerns": ["信访"],
                      "reason": "来信所反映问题已查清，不影响使用"}
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stdout + r.stderr


def test_a_backfilled_candidate_without_checks_blocks_the_cut(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    people = ["C01", "C03", "C06", "C07", "C08"]
    r = run("inspect", "inspect", all_clear(tmp_path / "f.csv", people),
            findings(tmp_path / "veto.csv", [("王芳", "信访", "veto", "")]),
            good_evaluation(tmp_path / "e.csv", people))
    assert r.exit_code == 0, r.stderr
    decide = ("--backfill", "P01=C04", "--reason", "部务会决定递补")
    r = run("cut", "inspect", *decide)
    assert r.exit_code == 1
    assert "nothing locked" in r.stderr
    assert "C04 刘洋 (P01): missing 纪检, 信访, 民主测评" in r.stderr
    assert "C02" not in r.stderr  # struck: needs no more sign-offs
    assert json.loads(run("status", "--json").stdout)["stages"][1]["state"] == "inspecting"
    # the proposed replacement is the one to inspect next
    assert "missing C04: 纪检/信访/民主测评" in json.loads(run("status", "--json").stdout)["stages"][1]["next"]
    # one sign-off is not enough either
    run("inspect", "inspect", findings(tmp_path / "f4.csv", [("C04", "纪检", "通过", "")]),
        good_evaluation(tmp_path / "e4.csv", ["C04"], start=10))
    r = run("cut", "inspect", *decide)
    assert r.exit_code == 1 and "C04 刘洋 (P01): missing 信访" in r.stderr
    run("inspect", "inspect", findings(tmp_path / "f5.csv", [("刘洋", "信访", "通过", "")]))
    assert run("cut", "inspect", *decide).exit_code == 0


def test_evaluation_at_the_threshold_passes_and_just_below_strikes(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    people = ["C01", "C02", "C03", "C06", "C07", "C08"]
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", people))
    # C01: 2 of 3 top grades (= 2/3, passes). C02: 1 of 3 with a blank (fails).
    r = run("inspect", "inspect", evaluation(tmp_path / "e.csv", people, [
        ["优秀", "优秀", "优秀", "优秀", "优秀", "优秀"],
        ["称职", "", "称职", "称职", "称职", "称职"],
        ["不称职", "基本称职", "基本称职", "称职", "称职", "称职"]]))
    assert r.exit_code == 0, r.stderr
    view = show(run, "inspect")
    c01, c02 = result(view, "P01", "C01"), result(view, "P01", "C02")
    assert c01["evaluation"]["top"] == 2 and c01["evaluation"]["graded"] == 3
    assert c01["evaluation"]["rate"] == "2/3" and c01["struck"] is False
    assert c02["evaluation"]["counts"] == {"优秀": 1, "称职": 0, "基本称职": 1, "不称职": 0}
    # the blank does not count for 王芳: 1 top grade of the 2 papers that graded her
    assert c02["evaluation"]["blank"] == 1 and c02["evaluation"]["graded"] == 2
    assert c02["evaluation"]["papers"] == 3 and c02["evaluation"]["rate"] == "1/2"
    assert c02["struck"] is True and c02["struck_by"] == ["民主测评"]
    assert post(view, "P01")["proposed"] == ["C04"]
    text = run("show", "inspect").stdout
    # the rate with its denominator, in the check table and in the 测评汇总 (1/0/1/0, graded by 2 of 3)
    assert "2/3 = 66.67%" in text and "1/2 = 50.00%" in text and "1/0/1/0" in text
    assert "2 of 3" in text


def test_evaluation_just_below_with_a_void_paper(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    # 5 of 8 valid top grades for 张伟 (< 2/3); the void paper is not a valid ballot.
    grades = ["优秀"] * 3 + ["称职"] * 2 + ["基本称职"] * 3
    path = write_csv(tmp_path / "e.csv", [["票号", "张伟", "废票"],
                     *[[f"{i:02d}", g, ""] for i, g in enumerate(grades, start=1)], ["09", "优秀", "撕毁"]], "gb18030")
    assert run("inspect", "inspect", path).exit_code == 0
    e = result(show(run, "inspect"), "P01", "C01")
    assert (e["evaluation"]["top"], e["evaluation"]["graded"], e["evaluation"]["void"]) == (5, 8, 1)
    assert e["struck"] is True


def test_files_are_refused_whole_with_row_and_column(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    r = run("inspect", "inspect", findings(tmp_path / "f.csv", [("张伟", "纪检", "通过", ""),
                                                                ("张伟", "组织", "通过", "")]))
    assert r.exit_code == 1 and "row 3, column 2 (鉴定部门)" in r.stderr and "'组织'" in r.stderr
    r = run("inspect", "inspect", findings(tmp_path / "g.csv", [("张伟", "纪检", "好", "")]))
    assert r.exit_code == 1 and "row 2, column 3 (结论)" in r.stderr
    # 陈静 ranks fifth: not on the list, not a backfill
    r = run("inspect", "inspect", findings(tmp_path / "h.csv", [("陈静", "纪检", "通过", "")]))
    assert r.exit_code == 1 and "not being inspected" in r.stderr
    r = run("inspect", "inspect", evaluation(tmp_path / "e.csv", ["C01"], [["良好"]]))
    assert r.exit_code == 1 and "'良好' is not a grade" in r.stderr
    r = run("inspect", "inspect", write_csv(tmp_path / "x.csv", [["姓名", "得分"], ["张伟", "9"]], "gb18030"))
    assert r.exit_code == 1 and "neither a findings file" in r.stderr
    view = show(run, "inspect")
    assert view["files"] == [] and result(view, "P01", "C01")["checks"] == {"纪检": None, "信访": None}
    assert not [e for e in events(tmp_path) if e[0] == "inspect"]


def test_a_finding_is_not_replaced_and_a_file_not_recorded_twice(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    f = findings(tmp_path / "f.csv", [("张伟", "纪检", "通过", "")])
    assert run("inspect", "inspect", f).exit_code == 0
    r = run("inspect", "inspect", f)
    assert r.exit_code == 1 and "already recorded" in r.stderr
    r = run("inspect", "inspect", findings(tmp_path / "g.csv", [("C01", "纪检", "否决", "")]))
    assert r.exit_code == 1 and "already has a 纪检 finding (clear" in r.stderr
    e1 = good_evaluation(tmp_path / "e1.csv", ["C01"])
    assert run("inspect", "inspect", e1).exit_code == 0
    r = run("inspect", "inspect", good_evaluation(tmp_path / "e2.csv", ["C02"]))
    assert r.exit_code == 1 and "ballot CP001 was already recorded in" in r.stderr


def test_findings_from_xlsx(run, tmp_path):
    from openpyxl import Workbook

    ready_for_inspection(run, tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["candidate", "check", "verdict", "note"])
    ws.append(["C01", "纪检", "veto", "违反中央八项规定精神"])
    wb.save(tmp_path / "f.xlsx")
    assert run("inspect", "inspect", tmp_path / "f.xlsx").exit_code == 0
    assert result(show(run, "inspect"), "P01", "C01")["struck"] is True


def test_nobody_left_to_backfill_goes_on_short_by_decision(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    people = ["C01", "C02", "C03", "C06", "C08"]
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", people),
        findings(tmp_path / "v.csv", [("赵磊", "纪检", "veto", "")]),
        good_evaluation(tmp_path / "e.csv", people))
    r = run("cut", "inspect")
    assert r.exit_code == 1 and "P02: short (2 of 3 after strikes" in r.stderr and "--no-backfill P02" in r.stderr
    r = run("cut", "inspect", "--no-backfill", "P02")
    assert r.exit_code == 2  # a decision needs a reason
    r = run("cut", "inspect", "--no-backfill", "P02", "--reason", "市委组织部部务会2026-05-10决定", "--json")
    assert r.exit_code == 0, r.stderr
    p02 = post(json.loads(r.stdout), "P02")
    assert p02["advanced"] == ["C06", "C08"] and p02["status"] == "short"
    assert p02["decision"] == {"kind": "no-backfill", "chosen": [], "reason": "市委组织部部务会2026-05-10决定"}


def test_a_tie_at_the_backfill_line_is_resolved_at_the_cut(run, tmp_path):
    votes = {"P01": {"C01": 7, "C02": 5, "C03": 4, "C04": 2, "C05": 2},
             "P02": {"C06": 10, "C07": 6, "C08": 4}}
    ready_for_inspection(run, tmp_path, votes)
    people = ["C01", "C03", "C06", "C07", "C08"]
    run("inspect", "inspect", all_clear(tmp_path / "f.csv", people),
        findings(tmp_path / "v.csv", [("王芳", "纪检", "veto", "")]),
        good_evaluation(tmp_path / "e.csv", people))
    view = show(run, "inspect")
    assert post(view, "P01")["status"] == "tied" and post(view, "P01")["tie"]["tied"] == ["C04", "C05"]
    r = run("cut", "inspect")
    assert r.exit_code == 1 and "P01: backfill tied between 刘洋 (C04), 陈静 (C05)" in r.stderr
    # the tied may be inspected before the committee decides
    run("inspect", "inspect", all_clear(tmp_path / "f5.csv", ["C05"]),
        good_evaluation(tmp_path / "e5.csv", ["C05"], start=10))
    r = run("cut", "inspect", "--resolve", "P01=C05", "--reason", "部务会决定")
    assert r.exit_code == 1 and "--backfill P01=ID" in r.stderr
    r = run("cut", "inspect", "--backfill", "P01=C05", "--reason", "部务会决定")
    assert r.exit_code == 0, r.stderr
    view = show(run, "inspect")
    assert post(view, "P01")["advanced"] == ["C01", "C03", "C05"]
    assert post(view, "P01")["decision"]["chosen"] == ["C05"]


def test_inspect_refuses_ballot_stages_and_locked_stages(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    r = run("inspect", "rec1", findings(tmp_path / "f.csv", [("张伟", "纪检", "通过", "")]))
    assert r.exit_code == 2 and "not inspect" in r.stderr
    r = run("tally", "inspect", tmp_path / "f.csv")
    assert r.exit_code == 2 and "it takes no ballots (use `selector inspect inspect" in r.stderr
