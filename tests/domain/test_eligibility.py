"""Eligibility at init (domain/eligibility.py): ages, years in post, probation, sanctions, 破格."""

from __future__ import annotations

from datetime import date

import pytest

from selector.domain.eligibility import Breach, Rules, judge, read_date, record, whole_years

RULES = Rules(at=date(2011, 6, 1), max_age=45, min_years_in_post=2)


@pytest.mark.parametrize("text, expected", [
    ("1965-06-02", date(1965, 6, 2)), ("1965.6.2", date(1965, 6, 2)), ("1965/06/02", date(1965, 6, 2)),
    ("1965年6月2日", date(1965, 6, 2)), ("1965.06", date(1965, 6, 1)), ("1965-6", date(1965, 6, 1)),
    ("1965年6月", date(1965, 6, 1)), (" 1965 . 06 ", date(1965, 6, 1)),
    ("1965", None), ("1965-13", None), ("1965-02-30", None), ("六五年", None), ("1965-06-02 8:00", None),
])
def test_read_date(text, expected):
    assert read_date(text) == expected


def test_whole_years_count_the_birthday_itself():
    assert whole_years(date(1965, 6, 1), date(2011, 6, 1)) == 46
    assert whole_years(date(1965, 6, 2), date(2011, 6, 1)) == 45
    assert whole_years(date(1964, 2, 29), date(2011, 2, 28)) == 46  # turns 47 on 1 March


def test_over_age_excluded_and_a_birthday_tomorrow_still_in():
    people = [("C01", {"born": date(1965, 6, 1)}, None),  # 46 on the day: over 45
              ("C02", {"born": date(1965, 6, 2)}, None)]  # still 45 on the day
    (only,) = judge(RULES, people)
    assert only.candidate == "C01" and only.excluded
    assert only.breaches == (Breach("age", "46", "45"),)


def test_years_in_post_probation_and_sanction():
    people = [("C01", {"in_post_since": date(2009, 6, 2)}, None),   # 1 whole year
              ("C02", {"in_post_since": date(2009, 6, 1)}, None),   # 2 years on the day: fine
              ("C03", {"probation_until": date(2011, 6, 1)}, None),  # runs to the end of that day
              ("C04", {"probation_until": date(2011, 5, 31)}, None),
              ("C05", {"discipline_until": date(2012, 1, 1)}, None)]
    found = {s.candidate: s for s in judge(RULES, people)}
    assert set(found) == {"C01", "C03", "C05"}
    assert found["C01"].breaches == (Breach("years_in_post", "1", "2"),)
    assert found["C03"].breaches == (Breach("probation", "2011-06-01", "2011-06-01"),)
    assert found["C05"].breaches == (Breach("discipline", "2012-01-01", "2011-06-01"),)
    assert all(s.excluded for s in found.values())


def test_poge_admits_past_age_and_years_but_never_past_a_sanction():
    people = [("C01", {"born": date(1962, 3, 1), "in_post_since": date(2010, 3, 1)}, "业绩特别突出，经常委会研究同意"),
              ("C02", {"discipline_until": date(2011, 12, 31)}, "群众公认度高"),
              ("C03", {"born": date(1975, 3, 1)}, "专业急需")]
    found = {s.candidate: s for s in judge(RULES, people)}
    assert not found["C01"].excluded and [b.rule for b in found["C01"].breaches] == ["age", "years_in_post"]
    assert found["C02"].excluded  # 处分影响期内不得提拔
    assert not found["C03"].excluded and found["C03"].breaches == ()  # meets the rules: 破格 recorded anyway


def test_no_limit_no_breach_and_the_record():
    rules = Rules(at=date(2011, 6, 1))
    assert judge(rules, [("C01", {"born": date(1940, 1, 1)}, None)]) == ()
    assert record(None, ()) is None
    made = record(RULES, judge(RULES, [("C09", {"born": date(1960, 1, 1)}, None)]))
    assert made == {"at": "2011-06-01", "max_age": 45, "min_years_in_post": 2,
                    "standings": [{"candidate": "C09", "excluded": True,
                                   "breaches": [{"rule": "age", "value": "51", "limit": "45"}]}]}
