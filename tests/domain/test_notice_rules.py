"""Public-notice rules: working days on the official calendar, complaint outcomes."""

from datetime import date, timedelta

from selector.service import calendar as workdays
from selector.domain.notice import (
    Complaint, add_months, appointees, close_problems, end_date, post_status, postpone_limit,
)


def test_spec_example_ends_on_the_make_up_saturday_after_national_day():
    # 2026-09-29/30 work, 10-01..07 National Day off, 10-08/09 work, Saturday 10-10 make-up workday
    end, guessed = end_date(date(2026, 9, 29), 5, workdays.is_workday)
    assert end == date(2026, 10, 10) and end.weekday() == 5 and guessed == ()


def test_labour_day_2026_holiday_and_make_up_saturday():
    end, _ = end_date(date(2026, 4, 28), 5, workdays.is_workday)
    assert end == date(2026, 5, 7)  # 4-28, 4-29, 4-30, (5-01..05 off), 5-06, 5-07
    end, _ = end_date(date(2026, 4, 30), 5, workdays.is_workday)
    assert end == date(2026, 5, 9) and end.weekday() == 5


def test_a_start_on_a_holiday_counts_from_the_next_working_day():
    end, _ = end_date(date(2026, 10, 1), 5, workdays.is_workday)
    assert end == date(2026, 10, 13)  # 10-08, 10-09, 10-10 (Sat, worked), 10-12, 10-13


def test_the_start_date_counts_when_it_is_a_working_day():
    assert end_date(date(2026, 3, 2), 1, workdays.is_workday)[0] == date(2026, 3, 2)


def test_outside_the_calendar_days_count_monday_to_friday_and_are_reported():
    def calendar(day):  # knows nothing after 2026
        return None if day.year > 2026 else day.weekday() < 5

    end, guessed = end_date(date(2026, 12, 30), 5, calendar)
    # Wed 12-30, Thu 12-31 (known), Fri 1-1, Mon 1-4, Tue 1-5 (guessed Monday–Friday)
    assert end == date(2027, 1, 5)
    assert guessed[0] == date(2027, 1, 1) and date(2027, 1, 2) in guessed
    assert all(d.year == 2027 for d in guessed)


def test_the_installed_calendar_is_unknown_far_ahead():
    assert workdays.is_workday(date(2099, 3, 3)) is None


def test_postponement_lasts_at_most_three_months():
    assert postpone_limit(date(2026, 10, 10)) == date(2027, 1, 10)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def complaint(n, cid, outcome=None, until=None):
    return Complaint(n, date(2026, 9, 30), cid, "反映问题", False, outcome, "", until)


def test_outcomes_decide_each_appointee():
    later = date(2026, 12, 1)
    people = appointees(["C1", "C2", "C3", "C4"], [
        complaint(1, "C1", "unfounded"), complaint(2, "C2", "serious"), complaint(3, "C2", "minor"),
        complaint(4, "C3", "postpone", later), complaint(5, "C4", "minor")])
    outcome = {p.candidate: (p.outcome, p.until) for p in people}
    assert outcome == {"C1": ("confirmed", None), "C2": ("dropped", None), "C3": ("pending", later),
                       "C4": ("confirmed", None)}
    assert post_status([people[1]]) == "unfilled"
    assert post_status([people[0], people[1]]) == "short"
    assert post_status([people[2]]) == "pending"


def test_close_needs_the_end_date_passed_and_every_complaint_closed():
    end, after = date(2026, 10, 10), date(2026, 10, 11)
    assert close_problems(after, end, [complaint(1, "C1", "minor")]) == []
    for day in (end - timedelta(days=1), end):  # the whole last day must have passed (issue 12.5)
        early = close_problems(day, end, [])
        assert early and "until 2026-10-10" in early[0]
    still = close_problems(after, end, [complaint(1, "C1")], {"C1": "张伟"})
    assert still == ["1 complaint still open: #1 (张伟)"]
