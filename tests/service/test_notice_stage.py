"""`selector notice STAGE open|complaint|resolve|close`, through the CLI."""

import json
from datetime import datetime, timezone

from stagehelp import events, post, show, voted


def epoch(day: str) -> str:
    """SOURCE_DATE_EPOCH for noon, Beijing time, of `day`."""
    moment = datetime.fromisoformat(f"{day}T04:00:00").replace(tzinfo=timezone.utc)
    return str(int(moment.timestamp()))


def test_open_fixes_the_end_date_across_national_day(run, tmp_path):
    voted(run, tmp_path)
    assert json.loads(run("status", "--json").stdout)["stages"][3]["next"].startswith(
        "selector notice notice open")
    r = run("notice", "notice", "open", "--start", "2026-09-29", "--json")
    assert r.exit_code == 0, r.stderr
    view = json.loads(r.stdout)
    assert view["notice"]["start"] == "2026-09-29" and view["notice"]["end"] == "2026-10-10"
    assert view["notice"]["complaints"] == [] and view["warnings"] == []
    assert [r["candidate"] for p in view["posts"] for r in p["results"]] == ["C01", "C06"]
    r = run("notice", "notice", "open", "--start", "2026-10-08")
    assert r.exit_code == 1 and "already open" in r.stderr
    opened = [e for e in events(tmp_path) if e[0] == "notice open"]
    assert opened[0][2]["end"] == "2026-10-10" and opened[0][2]["candidates"] == {"P01": ["C01"], "P02": ["C06"]}


def test_close_is_refused_until_the_whole_last_day_has_passed(run, tmp_path, monkeypatch):
    voted(run, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-09-29"))
    run("notice", "notice", "open", "--start", "2026-09-29")
    for day in ("2026-10-09", "2026-10-10"):  # the last day itself is still part of the notice
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(day))
        r = run("notice", "notice", "close")
        assert r.exit_code == 1 and f"runs until 2026-10-10 (today is {day})" in r.stderr
    assert show(run, "notice")["state"] == "open"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-10-11"))
    r = run("notice", "notice", "close", "--json")
    assert r.exit_code == 0, r.stderr
    view = json.loads(r.stdout)
    assert view["state"] == "locked"
    assert post(view, "P01")["advanced"] == ["C01"] and post(view, "P02")["advanced"] == ["C06"]
    assert "every stage is locked" in run("status").stdout


def test_a_serious_complaint_leaves_the_post_unfilled(run, tmp_path):
    voted(run, tmp_path)
    run("notice", "notice", "open", "--start", "2026-04-30")  # ends Saturday 2026-05-09 (make-up day)
    r = run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", "张伟",
            "--summary", "反映其在原单位违规发放津补贴", "--named")
    assert r.exit_code == 0, r.stderr
    assert "complaint #1 logged" in r.stdout
    r = run("notice", "notice", "close")
    assert r.exit_code == 1 and "1 complaint still open: #1 (张伟)" in r.stderr
    r = run("--lang", "zh-CN", "notice", "notice", "resolve", "1", "--outcome", "serious",
            "--note", "经核查基本属实，不予任用")
    assert r.exit_code == 0, r.stderr
    assert "第 1 件反映：问题严重" in r.stdout  # the outcome in words, not the option's value
    r = run("notice", "notice", "close", "--json")
    assert r.exit_code == 0, r.stderr
    view = json.loads(r.stdout)
    p01 = post(view, "P01")
    assert p01["status"] == "unfilled" and p01["advanced"] == []
    assert p01["results"][0]["outcome"] == "dropped"
    assert view["notice"]["complaints"] == [{
        "number": 1, "candidate": "C01", "name": "张伟", "received": "2026-05-06",
        "summary": "反映其在原单位违规发放津补贴", "named": True, "outcome": "serious",
        "note": "经核查基本属实，不予任用", "until": None}]
    text = run("show", "notice").stdout
    assert "UNFILLED" in text and "DROPPED" in text
    commands = [e[0] for e in events(tmp_path)]
    assert commands[-3:] == ["complaint", "complaint resolved", "notice close"]


def test_postpone_holds_the_appointee_up_to_three_months(run, tmp_path):
    voted(run, tmp_path)
    run("notice", "notice", "open", "--start", "2026-04-30")
    run("notice", "notice", "complaint", "--received", "2026-05-07", "--candidate", "C06",
        "--summary", "匿名反映个人事项报告不实", "--anonymous")
    r = run("notice", "notice", "resolve", "1", "--outcome", "postpone", "--note", "待核实",
            "--until", "2026-09-01")
    assert r.exit_code == 1 and "at most three months after the notice ends (2026-08-09)" in r.stderr
    r = run("notice", "notice", "resolve", "1", "--outcome", "postpone", "--note", "需进一步核实")
    assert r.exit_code == 0, r.stderr
    r = run("notice", "notice", "resolve", "1", "--outcome", "unfounded", "--note", "改")
    assert r.exit_code == 1 and "already closed (postpone)" in r.stderr
    view = json.loads(run("notice", "notice", "close", "--json").stdout)
    p02 = post(view, "P02")
    assert p02["status"] == "pending" and p02["advanced"] == []
    assert p02["pending"] == [{"candidate": "C06", "until": "2026-08-09"}]
    assert post(view, "P01")["advanced"] == ["C01"]


