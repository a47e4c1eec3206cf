"""Working days where the official calendar has no schedule yet (issue 12.4), 试用期 and the
one-year validity of a recommendation (issue 12.6): pure rules, and the lunar holidays."""

from datetime import date

from selector.domain.model import YearSchedule
from selector.domain.notice import (
    Complaint, close_problems, end_date, first_known, one_year, schedule_rule, statutory_holidays,
)
from selector.service import calendar


def official_until_2026(day):
    return None if day.year > 2026 else day.weekday() < 5


def test_a_published_schedule_counts_its_holidays_off_and_its_make_up_days_on():
    # the test's own 2027 schedule: 元旦 the only holiday near the period, no make-up day
    schedule = YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset())
    rule = first_known(official_until_2026, schedule_rule([schedule]))
    end, guessed = end_date(date(2026, 12, 30), 5, rule)
    # Wed 12-30, Thu 12-31, (Fri 1-1 元旦 off), Mon 1-4, Tue 1-5, Wed 1-6
    assert (end, guessed) == (date(2027, 1, 6), ())
    worked = YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset({date(2027, 1, 2)}))
    end, _ = end_date(date(2026, 12, 30), 5, first_known(official_until_2026, schedule_rule([worked])))
    assert end == date(2027, 1, 5)  # Saturday 1-2 a make-up working day


def test_a_year_without_a_schedule_stays_unknown():
    rule = first_known(official_until_2026, schedule_rule([YearSchedule(2028)]))
    assert rule(date(2027, 1, 4)) is None and rule(date(2028, 1, 4)) is True and rule(date(2026, 1, 5)) is True


def test_statutory_holidays_of_2027_from_the_lunar_calendar():
    days = calendar.holidays(2027)
    named = {}
    for day, name in days:
        named.setdefault(name, []).append(day)
    assert named["元旦"] == [date(2027, 1, 1)]
    # 春节 2027 is 2-06 (正月初一): 除夕 2-05 to 初三 2-08
    assert named["春节"] == [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
    assert named["清明节"] == [date(2027, 4, 5)]
    assert named["劳动节"] == [date(2027, 5, 1), date(2027, 5, 2)]
    assert named["端午节"] == [date(2027, 6, 9)]
    assert named["中秋节"] == [date(2027, 9, 15)]
    assert named["国庆节"] == [date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)]
    assert len(days) == 13 and days == sorted(days)


def test_the_lunar_holidays_agree_with_the_official_calendar_where_it_has_them():
    from selector.service.calendar import is_workday

    for year in (2024, 2025, 2026):
        for day, name in calendar.holidays(year):
            if year == 2024 and name in ("春节", "劳动节") and day in (date(2024, 2, 9), date(2024, 5, 2)):
                continue  # 除夕 and 5-02 became statutory holidays in 2025
            assert is_workday(day) is False, (day, name)


def test_statutory_holidays_keep_only_days_of_the_year():
    days = statutory_holidays(2030, date(2030, 1, 1), date(2030, 4, 5), date(2030, 6, 5), date(2030, 9, 12))
    assert all(d.year == 2030 for d, _ in days)  # 除夕 2029-12-31 is the previous year's
    assert (date(2030, 1, 1), "春节") in days and (date(2029, 12, 31), "春节") not in days


def test_the_period_crosses_these_holidays_without_a_schedule():
    from selector.domain.model import Round

    round_ = Round("r", "t", "o", "zh-CN", (), (), ())
    years, end, crossed = calendar.unknown_years(round_, date(2026, 12, 30), 5)
    assert years == (2027,) and end == date(2027, 1, 6) and crossed == [(date(2027, 1, 1), "元旦")]
    years, end, crossed = calendar.unknown_years(round_, date(2027, 2, 3), 5)
    # Wed 2-03, Thu 2-04, (春节 Fri 2-05 to Mon 2-08), Tue 2-09, Wed 2-10, Thu 2-11
    assert end == date(2027, 2, 11)
    assert crossed == [(date(2027, 2, d), "春节") for d in (5, 6, 7, 8)]


def test_one_year_counts_the_first_day():
    assert one_year(date(2026, 10, 15)) == date(2027, 10, 14)
    assert one_year(date(2028, 2, 29)) == date(2029, 2, 27)
    assert one_year(date(2026, 1, 31), 6) == date(2026, 7, 30)


def test_close_only_after_the_last_day_and_late_complaints():
    end = date(2026, 10, 10)
    assert close_problems(end, end, []) and not close_problems(date(2026, 10, 11), end, [])
    assert not close_problems(end, end, [], after_end=False)  # how a notice closed before issue 12.5 is re-checked
    late = Complaint(1, date(2026, 10, 12), "C1", "反映问题", True)
    assert late.late(end) and not Complaint(2, end, "C1", "x", True).late(end)
