"""Corrections of an inspection (考察) and a notice (公示): a finding replaced or withdrawn, an
evaluation file withdrawn, a complaint entered in error withdrawn — each with a reason, kept in
the record, and re-checked by `audit verify`."""

from __future__ import annotations

import json
import sqlite3

from stagehelp import (
    all_clear, evaluation, findings, good_evaluation, post, ready_for_inspection, result, show,
)
from test_corrections import error_line, refused, verify_ok


def vetoed(run, tmp_path):
    """王芳 (C02) vetoed by 纪检 and 刘洋 (C04) proposed for 递补, everyone else cleared and evaluated."""
    ready_for_inspection(run, tmp_path)
    people = ["C01", "C02", "C03", "C04", "C06", "C07", "C08"]
    r = run("inspect", "inspect",
            findings(tmp_path / "veto.csv", [("王芳", "纪检", "否决", "误录")]),
            all_clear(tmp_path / "clear.csv", ["C01", "C03", "C04", "C06", "C07", "C08"]),
            findings(tmp_path / "xf.csv", [("王芳", "信访", "通过", "")]),
            good_evaluation(tmp_path / "eval.csv", people))
    assert r.exit_code == 0, r.stderr
    p01 = post(show(run, "inspect"), "P01")
    assert p01["struck"] == ["C02"] and p01["proposed"] == ["C04"] and p01["backfilled"] == []


def test_replace_a_finding_entered_in_error(run, tmp_path):
    vetoed(run, tmp_path)
    fixed = findings(tmp_path / "纪检更正.csv", [("王芳", "纪检", "通过", "经核实为误录")])
    assert refused(run, "inspect", "inspect", fixed).endswith("a finding is not replaced")
    assert refused(run, "inspect", "inspect", fixed, "--replace", code=2).startswith(
        "error: --replace is a correction")
    r = run("inspect", "inspect", fixed, "--replace", "--reason", "纪检意见误录，以更正件为准")
    assert r.exit_code == 0, r.stderr
    view = show(run, "inspect")
    p01 = post(view, "P01")
    assert p01["struck"] == [] and p01["backfilled"] == [] and p01["would_advance"] == ["C01", "C02", "C03"]
    assert result(view, "P01", "C02")["checks"]["纪检"] == "clear"
    [c] = view["corrections"]
    assert c["action"] == "inspect" and c["findings"] == [{"candidate": "C02", "check": "纪检", "verdict": "veto"}]
    event = json.loads(run("audit", "log", "--json").stdout)["events"][-1]
    assert event["correction"] is True and event["details"]["reason"] == "纪检意见误录，以更正件为准"
    assert event["details"]["undid"]["findings"][0]["note"] == "误录"
    assert "1 correction rechecked" in verify_ok(run)
    assert run("cut", "inspect").exit_code == 0
    verify_ok(run)
    # a locked inspection is re-opened before a finding is replaced
    assert refused(run, "inspect", "inspect", fixed, "--replace", "--reason", "x").startswith(
        "error: stage inspect's cut is locked: re-open it first")
    assert run("cut", "inspect", "--reopen", "--reason", "补充鉴定").exit_code == 0
    verify_ok(run)


