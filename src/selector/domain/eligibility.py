"""Eligibility (任职资格) at `init`: who may not be put forward, and who is let through by 破格.

Pure: the round file's rules (`[round.eligibility]`) and the roster's dates in, the exclusions
out. A person is excluded when, on the rules' date `at`:
- `max_age`: their age in whole years (周岁) is over it;
- `min_years_in_post`: they have held their present post (`in_post_since`) for fewer years;
- `probation_until`: their probation (试用期) has not ended (it runs to the end of that day);
- `discipline_until`: a disciplinary sanction's effect (处分影响期) has not ended (likewise).
破格 (`exceptional`, with its stated reason) lets a person through the age and years-in-post
rules and probation; never through a sanction (处分影响期内不得提拔).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from selector.records import dataclass

# 1975-03-01, 1975.3.1, 1975/03/01, 1975年3月1日, and the month alone (出生年月: 1975.03,
# 1975-03, 1975年3月), read as the first day of that month.
DATE_RE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?|月)?")
DATES = ("born", "in_post_since", "probation_until", "discipline_until")
WAIVABLE = ("age", "years_in_post", "probation")  # what 破格 may let a person through


@lru_cache(maxsize=8192)  # a roster of 60,000 people has a few hundred 出生年月
def read_date(text: str) -> date | None:
    """A roster date as clerks write it, or None when it is not one (or no such day)."""
    m = DATE_RE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def whole_years(start: date, end: date) -> int:
    """Whole years from `start` to `end` (周岁 from a birth date; a 29 February counts from 1 March)."""
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years


@dataclass(frozen=True)
class Rules:
    """`[round.eligibility]`: the date the rules are applied on, and the limits (None: no limit)."""

    at: date
    max_age: int | None = None
    min_years_in_post: int | None = None


@dataclass(frozen=True)
class Breach:
    """One rule a person does not meet: `rule` is age | years_in_post | probation | discipline;
    `value` what they have (age, whole years, or the end date), `limit` what the rule asks."""

    rule: str
    value: str
    limit: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "value": self.value, "limit": self.limit}


@dataclass(frozen=True)
class Standing:
    """A person the rules have something to say about: excluded, or let through by 破格."""

    candidate: str
    breaches: tuple[Breach, ...]
    exceptional: str | None  # the stated reason for 破格, when the roster gives one

    @property
    def excluded(self) -> bool:
        """Excluded unless 破格 covers every breach (it never covers a sanction)."""
        if not self.breaches:
            return False
        if self.exceptional is None:
            return True
        return any(b.rule not in WAIVABLE for b in self.breaches)

    def as_dict(self) -> dict:
        out: dict = {"candidate": self.candidate, "excluded": self.excluded,
                     "breaches": [b.as_dict() for b in self.breaches]}
        if self.exceptional is not None:
            out["exceptional"] = self.exceptional
        return out


def breaches(rules: Rules, dates: dict[str, date]) -> tuple[Breach, ...]:
    """The rules one person does not meet on `rules.at`, given their roster dates."""
    at, out = rules.at, []
    born = dates.get("born")
    if rules.max_age is not None and born is not None:
        age = whole_years(born, at)
        if age > rules.max_age:
            out.append(Breach("age", str(age), str(rules.max_age)))
    since = dates.get("in_post_since")
    if rules.min_years_in_post is not None and since is not None:
        years = whole_years(since, at)
        if years < rules.min_years_in_post:
            out.append(Breach("years_in_post", str(max(years, 0)), str(rules.min_years_in_post)))
    for key, rule in (("probation_until", "probation"), ("discipline_until", "discipline")):
        until = dates.get(key)
        if until is not None and until >= at:
            out.append(Breach(rule, until.isoformat(), at.isoformat()))
    return tuple(out)


def judge(rules: Rules, people: Iterable[tuple[str, dict[str, date], str | None]]) -> tuple[Standing, ...]:
    """Each person (id, dates, 破格 reason or None) the rules concern — those with a breach and
    those marked 破格 — in roster order."""
    out = []
    for cid, dates, exceptional in people:
        found = breaches(rules, dates)
        if found or exceptional is not None:
            out.append(Standing(cid, found, exceptional))
    return tuple(out)


def record(rules: Rules | None, standings: Iterable[Standing]) -> dict | None:
    """What `init` records of the eligibility rules and whom they concern (None: no rules)."""
    if rules is None:
        return None
    return {"at": rules.at.isoformat(), "max_age": rules.max_age, "min_years_in_post": rules.min_years_in_post,
            "standings": [s.as_dict() for s in standings]}
