"""How exact numbers are written, the same on every screen and sheet."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache


def pct(value: Fraction | str) -> str:
    """A share as a percentage with two decimals, rounded half up (四舍五入) exactly, no floats.

    (Python's round() rounds half to even: 1/32 would print 3.12%, where a clerk writes 3.13%.)
    """
    if type(value) is Fraction:
        return _pct(value.numerator, value.denominator)
    return _pct_text(value)


@lru_cache(maxsize=4096)  # a round prints the same few hundred shares over and over
def _pct_text(value) -> str:
    f = Fraction(value)
    return _pct(f.numerator, f.denominator)


def _pct(n: int, d: int) -> str:
    # floor(n/d × 10000 + 1/2) in integers (d > 0)
    hundredths = (20000 * n + d) // (2 * d)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"