def test_nothing_to_replace_is_refused(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    assert run("inspect", "inspect", findings(tmp_path / "veto.csv", [("王芳", "纪检", "否决", "")])).exit_code == 0
    extra = findings(tmp_path / "extra.csv", [("张伟", "纪检", "通过", "")])
    assert refused(run, "inspect", "inspect", extra, "--replace", "--reason", "x") == \
        "error: --replace: extra.csv replaces no finding of stage inspect; record it without --replace"


def test_withdraw_a_finding_and_an_evaluation_file(run, tmp_path):
    vetoed(run, tmp_path)
    r = run("inspect", "inspect", "--withdraw", "王芳/纪检", "--reason", "误录")
    assert r.exit_code == 0, r.stderr
    assert "withdrawn: finding C02/纪检 (veto) · reason: 误录" in r.stdout
    view = show(run, "inspect")
    assert post(view, "P01")["struck"] == [] and view["missing"] == {"C02": ["纪检"]}
    verify_ok(run)
    # the 民主测评 file, by name: its papers stop counting and their numbers are free again
    r = run("inspect", "inspect", "--withdraw", "eval.csv", "--reason", "测评票录入有误")
    assert r.exit_code == 0, r.stderr
    assert "withdrawn: file 4 eval.csv · 0 findings, 3 民主测评 ballots" in r.stdout
    view = show(run, "inspect")
    assert (result(view, "P01", "C01")["evaluation"] or {}).get("valid", 0) == 0
    assert [f["withdrawn"] is not None for f in view["stage_files"]] == [False, False, False, True]
    assert "files: 1 veto.csv · 2 clear.csv · 3 xf.csv · 4 eval.csv withdrawn" in run("show", "inspect").stdout
    assert refused(run, "inspect", "inspect", "--withdraw", "4", "--reason", "x") == \
        "error: file 4 (eval.csv) of stage inspect was already withdrawn (event #6)"
    people = ["C01", "C02", "C03", "C06", "C07", "C08"]
    r = run("inspect", "inspect", evaluation(tmp_path / "eval.csv", people,
                                             [["优秀"] * 6, ["优秀"] * 6, ["称职"] * 6]))
    assert r.exit_code == 0, r.stderr
    assert result(show(run, "inspect"), "P01", "C01")["evaluation"]["valid"] == 3
    r = run("inspect", "inspect", findings(tmp_path / "jj.csv", [("王芳", "纪检", "通过", "")]))
    assert r.exit_code == 0, r.stderr
    assert "2 corrections rechecked" in verify_ok(run)
    assert run("cut", "inspect").exit_code == 0
    assert "2 corrections rechecked" in verify_ok(run)


def test_inspect_withdraw_refusals(run, tmp_path):
    vetoed(run, tmp_path)
    assert refused(run, "inspect", "inspect", "--withdraw", "9", "--reason", "x") == \
        "error: stage inspect has no file '9' (files: 1 veto.csv, 2 clear.csv, 3 xf.csv, 4 eval.csv)"
    assert refused(run, "inspect", "inspect", "--withdraw", "张伟/审计", "--reason", "x").startswith(
        "error: stage inspect has no finding '张伟/审计' to withdraw")
    assert refused(run, "inspect", "inspect", "--withdraw", "1", code=2).startswith(
        "error: --withdraw is a correction")
    assert run("inspect", "inspect", "--withdraw", "1", "--reason", "误录").exit_code == 0
    assert run("inspect", "inspect", findings(tmp_path / "jj.csv", [("王芳", "纪检", "通过", "")])).exit_code == 0
    assert run("cut", "inspect").exit_code == 0
    assert refused(run, "inspect", "inspect", "--withdraw", "2", "--reason", "x") == \
        "error: stage inspect's cut is locked: re-open it first with `selector cut inspect --reopen --reason \"…\"`"


def test_verify_fails_when_a_withdrawn_inspection_file_is_edited(run, tmp_path):
    vetoed(run, tmp_path)
    assert run("inspect", "inspect", "--withdraw", "veto.csv", "--reason", "误录").exit_code == 0
    verify_ok(run)
    conn = sqlite3.connect("selector.db")
    rows = conn.execute("SELECT rows FROM inspection_files WHERE file = 'veto.csv'").fetchone()[0]
    conn.execute("UPDATE inspection_files SET rows = ? WHERE file = 'veto.csv'", [rows.replace("否决", "通过")])
    conn.commit()
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "the withdrawn file's stored raw rows differ from those withdraw file event #5 recorded" in r.stderr


def test_a_recommendation_is_reopened_once_its_inspection_is_withdrawn(run, tmp_path):
    vetoed(run, tmp_path)
    r = run("cut", "rec1", "--reopen", "--reason", "推荐票需更正")
    assert r.exit_code == 1
    assert "(inspect: 4 inspection files)" in error_line(r)
    for n in ("4", "3", "2", "1"):
        assert run("inspect", "inspect", "--withdraw", n, "--reason", "推荐票需更正").exit_code == 0
    r = run("cut", "rec1", "--reopen", "--reason", "推荐票需更正")
    assert r.exit_code == 0, r.stderr
    verify_ok(run)
    assert run("cut", "rec1").exit_code == 0
    verify_ok(run)


# -- the notice --------------------------------------------------------------------------------

def complained(run, tmp_path):
    from stagehelp import voted

    voted(run, tmp_path)
    assert run("notice", "notice", "open", "--start", "2026-04-30").exit_code == 0
    for who, summary in (("张伟", "反映其违规发放津补贴"), ("杨军", "误登记：实为对张伟的反映")):
        r = run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", who,
                "--summary", summary, "--named")
        assert r.exit_code == 0, r.stderr


