"""Corrections (更正): withdrawing a batch, re-opening a cut, revoking a certificate, a dry run
without attendance — each openly, with a reason, kept in the record and re-checked by verify."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from audit_data import REC1, setup_rec1, tamper_row, papers_csv
from audit_data import VOTE1


def dump() -> str:
    """Everything in the database, as SQL: a refusal must leave it byte for byte as it was."""
    conn = sqlite3.connect("selector.db")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def show(run, stage: str) -> dict:
    r = run("show", stage, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def verify_ok(run) -> str:
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr + r.stdout
    return r.stdout


def refused(run, *args, code: int = 1) -> str:
    """Run a command that must be refused: one error line, nothing changed."""
    before = dump()
    r = run(*args)
    assert r.exit_code == code, r.stdout + r.stderr
    assert dump() == before
    return error_line(r)


# rec1 of the audit round ties at P01 (C02, C03 for the second place) with both batches; with
# the first batch alone it ties at P02 too (C05, C06).
CUT = ("cut", "rec1", "--resolve", "P01=C02", "--reason", "常委会2026年3月2日研究决定")
CUT_FIRST = (*CUT, "--resolve", "P02=C05")
CUT_VOTE1 = ("cut", "vote1", "--accept-short", "P02", "--reason", "无人过半，该职位空缺")


@pytest.fixture
def two_batches(run, tmp_path) -> Path:
    """rec1 tallied in two batches (rec1-a.csv: 6 ballots, rec1-b.csv: 4)."""
    return setup_rec1(run, tmp_path)


# -- withdrawing a batch -----------------------------------------------------------------------

def test_withdraw_a_batch_recounts_without_it_and_keeps_its_rows(run, two_batches):
    r = run("tally", "rec1", "--withdraw", "2", "--reason", "第二计票组重复录入")
    assert r.exit_code == 0, r.stderr
    assert "withdrawn: batch 2 rec1-b.csv · 4 ballots · returned 10 → 6" in r.stdout
    view = show(run, "rec1")
    assert view["attendance"]["returned"] == 6
    assert [(b["batch"], b["file"], b["withdrawn"] is not None) for b in view["stage_batches"]] == \
        [(1, "rec1-a.csv", False), (2, "rec1-b.csv", True)]
    [c] = view["corrections"]
    assert (c["action"], c["batch"], c["file"], c["ballots"], c["reason"], c["by"]) == \
        ("withdraw batch", 2, "rec1-b.csv", 4, "第二计票组重复录入", "tester")
    # the same counts as a stage that only ever had the first batch
    conn = sqlite3.connect("selector.db")
    assert conn.execute("SELECT count(*) FROM row_chunks WHERE batch = 2").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM papers WHERE batch = 2").fetchone()[0] == 0
    conn.close()
    assert "1 correction rechecked" in verify_ok(run)
    # the same file may be tallied again, and its ballot numbers are free again
    r = run("tally", "rec1", two_batches / "rec1-b.csv")
    assert r.exit_code == 0, r.stderr
    assert show(run, "rec1")["attendance"]["returned"] == 10
    verify_ok(run)


def test_withdraw_by_file_name_and_the_record_says_what_it_undid(run, two_batches):
    assert run("tally", "rec1", "--withdraw", "rec1-a.csv", "--reason", "误录").exit_code == 0
    r = run("audit", "log", "--json")
    event = json.loads(r.stdout)["events"][-1]
    assert event["command"] == "withdraw batch" and event["operator"] == "tester"
    d = event["details"]
    assert d["reason"] == "误录" and d["batch"] == 1 and d["returned_before"] == 10 and d["returned"] == 4
    assert d["undid"]["ballots"] == 6 and d["undid"]["tally"] == 2  # the tally event that recorded it
    assert event["correction"] is True
    text = run("audit", "log").stdout
    assert "更正 correction" in text and "withdraw batch rec1" in text


def test_withdrawing_every_batch_leaves_nothing_counted(run, two_batches):
    assert run("tally", "rec1", "--withdraw", "1", "--reason", "误录").exit_code == 0
    assert run("tally", "rec1", "--withdraw", "2", "--reason", "误录").exit_code == 0
    view = show(run, "rec1")
    assert view["state"] == "ready" and view["attendance"]["returned"] == 0
    assert all("ballots" not in p for p in view["posts"])
    verify_ok(run)
    # attendance stays as recorded with the first batch
    assert run("tally", "rec1", two_batches / "rec1-a.csv").exit_code == 0
    verify_ok(run)


def test_withdraw_refusals(run, two_batches):
    assert refused(run, "tally", "rec1", "--withdraw", "7", "--reason", "x") == \
        "error: stage rec1 has no batch '7' (batches: 1 rec1-a.csv, 2 rec1-b.csv)"
    assert refused(run, "tally", "rec1", "--withdraw", "2", code=2) == \
        'error: --withdraw is a correction and is recorded with its reason: give --reason "…"'
    assert refused(run, "tally", "rec1", "--withdraw", "2", "--reason", "  ", code=2).startswith(
        "error: --withdraw is a correction")
    assert run("tally", "rec1", "--withdraw", "2", "--reason", "误录").exit_code == 0
    assert refused(run, "tally", "rec1", "--withdraw", "2", "--reason", "x") == \
        "error: batch 2 (rec1-b.csv) of stage rec1 was already withdrawn (event #4)"
    assert refused(run, "tally", "rec1", "--withdraw", "rec1-b.csv", "--reason", "x").endswith(
        "was already withdrawn (event #4)")
    assert run(*CUT_FIRST).exit_code == 0
    assert refused(run, "tally", "rec1", "--withdraw", "1", "--reason", "x") == \
        "error: stage rec1's cut is locked: re-open it first with `selector cut rec1 --reopen --reason \"…\"`"
    assert refused(run, "tally", "rec1", "two.csv", "--withdraw", "1", "--reason", "x", code=2).startswith(
        "error: --withdraw takes no FILE")


def test_withdraw_from_a_certified_stage_needs_the_certificate_revoked(run, two_batches):
    assert run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽").exit_code == 0
    assert refused(run, "tally", "rec1", "--withdraw", "2", "--reason", "x") == (
        "error: stage rec1 is certified: its count is frozen; revoke the certificate first with "
        "`selector certify rec1 --revoke --reason \"…\"`")
    assert refused(run, "certify", "rec1", "--revoke", code=2).startswith("error: --revoke is a correction")
    r = run("certify", "rec1", "--revoke", "--reason", "第二批重复录入")
    assert r.exit_code == 0, r.stderr
    assert "revoked · reason: 第二批重复录入" in r.stdout
    assert show(run, "rec1")["certified"] is False
    assert refused(run, "certify", "rec1", "--revoke", "--reason", "x") == \
        "error: stage rec1 is not certified: there is no certificate to revoke"
    assert run("tally", "rec1", "--withdraw", "2", "--reason", "第二批重复录入").exit_code == 0
    verify_ok(run)
    r = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽")
    assert r.exit_code == 0, r.stderr
    assert "2 corrections rechecked" in verify_ok(run)  # the revocation and the withdrawal
    # the sheet carries the revocation and the withdrawal
    sheet = run("export", "rec1", "--doc", "tally", "--format", "md").stdout
    assert "更正" in sheet and "撤销" in sheet and "周敏" in sheet
    assert "- 更正：2026年5月29日 撤回第2批选票（rec1-b.csv，4张），理由：第二批重复录入（tester）" in sheet
    record = run("export", "rec1", "--doc", "record", "--format", "md").stdout
    assert "更正：撤回选票批次" in record and "更正：撤销计票签署" in record  # the log, named in Chinese


def test_a_dry_run_checks_a_file_without_attendance(run, tmp_path):
    from audit_data import write_round

    files = tmp_path / "ballots"
    files.mkdir()
    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(files / "rec1-a.csv", REC1[:6])
    before = dump()
    r = run("tally", "rec1", files / "rec1-a.csv", "--dry-run", "--json")
    assert r.exit_code == 0, r.stderr
    view = json.loads(r.stdout)
    assert view["attendance"]["present"] is None and view["attendance"]["issued"] is None
    assert view["attendance"]["returned"] == 6 and view["dry_run"] is True
    r = run("tally", "rec1", files / "rec1-a.csv", "--dry-run")
    assert r.exit_code == 0 and "attendance not given yet" in r.stdout
    assert dump() == before
    # a real tally still needs it
    assert run("tally", "rec1", files / "rec1-a.csv").exit_code == 2


# -- re-opening a cut --------------------------------------------------------------------------

def test_reopen_is_refused_while_a_later_stage_holds_ballots(run, two_batches):
    assert run(*CUT).exit_code == 0
    papers_csv(two_batches / "vote1.csv", VOTE1)
    assert run("tally", "vote1", two_batches / "vote1.csv", "--present", "10", "--issued", "10").exit_code == 0
    before = dump()
    r = run("cut", "rec1", "--reopen", "--reason", "第二批需撤回")
    assert r.exit_code == 1 and dump() == before
    assert error_line(r) == ("error: stage rec1's cut cannot be re-opened: 1 later stage depends on it "
                             "(vote1: 1 batch); undo what they hold first, the latest stage first (below)")
    assert 'selector tally vote1 --withdraw 1 --reason "…"   (vote1.csv)' in r.stderr
    assert run("tally", "vote1", "--withdraw", "1", "--reason", "名单需更正").exit_code == 0
    r = run("cut", "rec1", "--reopen", "--reason", "第二批需撤回")
    assert r.exit_code == 0, r.stderr
    assert "cut of rec1 re-opened" in r.stdout
    view = show(run, "rec1")
    assert view["state"] == "tallied" and all(p["advanced"] is None for p in view["posts"])
    assert [c["action"] for c in view["corrections"]] == ["reopen cut"]
    verify_ok(run)
    # cut → reopen → cut again: verify takes the last cut
    assert run("tally", "rec1", "--withdraw", "2", "--reason", "第二批需撤回").exit_code == 0
    assert run(*CUT_FIRST).exit_code == 0
    out = verify_ok(run)
    assert "1 cut rechecked" in out and "3 corrections rechecked" in out
    assert run("tally", "vote1", two_batches / "vote1.csv").exit_code == 0  # the same file again
    verify_ok(run)


def test_reopen_refusals(run, two_batches):
    assert refused(run, "cut", "rec1", "--reopen", "--reason", "x") == \
        "error: stage rec1's cut is not locked: there is nothing to re-open"
    assert run(*CUT).exit_code == 0
    assert refused(run, "cut", "rec1", "--reopen", code=2).startswith("error: --reopen is a correction")
    assert run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽").exit_code == 0
    assert refused(run, "cut", "rec1", "--reopen", "--reason", "x").startswith(
        "error: stage rec1 is certified: its count is frozen; revoke the certificate first")
    assert run("certify", "rec1", "--revoke", "--reason", "重新计票").exit_code == 0
    assert run("cut", "rec1", "--reopen", "--reason", "重新计票").exit_code == 0
    verify_ok(run)


def test_reopen_is_refused_while_a_later_cut_is_locked(run, tmp_path):
    """A vote1 cut locked on rec1's list blocks rec1's re-opening through its ballots and its
    cut; undone in order, latest first, everything verifies."""
    files = setup_rec1(run, tmp_path)
    assert run(*CUT).exit_code == 0
    papers_csv(files / "vote1.csv", VOTE1)
    assert run("tally", "vote1", files / "vote1.csv", "--present", "10", "--issued", "10").exit_code == 0
    r = run(*CUT_VOTE1)
    assert r.exit_code == 0, r.stderr
    r = run("cut", "rec1", "--reopen", "--reason", "x")
    assert "(vote1: 1 batch, a locked cut)" in error_line(r)
    steps = [line.strip() for line in r.stderr.splitlines()[1:]]
    assert steps[0] == 'selector cut vote1 --reopen --reason "…"'
    assert steps[1].startswith("selector tally vote1 --withdraw 1")
    r = run("cut", "vote1", "--reopen", "--reason", "x")
    assert r.exit_code == 0, r.stderr
    assert run("tally", "vote1", "--withdraw", "1", "--reason", "x").exit_code == 0
    assert run("cut", "rec1", "--reopen", "--reason", "x").exit_code == 0
    verify_ok(run)


# -- audit verify over corrections -------------------------------------------------------------

def test_verify_fails_when_a_withdrawn_batch_is_edited(run, two_batches):
    assert run("tally", "rec1", "--withdraw", "2", "--reason", "误录").exit_code == 0
    verify_ok(run)
    tamper_row(2, 2, lambda t: t.replace("王芳", "李强"))
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert ("stage rec1: table rows, batch 2 (rec1-b.csv): the withdrawn batch's stored rows differ "
            "from those withdraw batch event #4 recorded") in r.stderr


def test_verify_fails_when_a_withdrawal_is_undone_by_hand(run, two_batches):
    assert run("tally", "rec1", "--withdraw", "2", "--reason", "误录").exit_code == 0
    conn = sqlite3.connect("selector.db")
    conn.execute("UPDATE batches SET withdrawn = NULL WHERE id = 2")
    conn.commit()
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "withdrawn is None but withdraw batch event #4 withdrew it" in r.stderr


def test_verify_fails_when_a_revoked_certificate_is_put_back(run, two_batches):
    assert run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽").exit_code == 0
    conn = sqlite3.connect("selector.db")
    row = conn.execute("SELECT certified_at, certificate FROM stages WHERE stage = 'rec1'").fetchone()
    conn.close()
    assert run("certify", "rec1", "--revoke", "--reason", "x").exit_code == 0
    conn = sqlite3.connect("selector.db")
    conn.execute("UPDATE stages SET certified_at = ?, certificate = ? WHERE stage = 'rec1'", row)
    conn.commit()
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3 and "marked certified but revoke certificate event #5" in r.stderr


def test_verify_fails_when_a_reopened_cut_is_put_back(run, two_batches):
    assert run(*CUT).exit_code == 0
    conn = sqlite3.connect("selector.db")
    rows = conn.execute("SELECT * FROM cuts").fetchall()
    locked = conn.execute("SELECT locked_at FROM stages WHERE stage = 'rec1'").fetchone()[0]
    conn.close()
    assert run("cut", "rec1", "--reopen", "--reason", "x").exit_code == 0
    conn = sqlite3.connect("selector.db")
    conn.executemany(f"INSERT INTO cuts VALUES ({', '.join('?' * len(rows[0]))})", rows)
    conn.execute("UPDATE stages SET locked_at = ? WHERE stage = 'rec1'", [locked])
    conn.commit()
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3 and "a cut is stored but the log has no cut event" in r.stderr


def test_options_that_do_not_go_together(run, two_batches):
    assert refused(run, "tally", "rec1", code=2) == (
        "error: give the FILE(s) to tally for stage rec1, or correct one with "
        "`selector tally rec1 --withdraw BATCH --reason \"…\"`")
    assert refused(run, "tally", "rec1", two_batches / "x.csv", "--reason", "x", code=2) == \
        "error: --reason goes with --withdraw (a correction); this command records none"
    assert refused(run, "cut", "rec1", "--reopen", "--resolve", "P01=C02", "--reason", "x", code=2) == \
        "error: --reopen takes no --resolve: correct first, then record or decide again with a command of its own"
    assert refused(run, "certify", "rec1", "--revoke", "--teller", "周敏", "--reason", "x", code=2).startswith(
        "error: --revoke takes no --teller")
    assert refused(run, "certify", "rec1", "--teller", "周敏", "--reason", "x", code=2) == \
        "error: --reason goes with --revoke (a correction); this command records none"


SCORED = """\
[round]
id = "scored"
title = "两轮推荐"
organizer = "组织部"

