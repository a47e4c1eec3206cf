"""How exact numbers are written, the same on every screen and sheet."""

from __future__ import annotations

import math
from fractions import Fraction


def frac(value: Fraction | int | str) -> str:
    """Reduced fraction string: "25/39", "1", "0"."""
    return str(Fraction(value))


def pct(value: Fraction | str) -> str:
    """A share as a percentage with two decimals, rounded half up (四舍五入) exactly, no floats.

    (Python's round() rounds half to even: 1/32 would print 3.12%, where a clerk writes 3.13%.)
    """
    hundredths = math.floor(Fraction(value) * 10000 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}%"