def test_complaints_are_checked(run, tmp_path):
    voted(run, tmp_path)
    r = run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", "张伟",
            "--summary", "x", "--named")
    assert r.exit_code == 1 and "not open yet" in r.stderr
    run("notice", "notice", "open", "--start", "2026-04-30")
    r = run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", "王芳",
            "--summary", "反映问题", "--named")
    assert r.exit_code == 1 and "not on the notice" in r.stderr
    r = run("notice", "notice", "complaint", "--received", "2026-04-29", "--candidate", "张伟",
            "--summary", "反映问题", "--named")
    assert r.exit_code == 1 and "before the notice opened" in r.stderr
    r = run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", "张伟",
            "--summary", "反映问题")
    assert r.exit_code == 2 and "--named or --anonymous" in r.stderr
    r = run("notice", "notice", "resolve", "1", "--outcome", "unfounded", "--note", "无")
    assert r.exit_code == 1 and "no complaint #1" in r.stderr
    r = run("notice", "notice", "resolve", "1", "--outcome", "dismissed", "--note", "无")
    assert r.exit_code == 2
    r = run("notice", "notice", "open", "--start", "2026-13-01")
    assert r.exit_code == 2 and "expected a date like" in r.stderr
    assert show(run, "notice")["notice"]["complaints"] == []


def test_outside_the_calendar_years_no_guess_but_an_end_date_given_with_its_reason(run, tmp_path):
    voted(run, tmp_path)
    r = run("notice", "notice", "open", "--start", "2099-01-05")  # a Monday
    assert r.exit_code == 1
    assert "the official holiday schedule of 2099 is not known" in r.stderr
    assert "[calendar.2099]" in r.stderr and "--end DATE --reason" in r.stderr
    assert show(run, "notice")["state"] == "ready"
    r = run("notice", "notice", "open", "--start", "2099-01-05", "--end", "2099-01-09")
    assert r.exit_code == 2 and "--reason" in r.stderr
    r = run("notice", "notice", "open", "--start", "2099-01-05", "--end", "2099-01-04", "--reason", "x")
    assert r.exit_code == 1 and "--end 2099-01-04 is before --start 2099-01-05" in r.stderr
    r = run("notice", "notice", "open", "--start", "2099-01-05", "--end", "2099-01-12",
            "--reason", "按国务院办公厅2099年节假日安排通知计算")
    assert r.exit_code == 0, r.stderr
    n = show(run, "notice")["notice"]
    assert (n["end"], n["warning"]) == ("2099-01-12", None)
    assert n["end_reason"] == "按国务院办公厅2099年节假日安排通知计算"
    assert n["calendar"].endswith("; end date given by the clerk")
    assert "end date given by the clerk: 按国务院办公厅" in run("show", "notice").stdout
    assert run("audit", "verify").exit_code == 0


def test_an_end_date_given_may_not_shorten_a_period_the_calendar_counts(run, tmp_path):
    voted(run, tmp_path)
    r = run("notice", "notice", "open", "--start", "2026-09-29", "--end", "2026-10-09", "--reason", "提前")
    assert r.exit_code == 1 and "lasts 5 working days, which end on 2026-10-10" in r.stderr
    r = run("notice", "notice", "open", "--start", "2026-09-29", "--end", "2026-10-12", "--reason", "延长至周一")
    assert r.exit_code == 0, r.stderr


def test_notice_waits_for_the_appointees_and_has_no_cut(run, tmp_path):
    from stagehelp import inspected

    inspected(run, tmp_path)
    r = run("notice", "notice", "open", "--start", "2026-04-30")
    assert r.exit_code == 1 and "run `selector cut vote1`" in r.stderr
    assert show(run, "notice")["state"] == "waiting"
    r = run("cut", "notice")
    assert r.exit_code == 2 and "notice notice close" in r.stderr


def test_status_points_at_the_open_complaint_then_at_close(run, tmp_path):
    voted(run, tmp_path)
    run("notice", "notice", "open", "--start", "2026-04-30")
    run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", "C06",
        "--summary", "反映其学历造假", "--anonymous")
    stage = json.loads(run("status", "--json").stdout)["stages"][3]
    assert stage["state"] == "open" and stage["complaints"] == 1
    assert stage["next"].startswith("selector notice notice resolve 1 --outcome")
    run("notice", "notice", "resolve", "1", "--outcome", "minor", "--note", "经核查，学历真实，提醒其如实填报")
    stage = json.loads(run("status", "--json").stdout)["stages"][3]
    assert stage["next"] == "selector notice notice close (once 2026-05-09 has passed)"
    view = json.loads(run("notice", "notice", "close", "--json").stdout)
    assert post(view, "P02")["advanced"] == ["C06"] and post(view, "P02")["status"] == "ok"
