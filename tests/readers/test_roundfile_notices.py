"""Round-file keys of issues 11.9 and 12: post kinds, the two kinds of notice, 试用期, how long a
recommendation serves, and each year's official holiday schedule (`[calendar.YYYY]`, in the
round file or a calendar file kept next to it)."""

from __future__ import annotations

from datetime import date

import pytest

from selector.errors import ConfigError
from selector.readers import roundfile
from support import good_round

NOTICE = '''
[[stage]]
id = "notice"
kind = "notice"
title = "任前公示"
'''


def load(tmp_path, replace=None, append=""):
    return roundfile.load(good_round(tmp_path, replace, append))[:2]


def refusal(tmp_path, replace=None, append="") -> str:
    with pytest.raises(ConfigError) as e:
        load(tmp_path, replace, append)
    return e.value.message


def test_post_kinds_and_their_defaults(tmp_path):
    r, _ = load(tmp_path, {'title = "统计局副局长"': 'title = "统计局副局长"\nlevel = "副职"\nappointment = "elected"\n'
                                                  'nomination = "提名"'})
    p01, p02 = r.posts
    assert (p01.level, p01.appointment, p01.elected) == (None, "appointed", False)
    assert (p02.level, p02.appointment, p02.nomination, p02.elected) == ("副职", "elected", "提名", True)
    r, _ = load(tmp_path, {'title = "审计局局长"': 'title = "审计局局长"\nlevel = "正职"\nappointment = "elected"'})
    assert (r.posts[0].level, r.posts[0].nomination) == ("正职", "推荐")


def test_post_kinds_are_stored_with_the_round(tmp_path):
    r, sources = load(tmp_path, {'title = "审计局局长"': 'title = "审计局局长"\nappointment = "elected"'})
    assert roundfile.from_sources("round.toml", sources).posts[0].elected


@pytest.mark.parametrize("replace, message", [
    ('level = "局长"', 'post[0].level: expected one of 正职 | 副职, got "局长"'),
    ('appointment = "选任"', 'post[0].appointment: expected one of appointed | elected, got "选任"'),
    ('nomination = "提名"', 'post[0].nomination: only for an elected post (appointment = "elected")'),
    ('appointment = "elected"\nnomination = "选举"', 'post[0].nomination: expected one of 推荐 | 提名, got "选举"'),
])
def test_post_kind_refusals(tmp_path, replace, message):
    assert refusal(tmp_path, {'title = "审计局局长"': 'title = "审计局局长"\n' + replace}).endswith(message)


def test_notice_kinds_and_probation(tmp_path):
    r, _ = load(tmp_path, append=NOTICE)
    assert (r.stages[-1].of, r.stages[-1].probation_months) == ("appointment", 12)
    r, _ = load(tmp_path, append=NOTICE + 'probation_months = 6\n')
    assert r.stages[-1].probation_months == 6
    assert refusal(tmp_path, append=NOTICE + 'of = "考察"\n').endswith(
        'stage[2].of: expected one of inspection | appointment, got "考察"')
    assert refusal(tmp_path, append=NOTICE + 'of = "inspection"\n').endswith(
        'stage[2].of: a notice of the 考察对象 (of = "inspection") comes before an inspect stage: none follows it')
    assert refusal(tmp_path, append=NOTICE + 'of = "inspection"\nprobation_months = 12\n'
                   '[[stage]]\nid = "inspect"\nkind = "inspect"\ntitle = "考察"\n').endswith(
        'stage[2].probation_months: a 试用期 follows an appointment: only with of = "appointment"')
    r, _ = load(tmp_path, append=NOTICE.replace("任前公示", "考察对象公示") + 'of = "inspection"\n'
                '[[stage]]\nid = "inspect"\nkind = "inspect"\ntitle = "考察"\n')
    assert r.stages[2].of == "inspection"


def test_recommendation_validity(tmp_path):
    r, _ = load(tmp_path)
    assert r.recommendation_valid_months == 12
    r, _ = load(tmp_path, {'roster = "roster.csv"': 'roster = "roster.csv"\nrecommendation_valid_months = 6'})
    assert r.recommendation_valid_months == 6
    assert refusal(tmp_path, {'roster = "roster.csv"': 'roster = "roster.csv"\nrecommendation_valid_months = 0'}
                   ).endswith("round.recommendation_valid_months: expected a whole number ≥ 1, got 0")


