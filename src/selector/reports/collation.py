"""Names in surname-stroke order (按姓氏笔画为序), as official lists are printed.

Mainland lists compare names character by character: the number of strokes first, then the
strokes in writing order by the five classes of GB 13000.1 — 横 (with 提), 竖 (with 竖钩),
撇, 点 (with 捺), 折 — so among six-stroke surnames 邢 (横 first) comes before 朱 (撇) and
刘 (点). `strokes.txt` holds that order for the 6,939 characters of cnchar-order's data
(GB 2312 and more; see tools/make_strokes.py).

A character outside the table (rare given names: 玥, 堃 …) falls back to ICU's Chinese
stroke collation (`zh@collation=stroke`, CLDR data, through PyICU from the `pyicu-wheels`
wheel): its stroke count, corrected for 阝, which CLDR counts as 3 strokes where the
mainland counts 2 (characters ICU's radical-stroke order files under 阜 or 邑, except the
full forms 阜 邑 邕), and then ICU's order, after the table's characters of that count.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
# radical → the next radical in Kangxi order: a character is filed under the radical when
# its radical-stroke key falls in [radical, next radical)
HALF_FORM_RADICALS = (("阜", "隶"), ("邑", "酉"))
FULL_FORMS = frozenset("阜邑邕")


@functools.cache
def _table() -> dict[str, str]:
    text = resources.files("selector.reports").joinpath("strokes.txt").read_text(encoding="utf-8")
    return dict(line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))


@functools.cache
def _icu():
    import icu  # PyICU (pyicu-wheels): only for characters outside the table

    stroke = icu.Collator.createInstance(icu.Locale("zh@collation=stroke"))
    index = icu.AlphabeticIndex(icu.Locale("zh@collation=stroke")).buildImmutableIndex()
    unihan = icu.Collator.createInstance(icu.Locale("zh@collation=unihan"))
    ranges = [(unihan.getSortKey(a), unihan.getSortKey(b)) for a, b in HALF_FORM_RADICALS]
    return stroke, index, unihan, ranges


@functools.cache
def strokes(char: str) -> int | None:
    """Mainland stroke count of a Han character (None for anything that is not one)."""
    order = _table().get(char)
    if order is not None:
        return len(order)
    _, index, unihan, ranges = _icu()
    label = index.getBucket(index.getBucketIndex(char))[0]
    if not label.endswith("劃"):
        return None
    count = int(label[:-1])
    key = unihan.getSortKey(char)
    if char not in FULL_FORMS and any(low <= key < high for low, high in ranges):
        count -= 1  # the 阝 form: 2 strokes on the mainland, 3 in CLDR
    return count


@functools.cache
def _char_key(char: str) -> tuple:
    order = _table().get(char)
    if order is not None:
        return (len(order), order, b"")
    count = strokes(char)
    if count is None:  # not a Han character: after them, by ICU's order (Latin, digits …)
        return (10_000, "", _icu()[0].getSortKey(char))
    return (count, "6", _icu()[0].getSortKey(char))  # "6": after the table's strokes 1–5


def stroke_key(name: str) -> tuple:
    """A sort key putting names in mainland surname-stroke order (then by the text)."""
    return tuple(_char_key(ch) for ch in name) + ((0, name, b""),)


def by_surname_strokes(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """`items` ordered by `name(item)` in surname-stroke order; equal names keep their order."""
    return sorted(items, key=lambda item: stroke_key(name(item)))
