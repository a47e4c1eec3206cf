"""China's official working-day calendar (holidays off, make-up workdays on).

Backed by the maintained `chinesecalendar` package; a day outside its years is reported as
unknown (None). For such a year the round may give the State Council's schedule
(`[calendar.YYYY]`, in the round file or its calendar file); without one, a notice is not
opened on a guess: the statutory holidays of the year are worked out with the lunar calendar
(`lunar_python`, for 春节, 清明, 端午 and 中秋) to tell the clerk which ones the period
crosses (issue 12.4).
"""

from __future__ import annotations

from datetime import date
from selector.domain.model import Round
from selector.domain.notice import Workday, end_date, first_known, schedule_rule, statutory_holidays, weekday_rule


def is_workday(day: date) -> bool | None:
    """True / False from the State Council's calendar; None outside the package's years."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def official_years() -> tuple[int, int]:
    """The first and last year the calendar package has the official schedule of."""
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays})
    return years[0], years[-1]


def source() -> str:
    """The calendar as recorded with a notice, e.g. "chinesecalendar 1.11.0 (2004–2026)"."""
    import chinese_calendar

    first, last = official_years()
    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')} ({first}–{last})"


def rule(round_: Round) -> Workday:
    """The official calendar, then the round's schedules for the years it lacks."""
    return first_known(is_workday, schedule_rule(round_.calendars))


def period_source(round_: Round, start: date, end: date) -> str:
    """The calendar a notice from `start` to `end` was counted on: the package, and the
    round's schedule of each year of the period the package lacks ("…; 2027: round file")."""
    first, last = official_years()
    given = {s.year: s.source for s in round_.calendars}
    extra = [f"{y}: {given[y]}" for y in range(start.year, end.year + 1) if not first <= y <= last and y in given]
    return "; ".join([source(), *extra])


def holidays(year: int) -> list[tuple[date, str]]:
    """The statutory holidays of `year` (day, name), the lunar ones from `lunar_python`."""
    from lunar_python import Lunar, Solar

    def solar(s) -> date:
        return date(s.getYear(), s.getMonth(), s.getDay())

    spring = solar(Lunar.fromYmd(year, 1, 1).getSolar())
    qingming = solar(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"])
    duanwu = solar(Lunar.fromYmd(year, 5, 5).getSolar())
    mid_autumn = solar(Lunar.fromYmd(year, 8, 15).getSolar())
    return statutory_holidays(year, spring, qingming, duanwu, mid_autumn)


def unknown_years(round_: Round, start: date, working_days: int) -> tuple[tuple[int, ...], date,
                                                                          list[tuple[date, str]]]:
    """For a notice whose period runs into years neither the package nor the round knows: those
    years, the end the period would have with only the statutory holidays off (and no make-up
    day), and the statutory holidays from `start` to that end."""
    days: set[int] = set()
    known = rule(round_)
    off: dict[date, str] = {}

    def provisional(day: date) -> bool:
        found = known(day)
        if found is not None:
            return found
        if day.year not in days:
            days.add(day.year)
            off.update(dict(holidays(day.year)))
        return weekday_rule(day) and day not in off

    end, _ = end_date(start, working_days, provisional)
    crossed = sorted((d, n) for d, n in off.items() if start <= d <= end)
    return tuple(sorted(days)), end, crossed

