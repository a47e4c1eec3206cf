"""China's official working-day calendar (holidays off, make-up workdays on).

Backed by the maintained `chinesecalendar` package; a day outside its years is reported as
unknown (None), and the notice rules then count Monday–Friday and say so.
"""

from __future__ import annotations

from datetime import date


def is_workday(day: date) -> bool | None:
    """True / False from the State Council's calendar; None outside the package's years."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def source() -> str:
    """The calendar as recorded with a notice, e.g. "chinesecalendar 1.11.0 (2004–2026)"."""
    import chinese_calendar
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays})
    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')} ({years[0]}–{years[-1]})"
