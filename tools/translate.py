#!/usr/bin/env python3
"""Fill translations into a catalog from a Python file holding a dict `T` (msgid → msgstr; a
plural msgid as the (singular, plural) tuple). Used while writing catalogs by hand:

    python tools/translate.py zh_CN FILE.py
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalog as cat  # noqa: E402


def main(lang: str, source: str) -> int:
    from babel.messages.pofile import read_po, write_po

    table: dict = {}
    for name, value in runpy.run_path(source).items():
        if isinstance(value, dict) and name.startswith("T"):
            table.update(value)
    path = cat.po_path(lang)
    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang, domain=cat.DOMAIN)
    filled = 0
    for m in catalog:
        if m.id and m.id in table:
            m.string = (table[m.id],) * max(1, catalog.num_plurals) if isinstance(m.id, tuple) else table[m.id]
            filled += 1
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, sort_output=False, include_previous=False)
    path.with_suffix(".mo").write_bytes(cat.mo_bytes(catalog))
    print(f"{lang}: {filled} filled")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