def test_withdraw_a_complaint_entered_in_error(run, tmp_path):
    complained(run, tmp_path)
    assert refused(run, "notice", "notice", "withdraw-complaint", "2", code=2) == \
        'error: withdraw-complaint is a correction and is recorded with its reason: give --reason "…"'
    assert refused(run, "notice", "notice", "withdraw-complaint", "9", "--reason", "x") == \
        "error: the notice notice has no complaint #9 (complaints: #1, #2)"
    r = run("notice", "notice", "withdraw-complaint", "2", "--reason", "登记错误，同第1号")
    assert r.exit_code == 0, r.stderr
    assert "complaint #2 withdrawn · reason: 登记错误，同第1号" in r.stdout
    view = show(run, "notice")
    assert [c["number"] for c in view["notice"]["complaints"]] == [1]
    assert view["corrections"][0]["action"] == "withdraw complaint" and view["corrections"][0]["number"] == 2
    assert refused(run, "notice", "notice", "withdraw-complaint", "2", "--reason", "x") == \
        "error: complaint #2 of the notice notice was withdrawn (event #11)"
    assert refused(run, "notice", "notice", "resolve", "2", "--outcome", "unfounded", "--note", "x").endswith(
        "was withdrawn (event #11)")
    r = run("notice", "notice", "complaint", "--received", "2026-05-07", "--candidate", "杨军",
            "--summary", "反映其兼职", "--anonymous")
    assert "complaint #3 logged" in r.stdout  # a withdrawn complaint keeps its number
    assert "1 correction rechecked" in verify_ok(run)
    assert run("notice", "notice", "resolve", "1", "--outcome", "serious", "--note", "属实").exit_code == 0
    assert run("notice", "notice", "resolve", "3", "--outcome", "unfounded", "--note", "不属实").exit_code == 0
    assert run("notice", "notice", "close").exit_code == 0
    assert post(show(run, "notice"), "P01")["advanced"] == []
    verify_ok(run)
    # closed: re-open the notice first, then the serious outcome can be withdrawn as entered in error
    assert refused(run, "notice", "notice", "withdraw-complaint", "1", "--reason", "x") == \
        "error: stage notice's cut is locked: re-open it first with `selector cut notice --reopen --reason \"…\"`"
    assert run("cut", "notice", "--reopen", "--reason", "第1号反映误登记").exit_code == 0
    assert run("notice", "notice", "withdraw-complaint", "1", "--reason", "误登记").exit_code == 0
    assert run("notice", "notice", "close").exit_code == 0
    assert post(show(run, "notice"), "P01")["advanced"] == ["C01"]
    assert "3 corrections rechecked" in verify_ok(run)


def test_verify_fails_when_a_withdrawn_complaint_is_put_back(run, tmp_path):
    complained(run, tmp_path)
    assert run("notice", "notice", "withdraw-complaint", "2", "--reason", "误登记").exit_code == 0
    conn = sqlite3.connect("selector.db")
    conn.execute("UPDATE complaints SET withdrawn = NULL WHERE number = 2")
    conn.commit()
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "table complaints, row 2: withdrawn is None in the database, withdraw complaint event #11" in r.stderr
