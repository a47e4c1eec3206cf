"""Percentages on screen come from exact fractions, rounded half up (四舍五入)."""

from fractions import Fraction

import pytest

from selector.reports.numbers import pct
from selector.reports.terminal import share_text


@pytest.mark.parametrize("value, text", [
    ("1/32", "3.13%"), ("1/16", "6.25%"), ("1/1600", "0.06%"), ("1/3", "33.33%"), ("2/3", "66.67%"),
    ("0", "0.00%"), ("1", "100.00%"), ("6/13", "46.15%"), ("1/80000", "0.00%"), ("1/20000", "0.01%"),
])
def test_pct_rounds_half_up(value, text):
    assert pct(value) == text
    assert pct(Fraction(value)) == text


def test_share_text_shows_the_fraction():
    assert share_text("6/13") == "46.15% (6/13)"
    assert share_text("1") == "100.00%"
