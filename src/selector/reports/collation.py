"""Names in surname-stroke order (按姓氏笔画为序), as official lists are printed.

ICU's Chinese stroke collation (`zh@collation=stroke`, CLDR data) orders Han characters by
total stroke count, then by the first strokes, then by code point — the whole name, so two
people of one surname are ordered by their given names. We use it through PyICU; the
`pyicu-wheels` package ships ICU inside the wheel, so no OS package is needed.

Known difference from mainland practice: CLDR counts the 阝 component as 3 strokes (Taiwan's
convention), so 陈 (7 on the mainland), 邓, 郑, 郭, 阿… sort one stroke later than a mainland
printed list would put them. See docs/design.md.
"""

from __future__ import annotations

import functools
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


@functools.cache
def _collator():
    import icu  # PyICU (pyicu-wheels): imported here, only by the documents that sort names

    collator = icu.Collator.createInstance(icu.Locale("zh@collation=stroke"))
    return collator


def stroke_key(name: str) -> bytes:
    """A sort key putting names in ICU stroke order (then by the text, for a total order)."""
    return _collator().getSortKey(name)


def by_surname_strokes(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """`items` ordered by `name(item)` in surname-stroke order; equal names keep their order."""
    return sorted(items, key=lambda item: stroke_key(name(item)))
