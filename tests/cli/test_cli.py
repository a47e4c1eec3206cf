"""The commands of SPEC §4 end to end: init, check, rounds, status, tally, show, cut."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from support import BAD, GOOD, good_round, rows_of, tie_file, write_csv

@pytest.fixture
def round_file(tmp_path) -> Path:
    return good_round(tmp_path)


@pytest.fixture
def ready(run, round_file):
    """The round stored and rec1's ballots copied next to it."""
    assert run("init", round_file).exit_code == 0
    shutil.copy(GOOD / "rec1.csv", "rec1.csv")
    shutil.copy(GOOD / "vote1.csv", "vote1.csv")
    return run


@pytest.fixture
def voting(ready):
    """rec1 tallied and cut: vote1 is ready (P01: C01, C04; P02: C05, C02)."""
    assert ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    assert ready("cut", "rec1").exit_code == 0
    return ready


def js(result) -> dict:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def error_line(result) -> str:
    lines = [l for l in result.stderr.splitlines() if l.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def events(kind: str | None = None) -> list[tuple]:
    conn = sqlite3.connect(os.environ["SELECTOR_DB"])
    rows = conn.execute("SELECT command, stage, details FROM events ORDER BY id").fetchall()
    conn.close()
    return [r for r in rows if kind is None or r[0] == kind]


def db_hash() -> str:
    return hashlib.sha256(Path(os.environ["SELECTOR_DB"]).read_bytes()).hexdigest()


# -- init, check, rounds --------------------------------------------------------------------

def test_init_is_idempotent(run, round_file):
    first = run("init", round_file)
    assert first.exit_code == 0 and "round demo-2026: stored in" in first.stdout
    again = run("init", round_file)
    assert again.exit_code == 0 and "round demo-2026: already stored, unchanged" in again.stdout
    assert [e[0] for e in events()] == ["init"]
    assert oct(Path(os.environ["SELECTOR_DB"]).stat().st_mode & 0o777) == "0o600"


def test_changed_round_updates_before_ballots_and_is_refused_after(run, round_file):
    assert run("init", round_file).exit_code == 0
    round_file.write_text(round_file.read_text("utf-8").replace("electorate = 30", "electorate = 31"), "utf-8")
    updated = run("init", round_file)
    assert updated.exit_code == 0 and "updated (no ballots were tallied yet)" in updated.stdout
    shutil.copy(GOOD / "rec1.csv", "rec1.csv")
    assert run("tally", "rec1", "rec1.csv", "--present", "21", "--issued", "21").exit_code == 0
    (round_file.parent / "roster.csv").write_text(
        (GOOD / "roster.csv").read_text("utf-8") + "C07,赵六,,男,,\n", "utf-8")
    refused = run("init", round_file)
    assert refused.exit_code == 1
    assert error_line(refused) == (f"error: round demo-2026 already has tallied ballots and {round_file} has "
                                   "changed: a stored round's rules cannot change after counting starts; "
                                   "give the changed file a new round id")
    assert run("show", "rec1", "--json").exit_code == 0
    assert js(run("show", "rec1", "--json"))["attendance"]["electorate"] == 31


def test_check_touches_no_database(run, round_file):
    result = run("check", round_file)
    assert result.exit_code == 0
    assert result.stdout.strip() == (f"{round_file}: ok · round demo-2026 · 2 posts, 2 seats · 6 people · "
                                     "stages rec1 → vote1")
    assert not Path(os.environ["SELECTOR_DB"]).exists()
    round_file.write_text(round_file.read_text("utf-8").replace('ratio = "1:2"', 'ratio = "3"'), "utf-8")
    bad = run("check", round_file)
    assert bad.exit_code == 1 and bad.stdout == ""
    assert error_line(bad) == f'error: {round_file}: stage[0].cut.ratio: expected "1:N", got "3"'
    assert run("check", "nowhere.toml").exit_code == 1


def test_rounds(ready, tmp_path):
    result = ready("rounds", "--json")
    assert result.exit_code == 0
    rows = js(result)
    assert [(r["id"], r["title"], r["state"]) for r in rows] == [("demo-2026", "某市局级领导干部公推公选",
                                                                  "0/2 stages locked")]
    (tmp_path / "x").mkdir()
    other = good_round(tmp_path / "x", {'id = "demo-2026"': 'id = "demo-2027"'})
    assert ready("init", other).exit_code == 0
    text = ready("rounds")
    assert "demo-2026" in text.stdout and "demo-2027" in text.stdout
    # two rounds: a command must say which
    which = ready("status")
    assert which.exit_code == 2 and "choose one with --round ID" in error_line(which)
    assert ready("--round", "demo-2027", "status").exit_code == 0
    assert ready("--round", "nope", "status").exit_code == 1


def test_status_gives_the_next_step(ready):
    def nxt():
        rows = js(ready("status", "--json"))["stages"]
        return [(r["stage"], r["state"]) for r in rows], next((r["next"] for r in rows if r["next"]), None)

    assert nxt() == ([("rec1", "ready"), ("vote1", "waiting")],
                     "selector tally rec1 BALLOTS.csv --present N --issued N (electorate 30)")
    ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20")
    assert nxt() == ([("rec1", "tallied"), ("vote1", "waiting")], "selector cut rec1")
    ready("cut", "rec1")
    assert nxt() == ([("rec1", "locked"), ("vote1", "ready")],
                     "selector tally vote1 BALLOTS.csv --present N --issued N (members 9)")
    ready("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8")
    ready("cut", "vote1")
    assert nxt() == ([("rec1", "locked"), ("vote1", "locked")], None)
    assert "every stage is locked: the round is complete" in ready("status").stdout


def test_status_names_a_held_post(ready):
    tie_file()
    ready("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    rows = js(ready("status", "--json"))["stages"]
    assert rows[0]["next"] == ('selector cut rec1 --resolve P01=ID,… --reason "…" (see selector show rec1)')


# -- tally ------------------------------------------------------------------------------------

def test_tally_dry_run_stores_nothing(ready):
    before = db_hash()
    result = ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20", "--dry-run", "--json")
    assert result.exit_code == 0
    view = js(result)
    assert view["dry_run"] is True and view["attendance"]["returned"] == 12
    assert view["posts"][0]["ballots"]["valid"] == 10
    assert db_hash() == before
    assert js(ready("status", "--json"))["stages"][0]["batches"] == 0
    # a dry run refused by a rule stores nothing either, not even the refusal
    refused = ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "11", "--dry-run")
    assert refused.exit_code == 1 and "more ballots returned than issued" in error_line(refused)
    assert db_hash() == before


def test_tally_records_and_prints(ready):
    result = ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20", "--json")
    assert result.exit_code == 0
    view = js(result)
    assert view["batches"][0]["ballots"] == 12 and view["batches"][0]["encoding"] == "utf-8"
    assert [e[0] for e in events()] == ["init", "tally"]
    text = ready("show", "rec1")
    # ballot 8's bare 张伟 is C01: the only 张伟 who stands for P01 (the shared-name rule)
    assert "valid 10 · void 2 · blank 1 · invalid marks 1" in text.stdout
    assert "1 mark placed by the list (a name two roster people share, one of them listed)" in text.stdout


@pytest.mark.parametrize("present, ok", [("6", True), ("5", False)])
def test_quorum_two_thirds_of_nine(voting, present, ok):
    write_csv(Path("v6.csv"), [["ballot", "张伟(审计)", "王芳", "刘洋", "张伟(统计)"]]
              + [[str(i), "同意", "不同意", "同意", "弃权"] for i in range(1, 6)])
    result = voting("tally", "vote1", "v6.csv", "--present", present, "--issued", present)
    if ok:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 1
    assert error_line(result) == ("error: stage vote1: no quorum: 5 present of 9 members, the quorum >= 2/3 "
                                  "needs at least 6; the meeting's ballots are void")
    assert js(voting("status", "--json"))["stages"][1]["batches"] == 0
    refusals = events("tally refused")
    assert len(refusals) == 1 and refusals[0][1] == "vote1"


def test_attendance_rules(voting):
    result = voting("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "9")
    assert result.exit_code == 1
    assert error_line(result) == ("error: stage vote1: 9 ballots issued but only 8 present "
                                  "(issued must not exceed present)")
    result = voting("tally", "vote1", "vote1.csv", "--present", "10", "--issued", "9")
    assert error_line(result) == "error: stage vote1: 10 present but the members is only 9"
    result = voting("tally", "vote1", "vote1.csv")
    assert result.exit_code == 2 and "the first batch must give the attendance" in error_line(result)
    result = voting("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "7")
    assert result.exit_code == 1
    assert error_line(result) == ("error: stage vote1: more ballots returned than issued (8 returned, "
                                  "7 issued): this vote is void and must be held again")
    assert js(voting("status", "--json"))["stages"][1]["batches"] == 0


def split_rec1():
    rows = rows_of((GOOD / "rec1.csv").read_text("utf-8"))
    write_csv(Path("a.csv"), rows[:7], "gb18030")
    write_csv(Path("b.csv"), [rows[0]] + rows[7:], "utf-8", bom=True)
    return rows


def test_several_batches_add_up(ready):
    split_rec1()
    assert ready("tally", "rec1", "a.csv", "--present", "20", "--issued", "12").exit_code == 0
    second = ready("tally", "rec1", "b.csv", "--json")
    assert second.exit_code == 0
    view = js(ready("show", "rec1", "--json"))
    assert view["attendance"] == {"electorate": 30, "present": 20, "issued": 12, "returned": 12}
    keys = ("valid", "void", "blank", "returned", "overvotes")  # extra keys are allowed (SPEC §4)
    assert [{k: p["ballots"][k] for k in keys} for p in view["posts"]] == [
        {"valid": 10, "void": 2, "blank": 1, "returned": 12, "overvotes": 1},
        {"valid": 11, "void": 1, "blank": 1, "returned": 12, "overvotes": 0}]
    assert [(r["candidate"], r["votes"], r["share"]) for r in view["posts"][0]["results"]] == [
        ("C01", 5, "7/13"), ("C04", 2, "3/13"), ("C03", 1, "1/13")]
    # attendance given again must agree
    again = ready("tally", "rec1", "a.csv", "--present", "19", "--issued", "12")
    assert again.exit_code == 1 and "--present was recorded as 20" in error_line(again)


def test_returned_more_than_issued_across_batches(ready):
    split_rec1()
    assert ready("tally", "rec1", "a.csv", "--present", "20", "--issued", "10").exit_code == 0
    before = js(ready("show", "rec1", "--json"))
    result = ready("tally", "rec1", "b.csv")
    assert result.exit_code == 1
    assert error_line(result) == ("error: stage rec1: more ballots returned than issued (12 returned, "
                                  "10 issued): this vote is void and must be held again")
    assert js(ready("show", "rec1", "--json")) == before
    assert json.loads(events("tally refused")[0][2])["reason"].endswith("this vote is void and must be held again")


def test_duplicate_ballot_numbers_across_batches(ready):
    rows = split_rec1()
    assert ready("tally", "rec1", "a.csv", "--present", "20", "--issued", "20").exit_code == 0
    write_csv(Path("c.csv"), [rows[0], rows[9], rows[3]])  # ballot 9 is new, ballot 3 was in a.csv
    result = ready("tally", "rec1", "c.csv")
    assert result.exit_code == 1
    assert error_line(result) == ("error: c.csv: row 3: ballot 3 was already tallied in a.csv "
                                  "(1 ballot number repeats an earlier batch)")
    # within one command, across two files
    write_csv(Path("d.csv"), [rows[0], rows[8]])
    write_csv(Path("e.csv"), [rows[0], rows[10], rows[8][:1] + rows[9][1:]])
    result = ready("tally", "rec1", "d.csv", "e.csv")
    assert result.exit_code == 1
    assert error_line(result) == "error: e.csv: row 3: ballot 8 is also in d.csv (given in this same command)"
    assert js(ready("status", "--json"))["stages"][0]["returned"] == 6


def test_the_same_file_twice(ready):
    assert ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    shutil.copy("rec1.csv", "copy.csv")
    result = ready("tally", "rec1", "copy.csv")
    assert result.exit_code == 1
    assert error_line(result) == "error: copy.csv: this exact file was already tallied for stage rec1 (as rec1.csv)"


def test_the_same_file_twice_in_one_command(ready):
    split_rec1()
    result = ready("tally", "rec1", "a.csv", "a.csv", "--present", "20", "--issued", "20")
    assert result.exit_code == 1
    assert error_line(result) == "error: a.csv: the same file as a.csv, given twice in this command"
    assert js(ready("status", "--json"))["stages"][0]["batches"] == 0


# -- show and cut --json (SPEC §4) ----------------------------------------------------------

POST_KEYS = {"post", "seats", "ballots", "results", "invalid_marks", "status", "advanced"}
RESULT_KEYS = {"candidate", "votes", "yes", "no", "abstain", "invalid", "share", "score", "rank", "passed"}


def test_show_json_shape_recommend(ready):
    ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20")
    view = js(ready("show", "rec1", "--json"))
    assert {k: view[k] for k in ("round", "stage", "kind", "state")} == {
        "round": "demo-2026", "stage": "rec1", "kind": "recommend", "state": "tallied"}
    assert view["attendance"] == {"electorate": 30, "present": 20, "issued": 20, "returned": 12}
    p01, p02 = view["posts"]
    assert POST_KEYS <= set(p01)
    assert (p01["post"], p01["seats"], p01["invalid_marks"], p01["status"], p01["advanced"]) == (
        "P01", 1, 1, "ok", None)
    assert p01["placed_by_list"] == 1 and "placed_by_list" not in p02  # ballot 8's bare 张伟
    assert {k: p01["ballots"][k] for k in ("valid", "void", "blank")} == {"valid": 10, "void": 2, "blank": 1}
    assert all(RESULT_KEYS <= set(r) for r in p01["results"])
    # over the roster: only those with votes (C03 has one, nobody else is listed for P01)
    assert [(r["candidate"], r["votes"], r["yes"], r["no"], r["abstain"], r["share"], r["score"], r["rank"],
             r["passed"]) for r in p01["results"]] == [
        ("C01", 5, 5, None, None, "7/13", "7/13", 1, None),
        ("C04", 2, 2, None, None, "3/13", "3/13", 2, None),
        ("C03", 1, 1, None, None, "1/13", "1/13", 3, None)]
    assert [(r["candidate"], r["share"]) for r in p02["results"]] == [("C05", "7/15"), ("C02", "1/3"),
                                                                      ("C06", "2/15")]
    assert [(m["ballot"], m["text"]) for m in p01["invalid_mark_list"]] == [("9", "赵六")]
    locked = js(ready("cut", "rec1", "--json"))
    assert locked["state"] == "locked"
    assert [p["advanced"] for p in locked["posts"]] == [["C01", "C04"], ["C05", "C02"]]
    assert js(ready("show", "rec1", "--json")) == locked


def test_show_json_approve_and_unfilled(voting):
    voting("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8")
    view = js(voting("show", "vote1", "--json"))
    p01, p02 = view["posts"]
    assert view["attendance"] == {"members": 9, "present": 8, "issued": 8, "returned": 8}
    assert [(r["candidate"], r["votes"], r["yes"], r["no"], r["abstain"], r["invalid"], r["share"], r["rank"],
             r["passed"]) for r in p01["results"]] == [
        ("C01", 6, 6, 0, 1, 1, "3/4", 1, True), ("C04", 2, 2, 4, 2, 0, "1/4", 2, False)]
    assert p01["ballots"]["blank"] == 1 and p01["status"] == "ok" and p01["advanced"] is None
    assert [(r["candidate"], r["yes"], r["passed"]) for r in p02["results"]] == [("C05", 4, False),
                                                                                  ("C02", 1, False)]
    assert p02["status"] == "unfilled" and p02["advanced"] is None
    locked = js(voting("cut", "vote1", "--json"))
    assert [(p["status"], p["advanced"]) for p in locked["posts"]] == [("ok", ["C01"]), ("unfilled", [])]


def test_cut_held_locks_nothing(ready):
    tie_file()
    ready("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    before = db_hash()
    result = ready("cut", "rec1", "--json")
    assert result.exit_code == 1
    assert error_line(result) == ("error: stage rec1: nothing locked, 1 post held: P01 tied (李娜 (C03), "
                                  "王芳 (C04) for 1 place: --resolve P01=ID) — give the decision with --reason \"…\"")
    view = js(result)
    assert view["state"] == "tallied"
    p01, p02 = view["posts"]
    assert (p01["status"], p01["advanced"]) == ("tied", None)
    assert p01["tie"] == {"score": "1/4", "tied": ["C03", "C04"], "slots": 1}
    assert [(r["candidate"], r["rank"]) for r in p01["results"]] == [("C01", 1), ("C03", 2), ("C04", 2)]
    assert (p02["status"], p02["advanced"]) == ("ok", None)
    assert db_hash() == before
    assert js(ready("status", "--json"))["stages"][1]["state"] == "waiting"


def test_cut_resolve_with_reason(ready):
    tie_file()
    ready("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    no_reason = ready("cut", "rec1", "--resolve", "P01=C04")
    assert no_reason.exit_code == 2 and "give --reason" in error_line(no_reason)
    wrong = ready("cut", "rec1", "--resolve", "P01=C01", "--reason", "常委会决定")
    assert wrong.exit_code == 1
    assert error_line(wrong) == ("error: --resolve P01: choose exactly 1 of the tied C03, C04 (got C01), or the "
                                 "whole shortlist: C01 and 1 of C03, C04")
    not_tied = ready("cut", "rec1", "--resolve", "P02=C05", "--reason", "x")
    assert not_tied.exit_code == 1 and "P02 is not tied at the cut line" in error_line(not_tied)
    unknown = ready("cut", "rec1", "--resolve", "P09=C05", "--reason", "x")
    assert unknown.exit_code == 1 and "no post 'P09'" in error_line(unknown)
    malformed = ready("cut", "rec1", "--resolve", "P01", "--reason", "x")
    assert malformed.exit_code == 2 and "--resolve expects POST=ID[,ID…]" in error_line(malformed)
    short = ready("cut", "rec1", "--accept-short", "P01", "--reason", "x")
    assert short.exit_code == 1 and "P01 is not short" in error_line(short)
    done = ready("cut", "rec1", "--resolve", "P01=C04", "--reason", "常委会2026-03-02决定", "--json")
    assert done.exit_code == 0, done.stderr
    p01 = js(done)["posts"][0]
    assert (p01["status"], p01["advanced"]) == ("ok", ["C01", "C04"])
    assert p01["decision"] == {"kind": "resolved", "chosen": ["C04"], "reason": "常委会2026-03-02决定"}
    event = json.loads(events("cut")[0][2])
    assert event["reason"] == "常委会2026-03-02决定" and event["resolve"] == {"P01": ["C04"]}
    again = ready("cut", "rec1")
    assert again.exit_code == 1 and "already locked" in error_line(again)
    late = ready("tally", "rec1", "rec1.csv")
    assert late.exit_code == 1 and "cut is locked" in error_line(late)


def test_cut_shortfall(round_file, run):
    good_round(round_file.parent, {'ratio = "1:2"': 'ratio = "1:4"'})
    run("init", round_file)
    tie_file()
    run("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    held = run("cut", "rec1", "--json")
    assert held.exit_code == 1
    assert [(p["status"], p["advanced"]) for p in js(held)["posts"]] == [("short", None), ("short", None)]
    assert "P01 short (3 eligible for 4: --accept-short P01)" in error_line(held)
    one = run("cut", "rec1", "--accept-short", "P01", "--reason", "符合条件人选不足")
    assert one.exit_code == 1 and "1 post held: P02 short" in error_line(one)
    both = run("cut", "rec1", "--accept-short", "P01", "--accept-short", "P02", "--reason", "符合条件人选不足",
               "--json")
    assert both.exit_code == 0
    assert [(p["status"], p["advanced"], p["decision"]["kind"]) for p in js(both)["posts"]] == [
        ("short", ["C01", "C03", "C04"], "accepted-short"), ("short", ["C02", "C05"], "accepted-short")]


def test_lot_is_drawn_from_the_seed(round_file, run):
    good_round(round_file.parent, {'ratio = "1:2"': 'ratio = "1:2"\nties = "lot"'})
    run("init", round_file)
    tie_file()
    run("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    result = run("cut", "rec1", "--json")
    assert result.exit_code == 0
    p01 = js(result)["posts"][0]
    assert p01["lot"]["seed"] == "2026-03-01 公开种子/rec1/P01"
    import random
    drawn = random.Random("2026-03-01 公开种子/rec1/P01").sample(["C03", "C04"], 1)
    assert p01["lot"]["drawn"] == drawn and p01["advanced"] == ["C01", *drawn]
    assert json.loads(events("cut")[0][2])["tie_seed"] == "2026-03-01 公开种子"
    shown = " ".join(run("show", "rec1").stdout.split())
    names = {"C03": "李娜", "C04": "王芳"}
    assert f"lot seed '2026-03-01 公开种子/rec1/P01' drew {names[drawn[0]]} ({drawn[0]})" in shown
    assert '(a local practice: ties = "lot" in the round file)' in shown  # issue 12.2: lot is local practice


# -- exit codes -----------------------------------------------------------------------------

def test_exit_codes(ready):
    assert ready("status").exit_code == 0
    assert ready("show", "nope").exit_code == 1
    assert "no stage 'nope'" in error_line(ready("show", "nope"))
    assert ready("tally", "rec1", "missing.csv", "--present", "20", "--issued", "20").exit_code == 1
    assert ready("tally", "rec1", "rec1.csv", "--layout", "tall").exit_code == 2
    assert ready("tally", "rec1", "rec1.csv", "--present", "-1", "--issued", "1").exit_code == 2
    assert ready("frobnicate").exit_code == 2
    waiting = ready("show", "vote1")
    assert waiting.exit_code == 1
    assert error_line(waiting) == ("error: stage vote1 takes its candidates from stage rec1, whose shortlist "
                                   "is not locked yet: run `selector cut rec1`")
    assert ready("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8").exit_code == 1


def test_empty_database(run):
    from selector.storage.store import Store

    store = Store("selector.db", create=True)
    with store.write():
        pass  # the first commit gives the new database its name
    store.close()
    result = run("status")
    assert result.exit_code == 1 and "holds no round yet" in error_line(result)


# -- file options and pass bases ---------------------------------------------------------------

def test_encoding_and_sheet_options(ready):
    from support import write_xlsx

    rows = rows_of((GOOD / "rec1.csv").read_text("utf-8"))
    write_csv(Path("gbk.csv"), rows, "gb18030")
    forced = ready("tally", "rec1", "gbk.csv", "--encoding", "utf-8", "--present", "20", "--issued", "20")
    assert forced.exit_code == 1 and "gbk.csv: line 1: bytes that are not valid utf-8" in error_line(forced)
    write_xlsx(Path("book.xlsx"), rows, sheet="选票", before=["封面"])
    first = ready("tally", "rec1", "book.xlsx", "--present", "20", "--issued", "20")
    assert first.exit_code == 1 and "book.xlsx: 2 visible sheets hold data (封面, 选票)" in error_line(first)
    views = []
    for args in (["gbk.csv", "--encoding", "gb18030"], ["book.xlsx", "--sheet", "选票"], ["gbk.csv"],
                 [str(GOOD / "rec1.xlsx")], [str(GOOD / "rec1.gb18030.csv")]):
        result = ready("tally", "rec1", *args, "--present", "20", "--issued", "20", "--dry-run", "--json")
        assert result.exit_code == 0, result.stderr
        views.append(js(result)["posts"])
    assert all(v == views[0] for v in views)
    assert views[0][0]["results"][0]["share"] == "7/13"


VOTE7 = [["ballot", "张伟(审计)", "王芳", "刘洋", "张伟(统计)", "void"],
         ["1", "同意", "不同意", "同意", "不同意", ""], ["2", "同意", "不同意", "同意", "不同意", ""],
         ["3", "同意", "同意", "同意", "不同意", ""], ["4", "同意", "同意", "不同意", "同意", ""],
         ["5", "不同意", "同意", "同意", "不同意", ""], ["6", "同意", "不同意", "不同意", "不同意", ""],
         ["7", "同意", "同意", "同意", "同意", "做记号"]]


@pytest.mark.parametrize("base, of, votes, passed", [
    ("members", 9, 5, {"C01": True, "C04": False, "C05": False, "C02": False}),
    ("present", 7, 4, {"C01": True, "C04": False, "C05": True, "C02": False}),
    ("valid", 6, 4, {"C01": True, "C04": False, "C05": True, "C02": False}),
])
def test_pass_base(run, round_file, base, of, votes, passed):
    good_round(round_file.parent, {'pass_base = "members"': f'pass_base = "{base}"'})
    shutil.copy(GOOD / "rec1.csv", "rec1.csv")
    run("init", round_file)
    run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20")
    run("cut", "rec1")
    write_csv(Path("v7.csv"), VOTE7)
    # 7 present of 9 members meets ">= 2/3" (6); ballot 7 is void, so 6 are valid
    assert run("tally", "vote1", "v7.csv", "--present", "7", "--issued", "7").exit_code == 0
    posts = js(run("show", "vote1", "--json"))["posts"]
    assert {p["post"]: p["pass_line"]["of"] for p in posts} == {"P01": of, "P02": of}
    assert {p["pass_line"]["votes"] for p in posts} == {votes}
    yes = {r["candidate"]: r["yes"] for p in posts for r in p["results"]}
    assert yes == {"C01": 5, "C04": 3, "C05": 4, "C02": 1}
    assert {r["candidate"]: r["passed"] for p in posts for r in p["results"]} == passed
    locked = js(run("cut", "vote1", "--json"))["posts"]
    assert [(p["status"], p["advanced"]) for p in locked] == [
        ("ok", ["C01"]), ("ok", ["C05"]) if passed["C05"] else ("unfilled", [])]


def test_a_bad_file_refuses_the_whole_command(ready):
    split_rec1()
    before = db_hash()
    bad = BAD / "unknown-category.csv"
    result = ready("tally", "rec1", "a.csv", bad, "--present", "20", "--issued", "20")
    assert result.exit_code == 1 and f"error: {bad}: row 3, column 2 (category)" in error_line(result)
    assert db_hash() == before
    assert js(ready("status", "--json"))["stages"][0]["batches"] == 0
    both = ready("tally", "rec1", "a.csv", "b.csv", "--present", "20", "--issued", "20", "--json")
    assert both.exit_code == 0
    assert [b["ballots"] for b in js(both)["batches"]] == [6, 6]
    assert js(ready("status", "--json"))["stages"][0]["batches"] == 2


def test_operator_is_recorded(run, round_file):
    assert run("--by", "李四", "init", round_file).exit_code == 0
    conn = sqlite3.connect(os.environ["SELECTOR_DB"])
    assert conn.execute("SELECT operator, command FROM events").fetchall() == [("李四", "init")]
    conn.close()


def test_reduced_fraction_strings():
    from fractions import Fraction

    from selector.service.views import frac

    assert [frac(Fraction(50, 78)), frac(Fraction(3, 3)), frac(0), frac(Fraction(0, 5))] == ["25/39", "1", "0", "0"]


def test_a_mistyped_database_path_is_not_created(run, tmp_path):
    result = run("--db", tmp_path / "typo.db", "status")
    assert result.exit_code == 1
    assert "no database at" in result.stderr and "selector init" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_a_stage_not_yet_tallied_has_no_status(ready):
    view = js(ready("show", "rec1", "--json"))
    assert view["state"] == "ready"
    assert [(p["status"], p["advanced"], p["results"]) for p in view["posts"]] == [(None, None, [])] * 2
    text = ready("show", "rec1").stdout
    assert "attendance not given yet" in text and "None" not in text


def test_a_recommendation_over_the_roster_lists_only_people_with_votes(ready):
    assert ready("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    view = js(ready("show", "rec1", "--json"))
    listed = {p["post"]: {r["candidate"] for r in p["results"]} for p in view["posts"]}
    # C03 李娜 may stand for either post; rec1.csv marks her for P01 only, so P02 leaves her out
    assert "C03" in listed["P01"] and "C03" not in listed["P02"]
    assert all(r["votes"] > 0 for p in view["posts"] for r in p["results"])


def test_the_record_names_ballot_files_not_the_clerks_folders(ready, tmp_path):
    (tmp_path / "第一计票组").mkdir()
    (tmp_path / "第二计票组").mkdir()
    rows = Path("rec1.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "第一计票组" / "rec1.csv").write_text("\n".join(rows[:7]) + "\n", encoding="utf-8")
    (tmp_path / "第二计票组" / "rec1.csv").write_text("\n".join(rows[:1] + rows[7:]) + "\n",
                                                  encoding="utf-8")
    first = ready("tally", "rec1", tmp_path / "第一计票组" / "rec1.csv", "--present", "20", "--issued", "20")
    assert first.exit_code == 0, first.stderr
    tally = [e for e in json.loads(ready("audit", "log", "--json").stdout)["events"] if e["command"] == "tally"]
    assert [b["file"] for b in tally[0]["details"]["batches"]] == ["rec1.csv"]
    assert list(tally[0]["files"]) == ["rec1.csv"]
    # a second, different file of the same name would be indistinguishable in the record
    second = ready("tally", "rec1", tmp_path / "第二计票组" / "rec1.csv")
    assert second.exit_code == 1
    assert "another file named rec1.csv was already tallied for stage rec1; rename this one" in error_line(second)
    folder = ready("tally", "rec1", tmp_path / "第二计票组")
    assert folder.exit_code == 1 and error_line(folder).endswith("第二计票组: is a folder, not a ballot file")


def test_a_large_file_reports_its_progress_up_to_the_whole_file(ready, round_file):
    from selector.service.rounds import OpenRound
    from selector.service.stages.ballots import BallotStage
    from selector.storage.store import Store

    big_round = round_file.read_text(encoding="utf-8").replace('id = "demo-2026"', 'id = "province"')
    big_round = big_round.replace("electorate = 30\n", "electorate = 30000\n")
    round_file.with_name("province.toml").write_text(big_round, encoding="utf-8")
    assert ready("init", round_file.with_name("province.toml")).exit_code == 0
    header, *rows = Path("rec1.csv").read_text(encoding="utf-8").splitlines()
    body = [",".join([str(n), *row.split(",")[1:]]) for n in range(1, 20_001)
            for row in rows[n % len(rows):n % len(rows) + 1]]
    Path("big.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    handler = OpenRound(Store("selector.db"), "province", "tester").expect("rec1", BallotStage)
    handler.tally([Path("big.csv")], present=20_000, issued=20_000, dry_run=True,
                  progress=lambda done, total: seen.append((done, total)))
    size = Path("big.csv").stat().st_size
    assert len(seen) > 2 and all(total == size for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and seen[-1][0] == size


def test_names_that_look_like_markup_print_as_written(run, tmp_path):
    """Neither Rich markup nor emoji codes: "[bold]" and ":x:" in a label print as written."""
    path = good_round(tmp_path)
    roster = (tmp_path / "roster.csv").read_text(encoding="utf-8").replace("王芳,,", "王芳,王芳[bold]:x:,")
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    assert run("init", path).exit_code == 0
    shutil.copy(GOOD / "rec1.csv", "rec1.csv")
    assert run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    assert "王芳[bold]:x:" in run("show", "rec1").stdout


def test_export_choices_are_the_services():
    """`export --doc/--format` list their choices without importing the service (a quick start);
    the lists must stay the ones the service makes, or a document would be offered and refused."""
    from selector.cli.exports import Doc, Format
    from selector.service.exporting import DOCS, FORMATS

    assert tuple(d.value for d in Doc) == DOCS
    assert tuple(f.value for f in Format) == FORMATS



def test_papers_choices_are_the_services():
    """`papers --format/--serials` likewise: the formats and the most serial numbers the service makes."""
    import inspect

    from selector.cli.papers import PaperFormat, papers
    from selector.service.papers import FORMATS, MAX_SERIALS

    assert tuple(f.value for f in PaperFormat) == FORMATS
    assert inspect.signature(papers).parameters["serials"].default.max == MAX_SERIALS
