"""The glossary (docs/glossary.md) is the interface's vocabulary: where the catalog translates
one of its English terms on its own (a heading, a status word), it uses the glossary's word."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from support import ROOT




def glossary() -> dict[str, set[str]]:
    out = {}
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("English", "---"):
            out[cells[0]] = set(re.findall(r"[\u4e00-\u9fff]+(?:\s?N\s?[\u4e00-\u9fff]+)?", cells[1]))
    return out


def test_the_catalog_uses_the_glossary():
    with open(ROOT / "src/selector/locale/zh_CN/LC_MESSAGES/selector.po", "rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if isinstance(m.id, str) and m.string}
    terms = glossary()
    assert len(terms) > 40
    wrong = [f"{en!r} is {catalog[en]!r}, the glossary says {sorted(zh)}"
             for en, zh in terms.items() if en in catalog and catalog[en] not in zh]
    assert not wrong, "\n".join(wrong)
