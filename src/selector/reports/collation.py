"""Names in surname-stroke order (按姓氏笔画为序), as official lists are printed.

Mainland lists compare names character by character: the number of strokes first, then the
strokes in writing order by the five classes of GB 13000.1 — 横 (with 提), 竖 (with 竖钩),
撇, 点 (with 捺), 折 — so among six-stroke surnames 邢 (横 first) comes before 朱 (撇) and
刘 (点). `strokes.txt` holds that order for the 6,939 characters of cnchar-order's data
(GB 2312 and more; see tools/make_strokes.py).

Every other character is placed as ICU's Chinese stroke collation (`zh@collation=stroke`,
CLDR data) places it, read from `strokes_icu.txt`, which tools/make_stroke_fallback.py
wrote with ICU 77.1 so that no ICU is needed here:
- a Han character outside the table (rare given names: 䶮, 婳 …) by its stroke count,
  corrected for 阝 (2 strokes on the mainland, 3 in CLDR), after the table's characters of
  that count, in ICU's order (ICU has no count for most of CJK extensions A to I and files
  them under its last label, 48 strokes, 47 for a 阝 one: so does the file);
- after every Han character, the other characters a name or a label holds (Latin letters,
  digits, brackets, the · of 阿依古丽·买买提, fullwidth forms …), in ICU's order;
- last, characters the file does not know (emoji, other scripts, Han characters newer than
  Unicode 16), by code point.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def _read(name: str) -> list[str]:
    text = resources.files("selector.reports").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def _table() -> dict[str, str]:
    return dict(line.split("\t") for line in _read("strokes.txt"))


@functools.cache
def _icu_order() -> dict[str, tuple[int | None, int]]:
    """character → (its stroke count, None for a non-Han one; its rank in ICU's order)."""
    known: dict[str, tuple[int | None, int]] = {}
    rank = 0
    for line in _read("strokes_icu.txt"):
        head, run = line.split("\t")
        count = None if head == "+" else int(head)
        # Han characters as they are, others as hex code points; "=X": ranked as the one before
        for item in re.findall(r"=?." if count is not None else r"=?[0-9A-F]+", run):
            rank += not item.startswith("=")
            char = item.lstrip("=")
            known[char if count is not None else chr(int(char, 16))] = (count, rank)
    return known


@functools.cache
def strokes(char: str) -> int | None:
    """Mainland stroke count of a Han character (None for anything that is not one)."""
    order = _table().get(char)
    if order is not None:
        return len(order)
    return _icu_order().get(char, (None, 0))[0]


@functools.cache
def _char_key(char: str) -> tuple:
    order = _table().get(char)
    if order is not None:
        return (len(order), order, 0)
    count, rank = _icu_order().get(char, (None, None))
    if count is not None:
        return (count, "6", rank)  # "6": after the table's strokes 1–5
    if rank is not None:
        return (10_000, "", rank)  # not Han: after them, in ICU's order
    return (10_001, "", ord(char))  # unknown: last, by code point


def stroke_key(name: str) -> tuple:
    """A sort key putting names in mainland surname-stroke order (then by the text)."""
    return tuple(_char_key(ch) for ch in name) + ((0, name, 0),)


def by_surname_strokes(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """`items` ordered by `name(item)` in surname-stroke order; equal names keep their order."""
    return sorted(items, key=lambda item: stroke_key(name(item)))
