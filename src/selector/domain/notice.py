"""Public notice (任前公示, SPEC §3 "Inspection and notice"): working days and complaints.

The official calendar is a parameter (`is_workday(day) -> True | False | None`, None for a
day outside the calendar's years), so these rules stay pure and testable on any calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta

from selector.domain.model import YearSchedule
from selector.records import dataclass

OUTCOMES = ("unfounded", "minor", "serious", "postpone")
# Several complaints about one person: the gravest outcome decides.
GRAVITY = {"unfounded": 0, "minor": 1, "postpone": 2, "serious": 3}
POSTPONE_MONTHS = 3

Workday = Callable[[date], "bool | None"]


def weekday_rule(day: date) -> bool:
    """Monday to Friday: what a year's schedule leaves as it is (and, before issue 12.4, the
    fallback outside the official calendar's years)."""
    return day.weekday() < 5


def schedule_rule(schedules: Iterable[YearSchedule]) -> Workday:
    """Working days from published schedules: a listed holiday is off, a listed make-up
    workday is on, any other day Monday–Friday; None for a year no schedule gives."""
    by_year = {s.year: s for s in schedules}

    def rule(day: date) -> bool | None:
        s = by_year.get(day.year)
        if s is None:
            return None
        if day in s.holidays:
            return False
        return day in s.workdays or weekday_rule(day)

    return rule


def first_known(*rules: Workday) -> Workday:
    """The first rule that knows the day (not None) decides it."""
    def rule(day: date) -> bool | None:
        for r in rules:
            known = r(day)
            if known is not None:
                return known
        return None

    return rule


# The statutory holidays (法定节假日) of 《全国年节及纪念日放假办法》 as revised in 2024 (in force
# from 2025): 元旦 1 day, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3. The
# State Council's yearly schedule adds bridging days and make-up workdays, which no rule
# gives: these days only tell the clerk which holidays a period crosses.
def statutory_holidays(year: int, spring_festival: date, qingming: date, duanwu: date,
                       mid_autumn: date) -> list[tuple[date, str]]:
    """The statutory holidays of `year` given its lunar dates (春节 = 正月初一, 清明 the solar
    term, 端午 = 五月初五, 中秋 = 八月十五), as (day, name), in date order."""
    days = [(date(year, 1, 1), "元旦")]
    days += [(spring_festival + timedelta(days=i), "春节") for i in range(-1, 3)]
    days += [(qingming, "清明节"), (date(year, 5, 1), "劳动节"), (date(year, 5, 2), "劳动节"),
             (duanwu, "端午节"), (mid_autumn, "中秋节")]
    days += [(date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    # 除夕 of next year's 春节 can fall in this year's last days (never, as the calendar runs
    # today, but the rule should not lose it): only days of `year` are kept.
    return sorted((d, n) for d, n in days if d.year == year)


def one_year(start: date, months: int = 12) -> date:
    """The last day of a period of `months` from `start` (start counted): 2026-01-10 + 12
    months ends on 2027-01-09 — a 试用期 一年, or how long a recommendation result serves."""
    return add_months(start, months) - timedelta(days=1)


def end_date(start: date, working_days: int, is_workday: Workday) -> tuple[date, tuple[date, ...]]:
    """The N-th working day counting `start` itself when it is one.

    Returns the end date and the days the official calendar did not know (counted
    Monday–Friday instead), so the caller can warn about them.
    """
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    day, counted, guessed = start, 0, []
    while True:
        known = is_workday(day)
        if known is None:
            guessed.append(day)
            known = weekday_rule(day)
        if known:
            counted += 1
            if counted == working_days:
                return day, tuple(guessed)
        day += timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31 Nov → 30 Nov)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def postpone_limit(end: date) -> date:
    """The latest date a postponed appointee may be held to: three months after the notice."""
    return add_months(end, POSTPONE_MONTHS)


@dataclass(frozen=True)
class Complaint:
    """A complaint received during a notice, and its outcome once settled."""

    number: int
    received: date
    candidate: str
    summary: str
    named: bool
    outcome: str | None = None  # None while open
    note: str = ""
    until: date | None = None  # postpone: held until

    def late(self, end: date) -> bool:
        """Received after the notice's last day: recorded (and shown) as late, not refused."""
        return self.received > end


@dataclass(frozen=True)
class Appointee:
    """A person on a notice and what became of them."""

    candidate: str
    outcome: str  # confirmed | dropped | pending
    until: date | None = None
    complaints: tuple[int, ...] = ()


def appointees(listed: Sequence[str], complaints: Iterable[Complaint]) -> list[Appointee]:
    """The gravest closed outcome decides each person: serious drops, postpone holds."""
    about: dict[str, list[Complaint]] = {}
    for c in complaints:
        about.setdefault(c.candidate, []).append(c)
    out = []
    for cid in listed:
        mine = about.get(cid, [])
        closed = [c for c in mine if c.outcome is not None]
        worst = max((c.outcome for c in closed), key=GRAVITY.__getitem__, default=None)
        numbers = tuple(c.number for c in mine)
        if worst == "serious":
            out.append(Appointee(cid, "dropped", None, numbers))
        elif worst == "postpone":
            until = max(c.until for c in closed if c.outcome == "postpone" and c.until)
            out.append(Appointee(cid, "pending", until, numbers))
        else:
            out.append(Appointee(cid, "confirmed", None, numbers))
    return out


def post_status(people: Sequence[Appointee]) -> str:
    """ok (all confirmed) | pending (someone postponed) | short (someone dropped) | unfilled."""
    confirmed = [p for p in people if p.outcome == "confirmed"]
    if any(p.outcome == "pending" for p in people):
        return "pending"
    if len(confirmed) == len(people) and people:
        return "ok"
    return "short" if confirmed else "unfilled"


class StillRunning(str):
    """The notice cannot close: it runs until `end` (`today` is before it). As a string, the
    English sentence (what the audit records); the interface words it from the fields."""

    end: date
    today: date

    def __new__(cls, end: date, today: date) -> "StillRunning":
        self = super().__new__(cls, f"the notice runs until {end.isoformat()} (today is {today.isoformat()})")
        self.end, self.today = end, today
        return self


class StillOpen(str):
    """The notice cannot close: complaints are still open, `complaints` as (number, name). As a
    string, the English sentence (what the audit records); `listed` is the list it names."""

    complaints: tuple[tuple[int, str], ...]
    listed: str

    def __new__(cls, complaints: tuple[tuple[int, str], ...]) -> "StillOpen":
        listed = ", ".join(f"#{number} ({name})" for number, name in complaints)
        n = len(complaints)
        self = super().__new__(cls, f"{n} complaint{'s' if n > 1 else ''} still open: {listed}")
        self.complaints, self.listed = complaints, listed
        return self


def close_problems(today: date, end: date, complaints: Iterable[Complaint],
                   names: Mapping[str, str] | None = None, *,
                   after_end: bool = True) -> list[StillRunning | StillOpen]:
    """Why the notice cannot close yet (empty: it can): at most one StillRunning, then at
    most one StillOpen. The whole last day must have passed (`after_end`; a notice closed
    before issue 12.5 was allowed to close on its last day, and is re-checked so)."""
    problems: list[StillRunning | StillOpen] = []
    if today < end or (after_end and today == end):
        problems.append(StillRunning(end, today))
    still = [c for c in complaints if c.outcome is None]
    if still:
        names = names or {}
        problems.append(StillOpen(tuple((c.number, names.get(c.candidate, c.candidate)) for c in still)))
    return problems
