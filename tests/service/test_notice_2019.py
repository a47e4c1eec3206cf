"""Notices as the 2019 条例 runs them (issue 12.4–12.6), through the CLI: working days where the
official calendar has no schedule yet, closing after the whole last day, late complaints,
appointments with their 试用期, and a recommendation result that has expired."""

from __future__ import annotations

import json

from stagehelp import ROUND, events, post, show, voted
from test_notice_stage import epoch

SCHEDULE_2027 = '''
# the test's own 2027 schedule: 元旦 the only holiday near the period, no make-up day
[calendar.2027]
holidays = ["2027-01-01"]
'''


def amend(run, tmp_path, replace: dict | None = None, append: str = "") -> None:
    """Change the round file (a copy of the inspect round) and store it as an amendment."""
    text = ROUND.read_text("utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "round.toml"
    path.write_text(text + append, "utf-8")
    r = run("init", path, "--reason", "补充2027年节假日安排和职位类别")
    assert r.exit_code == 0, r.stderr


def test_a_notice_into_2027_is_refused_without_its_schedule_and_counted_with_one(run, tmp_path):
    voted(run, tmp_path)
    r = run("notice", "notice", "open", "--start", "2026-12-30")
    assert r.exit_code == 1
    line = r.stderr.strip()
    assert line.startswith("error: the notice notice cannot be counted: the official holiday schedule of 2027 is "
                           "not known (chinesecalendar ")
    assert "statutory holidays in the period (to 2027-01-06 without make-up days): 2027-01-01 元旦." in line
    assert "[calendar.2027]" in line and "selector notice notice open --start DATE --end DATE --reason" in line
    assert show(run, "notice")["state"] == "ready" and "notice open" not in [e[0] for e in events(tmp_path)]

    amend(run, tmp_path, append=SCHEDULE_2027)
    r = run("notice", "notice", "open", "--start", "2026-12-30", "--json")
    assert r.exit_code == 0, r.stderr
    n = json.loads(r.stdout)["notice"]
    # Wed 12-30, Thu 12-31, (元旦 Fri 1-1), Mon 1-4, Tue 1-5, Wed 1-6: 2027-01-01 is not counted
    assert (n["start"], n["end"]) == ("2026-12-30", "2027-01-06")
    assert n["calendar"].endswith("; 2027: round file") and n["warning"] is None
    doc = run("export", "notice", "--doc", "notice").stdout
    assert "公示时间：2026年12月30日至2027年1月6日" in doc
    # the record keeps the source in English; the sheet and the screen word it in their language
    package = n["calendar"].split("; ")[0]
    assert f"公示期按工作日计算（法定节假日和调休依据：{package}；2027年：选拔方案文件）" in doc
    assert "round file" not in doc
    def screen(*lang):  # the screen's text without the spaces and line breaks it wraps at
        return "".join(run(*lang, "show", "notice").stdout.split())
    assert "(2004–2026);2027:theroundfile)" in screen()
    assert "(2004–2026)；2027年：选拔方案文件）" in screen("--lang", "zh-CN")
    assert run("audit", "verify").exit_code == 0


def test_a_year_the_official_calendar_has_is_counted_on_it(run, tmp_path):
    voted(run, tmp_path)
    amend(run, tmp_path, append='[calendar.2026]\nholidays = ["2026-09-29"]\n')  # not the State Council's
    n = json.loads(run("notice", "notice", "open", "--start", "2026-09-29", "--json").stdout)["notice"]
    assert n["end"] == "2026-10-10" and ";" not in n["calendar"]


def test_late_complaints_are_recorded_as_late_and_future_ones_refused(run, tmp_path, monkeypatch):
    voted(run, tmp_path)
    run("notice", "notice", "open", "--start", "2026-04-30")  # ends 2026-05-09; today is 2026-05-29
    r = run("notice", "notice", "complaint", "--received", "2026-05-30", "--candidate", "张伟",
            "--summary", "反映问题", "--named")
    assert r.exit_code == 1 and "--received 2026-05-30 is in the future (today is 2026-05-29)" in r.stderr
    r = run("notice", "notice", "complaint", "--received", "2026-05-11", "--candidate", "张伟",
            "--summary", "来信反映其配偶经商", "--named")
    assert r.exit_code == 0, r.stderr
    r = run("notice", "notice", "complaint", "--received", "2026-05-09", "--candidate", "杨军",
            "--summary", "电话反映工作作风问题", "--anonymous")
    complaints = show(run, "notice")["notice"]["complaints"]
    assert [c.get("late") for c in complaints] == [True, None]
    assert [e[2].get("late") for e in events(tmp_path) if e[0] == "complaint"] == [True, None]
    text = run("show", "notice").stdout
    assert "2026-05-11 (late)" in text and "2026-05-09 (late)" not in text
    r = run("notice", "notice", "resolve", "1", "--outcome", "postpone", "--note", "配偶经商情况正在核实")
    assert r.exit_code == 0, r.stderr
    record = run("export", "notice", "--doc", "record").stdout  # the 纪实 sheet says so too
    assert ("反映 1：张伟，来信反映其配偶经商（2026年5月11日收到，公示期已过）；核查结论：暂缓任用。"
            "配偶经商情况正在核实") in record
    assert "反映 2：杨军，电话反映工作作风问题；核查结论：尚在核查。" in record
    assert run("audit", "verify").exit_code == 0


def test_close_records_the_appointment_and_the_probation_of_appointed_posts(run, tmp_path, monkeypatch):
    voted(run, tmp_path)
    amend(run, tmp_path, {'title = "统计局局长"': 'title = "统计局局长"\nappointment = "elected"'})
    run("notice", "notice", "open", "--start", "2026-04-30")  # ends 2026-05-09
    for day, why in (("2026-05-09", "an appointment follows the notice (after 2026-05-09)"),
                     ("2026-05-30", "not in the future (today is 2026-05-29)")):
        r = run("notice", "notice", "close", "--appointed", day)
        assert r.exit_code == 1 and why in r.stderr, r.stderr
    r = run("notice", "notice", "close", "--appointed", "2026-05-20", "--json")
    assert r.exit_code == 0, r.stderr
    made = json.loads(r.stdout)["notice"]["appointments"]
    assert made == [
        {"post": "P01", "candidate": "C01", "appointed": "2026-05-20", "probation_until": "2027-05-19", "name": "张伟"},
        {"post": "P02", "candidate": "C06", "appointed": "2026-05-20", "probation_until": None, "name": "杨军"}]
    status = run("status")
    assert "notice: P01 张伟 appointed 2026-05-20 · probation (试用期) until 2027-05-19" in status.stdout
    assert "notice: P02 杨军 recommended or nominated for election 2026-05-20 · elected post, no probation" in status.stdout
    stages = json.loads(run("status", "--json").stdout)["stages"]
    assert stages[3]["appointees"][0]["probation_until"] == "2027-05-19"
    closing = [e for e in events(tmp_path) if e[0] == "notice close"][-1][2]
    assert closing["appointments"][0]["appointed"] == "2026-05-20" and closing["after_end"] is True
    assert run("audit", "verify").exit_code == 0


def test_probation_is_configurable_and_defaults_to_the_closing_day(run, tmp_path):
    voted(run, tmp_path)
    amend(run, tmp_path, {'working_days = 5': 'working_days = 5\nprobation_months = 6'})
    run("notice", "notice", "open", "--start", "2026-04-30")
    view = json.loads(run("notice", "notice", "close", "--json").stdout)
    assert [(a["appointed"], a["probation_until"]) for a in view["notice"]["appointments"]] == [
        ("2026-05-29", "2026-11-28"), ("2026-05-29", "2026-11-28")]
    assert post(view, "P01")["advanced"] == ["C01"]


def test_audit_verify_finds_an_edited_probation(run, tmp_path):
    import sqlite3

    voted(run, tmp_path)
    run("notice", "notice", "open", "--start", "2026-04-30")
    assert run("notice", "notice", "close", "--appointed", "2026-05-20").exit_code == 0
    conn = sqlite3.connect(tmp_path / "selector.db")
    conn.execute("UPDATE appointments SET probation_until = '2026-11-19' WHERE candidate = 'C01'")
    conn.commit()
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3 and "table appointments" in r.stdout + r.stderr


def test_a_recommendation_serves_one_year_from_its_lock(run, tmp_path, monkeypatch):
    from stagehelp import inspected

    inspected(run, tmp_path)  # rec1 locked 2026-05-29 (Beijing time)
    rows = [[f"{i:02d}", "张伟", "杨军"] for i in range(1, 10)]
    from support import write_csv

    ballots = write_csv(tmp_path / "vote1.csv", [["票号", "审计局局长", "统计局局长"], *rows], "gb18030")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-05-29"))
    r = run("tally", "vote1", ballots, "--present", "9", "--issued", "9")
    assert r.exit_code == 1
    assert ("stage vote1: the recommendation of stage rec1 (locked 2026-05-29) was valid until 2027-05-28 and has "
            "expired (12 months, round.recommendation_valid_months)") in r.stderr
    assert "tally" not in [e[0] for e in events(tmp_path)][-1:]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-05-28"))
    r = run("tally", "vote1", ballots, "--present", "9", "--issued", "9")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-06-01"))
    r = run("cut", "vote1")
    assert r.exit_code == 1 and "valid until 2027-05-28 and has expired" in r.stderr


def test_a_reopened_notice_records_its_appointments_again(run, tmp_path):
    voted(run, tmp_path)
    run("notice", "notice", "open", "--start", "2026-04-30")
    assert run("notice", "notice", "close", "--appointed", "2026-05-20").exit_code == 0
    r = run("cut", "notice", "--reopen", "--reason", "任职日期登记有误")
    assert r.exit_code == 0, r.stderr
    assert "appointments" not in show(run, "notice")["notice"]
    assert "appointees" not in json.loads(run("status", "--json").stdout)["stages"][3]
    assert run("notice", "notice", "close", "--appointed", "2026-05-18").exit_code == 0
    made = show(run, "notice")["notice"]["appointments"]
    assert {(a["appointed"], a["probation_until"]) for a in made} == {("2026-05-18", "2027-05-17")}
    assert run("audit", "verify").exit_code == 0