[[post]]
id = "P01"
title = "审计局局长"

[[candidate]]
id = "C01"
name = "张伟"

[[candidate]]
id = "C02"
name = "王芳"

[[candidate]]
id = "C03"
name = "李强"

[[stage]]
id = "rec1"
kind = "recommend"
title = "干部大会推荐"
electorate = 10

[[stage]]
id = "rec2"
kind = "recommend"
title = "全委会推荐"
electorate = 10
candidates = "roster"

[stage.cut]
ratio = "1:2"
score = { rec1 = 1, rec2 = 1 }
"""


def test_a_later_cut_scored_on_a_stage_blocks_its_corrections(run, tmp_path):
    """rec2 takes the roster but scores rec1's shares: its locked cut stands in the way of a
    withdrawal from rec1 (not cut yet) and of re-opening rec1's cut."""
    (tmp_path / "scored.toml").write_text(SCORED, "utf-8")
    assert run("init", tmp_path / "scored.toml").exit_code == 0
    rows = [("1", "张伟"), ("2", "张伟"), ("3", "王芳"), ("4", "李强"), ("5", "张伟"), ("6", "王芳"),
            ("7", "张伟")]
    papers_csv(tmp_path / "r1.csv", rows, header=("票号", "审计局局长"))
    papers_csv(tmp_path / "r2.csv", rows, header=("票号", "审计局局长"))
    assert run("tally", "rec1", tmp_path / "r1.csv", "--present", "7", "--issued", "7").exit_code == 0
    assert run("tally", "rec2", tmp_path / "r2.csv", "--present", "7", "--issued", "7").exit_code == 0
    assert run("cut", "rec2").exit_code == 0
    assert refused(run, "tally", "rec1", "--withdraw", "1", "--reason", "x") == (
        "error: stage rec1's results were used by the locked cut of rec2: re-open it first with "
        "`selector cut rec2 --reopen --reason \"…\"`")
    assert run("cut", "rec1").exit_code == 0
    line = refused(run, "cut", "rec1", "--reopen", "--reason", "x")
    assert "(rec2: a locked cut)" in line
    assert run("cut", "rec2", "--reopen", "--reason", "x").exit_code == 0
    assert run("cut", "rec1", "--reopen", "--reason", "x").exit_code == 0
    assert run("tally", "rec1", "--withdraw", "1", "--reason", "x").exit_code == 0
    verify_ok(run)