CALENDAR = '''
[calendar.2027]
holidays = ["2027-01-01", "2027-02-05..2027-02-11", 2027-10-01]
workdays = ["2027-02-20"]
'''


def test_a_year_schedule_in_the_round_file(tmp_path):
    r, sources = load(tmp_path, append=CALENDAR)
    (year,) = r.calendars
    assert year.year == 2027 and year.source == "round file"
    assert date(2027, 2, 8) in year.holidays and len(year.holidays) == 9
    assert year.workdays == frozenset({date(2027, 2, 20)})
    assert roundfile.from_sources("round.toml", sources) == r


def test_a_calendar_file_kept_next_to_the_round_file(tmp_path):
    (tmp_path / "china-2027.toml").write_text(CALENDAR, "utf-8")
    r, sources = load(tmp_path, {'roster = "roster.csv"': 'roster = "roster.csv"\ncalendar = "china-2027.toml"'},
                      '\n[calendar.2028]\nholidays = ["2028-01-01"]\n')
    assert [(y.year, y.source) for y in r.calendars] == [(2027, "china-2027.toml"), (2028, "round file")]
    assert set(sources) == {"round.toml", "roster.csv", "china-2027.toml"}
    assert roundfile.from_sources("round.toml", sources) == r  # stored with the round: no file needed


@pytest.mark.parametrize("table, message", [
    ('[calendar.2027]\nholidays = ["2026-12-31"]\n', "calendar.2027.holidays[0]: 2026-12-31 is not in 2027"),
    ('[calendar.2027]\nholidays = ["2027-12-31..2028-01-02"]\n',
     "calendar.2027.holidays[0]: 2028-01-02 is not in 2027"),
    ('[calendar.2027]\nholidays = ["2027-02-05..2027-02-11"]\nworkdays = ["2027-02-07"]\n',
     "calendar.2027: 2027-02-07 is both a holiday and a workday"),
    ('[calendar.2027]\nholidays = ["2027-02-30"]\n',
     'calendar.2027.holidays[0]: expected a date like "2027-01-01" or a span "2027-10-01..2027-10-07", '
     'got "2027-02-30"'),
    ('[calendar.2027]\nholidays = ["2027-02-11..2027-02-05"]\n',
     'calendar.2027.holidays[0]: the span "2027-02-11..2027-02-05" ends before it starts'),
    ('[calendar.2027]\nholidays = "2027-01-01"\n',
     'calendar.2027.holidays: expected a list of dates like "2027-01-01", got "2027-01-01"'),
    ('[calendar.2027]\nholiday = ["2027-01-01"]\n', "calendar.2027.holiday: unknown key (allowed: holidays, workdays)"),
    ('[calendar.next]\nholidays = ["2027-01-01"]\n', 'calendar.next: expected a year like [calendar.2027], got "next"'),
])
def test_calendar_refusals(tmp_path, table, message):
    assert refusal(tmp_path, append="\n" + table) == f"{tmp_path / 'round.toml'}: {message}"


def test_a_year_given_twice_is_refused(tmp_path):
    (tmp_path / "china-2027.toml").write_text(CALENDAR, "utf-8")
    assert refusal(tmp_path, {'roster = "roster.csv"': 'roster = "roster.csv"\ncalendar = "china-2027.toml"'},
                   CALENDAR).endswith("calendar.2027: the calendar of 2027 is given twice (in the round file and its "
                                      "calendar file)")


def test_the_calendar_file_is_confined_and_checked(tmp_path):
    assert "round.calendar: \"/etc/passwd\" is an absolute path" in refusal(
        tmp_path, {'roster = "roster.csv"': 'roster = "roster.csv"\ncalendar = "/etc/passwd"'})
    (tmp_path / "bad.toml").write_text('[calendar.2027]\nworkdays = ["2028-01-01"]\n', "utf-8")
    message = refusal(tmp_path, {'roster = "roster.csv"': 'roster = "roster.csv"\ncalendar = "bad.toml"'})
    assert message == f"{tmp_path / 'round.toml'} → bad.toml: calendar.2027.workdays[0]: 2028-01-01 is not in 2027"
