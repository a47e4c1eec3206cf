"""The one clock: every timestamp in the record and every document date comes from here.

`SOURCE_DATE_EPOCH` fixes it (reproducible documents and tests).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def moment() -> datetime:
    """Now in UTC, or the instant SOURCE_DATE_EPOCH names."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def now() -> str:
    """UTC timestamp to the second, as events and rows record it."""
    return moment().isoformat(timespec="seconds")


def today() -> date:
    """Today in China (UTC+8)."""
    return moment().astimezone(CHINA).date()
