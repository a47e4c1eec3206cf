"""Names in surname-stroke order (按姓氏笔画为序), as official lists are printed.

ICU's Chinese stroke collation (`zh@collation=stroke`, CLDR data) orders Han characters by
total stroke count, then by their first strokes. We use it through PyICU; the `pyicu-wheels`
package ships ICU inside the wheel, so no OS package is needed.

One correction for mainland lists: CLDR counts the 阝 component as 3 strokes (Taiwan's
convention) where the mainland standard (GB 13000.1 stroke order) counts 2, so ICU puts
陈 and 阿 with the 8-stroke names, 郑 with the 9s, 邓 with the 5s. We find those characters
with ICU's own radical-stroke (unihan) order — everything filed under radical 阜 (170) or
邑 (163), except the full forms 阜, 邑 and 邕 — and count them one stroke less. The key of a
name is, character by character, (mainland stroke count, ICU stroke key). Within one stroke
count ICU orders by radical (Taiwan practice), not by first strokes (横竖撇点折): see
docs/design.md.
"""

from __future__ import annotations

import functools
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
# radical → the next radical in Kangxi order: a character is filed under the radical when
# its radical-stroke key falls in [radical, next radical)
HALF_FORM_RADICALS = (("阜", "隶"), ("邑", "酉"))
FULL_FORMS = frozenset("阜邑邕")


@functools.cache
def _icu():
    import icu  # PyICU (pyicu-wheels): imported here, only by the documents that sort names

    stroke = icu.Collator.createInstance(icu.Locale("zh@collation=stroke"))
    index = icu.AlphabeticIndex(icu.Locale("zh@collation=stroke")).buildImmutableIndex()
    unihan = icu.Collator.createInstance(icu.Locale("zh@collation=unihan"))
    ranges = [(unihan.getSortKey(a), unihan.getSortKey(b)) for a, b in HALF_FORM_RADICALS]
    return stroke, index, unihan, ranges


@functools.cache
def strokes(char: str) -> int | None:
    """Mainland stroke count of a Han character (None for anything ICU files elsewhere)."""
    _, index, unihan, ranges = _icu()
    label = index.getBucket(index.getBucketIndex(char))[0]
    if not label.endswith("劃"):
        return None
    count = int(label[:-1])
    key = unihan.getSortKey(char)
    if char not in FULL_FORMS and any(low <= key < high for low, high in ranges):
        count -= 1  # the 阝 form: 2 strokes on the mainland, 3 in CLDR
    return count


def stroke_key(name: str) -> tuple:
    """A sort key putting names in mainland surname-stroke order (then by the text)."""
    stroke = _icu()[0]
    return tuple((strokes(ch) or 0, stroke.getSortKey(ch)) for ch in name) + (name,)


def by_surname_strokes(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """`items` ordered by `name(item)` in surname-stroke order; equal names keep their order."""
    return sorted(items, key=lambda item: stroke_key(name(item)))
