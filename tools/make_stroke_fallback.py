#!/usr/bin/env python3
"""Write src/selector/reports/strokes_icu.txt: ICU's stroke order for what strokes.txt lacks.

    python3 -m pip install pyicu-wheels==2.15.2     # ICU 77.1 inside the wheel
    python3 tools/make_stroke_fallback.py

strokes.txt (tools/make_strokes.py) knows the strokes of 6,939 characters. selector used to
ask ICU's Chinese stroke collation (`zh@collation=stroke`, CLDR data) at run time about every
other character, through PyICU (~50 MB installed). This script asks ICU once and writes down
its answers, so that selector orders names exactly as it did, without ICU:

- every character ICU files under a stroke count ("N劃" in its alphabetic index) that is
  not in strokes.txt, with that count corrected for 阝 (2 strokes on the mainland, 3 in
  CLDR: characters ICU's radical-stroke order files under 阜 or 邑, except the full forms
  阜 邑 邕), in ICU's order. selector puts them after strokes.txt's characters of the same
  count. ICU files the characters it has no count for (most of CJK extensions A to I) under
  its last label, 48劃, and so does this file (47 for a 阝 one, as the correction goes).
- the other characters a name or a label can hold (Latin letters, digits, brackets, the
  separators of 阿依古丽·买买提, fullwidth forms, circled numbers …: the blocks in OTHERS),
  in ICU's order. selector puts them after every Han character.

Characters that ICU ranks equal are marked so (=). The output depends only on the ICU
version (written into the header) and strokes.txt: run it again after either changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import icu

REPORTS = Path(__file__).resolve().parent.parent / "src" / "selector" / "reports"
OUT = REPORTS / "strokes_icu.txt"
ICU_VERSION = "77.1"
# radical → the next radical in Kangxi order: a character is filed under the radical when its
# radical-stroke key falls in [radical, next radical)
HALF_FORM_RADICALS = (("阜", "隶"), ("邑", "酉"))
FULL_FORMS = frozenset("阜邑邕")
OTHERS = (  # blocks of non-Han characters given ICU's rank (the Han characters among them aside)
    (0x0020, 0x024F, "ASCII, Latin-1, Latin Extended-A and -B"),
    (0x0300, 0x036F, "combining diacritical marks"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x04FF, "Cyrillic"),
    (0x2000, 0x206F, "general punctuation"),
    (0x2100, 0x218F, "letterlike symbols, number forms (Ⅰ Ⅱ …)"),
    (0x2460, 0x24FF, "enclosed alphanumerics (① …)"),
    (0x25A0, 0x25FF, "geometric shapes (○ □ …)"),
    (0x3000, 0x303F, "CJK symbols and punctuation"),
    (0x3040, 0x30FF, "hiragana, katakana (・)"),
    (0x3100, 0x312F, "bopomofo"),
    (0x3200, 0x32FF, "enclosed CJK letters and months (㈠ …)"),
    (0xFE10, 0xFE1F, "vertical forms"),
    (0xFE30, 0xFE4F, "CJK compatibility forms"),
    (0xFF00, 0xFFEF, "halfwidth and fullwidth forms"),
)
LICENCE = """\
UNICODE LICENSE V3

COPYRIGHT AND PERMISSION NOTICE

Copyright © 2016-2025 Unicode, Inc.

NOTICE TO USER: Carefully read the following legal agreement. BY
DOWNLOADING, INSTALLING, COPYING OR OTHERWISE USING DATA FILES, AND/OR
SOFTWARE, YOU UNEQUIVOCALLY ACCEPT, AND AGREE TO BE BOUND BY, ALL OF THE
TERMS AND CONDITIONS OF THIS AGREEMENT. IF YOU DO NOT AGREE, DO NOT
DOWNLOAD, INSTALL, COPY, DISTRIBUTE OR USE THE DATA FILES OR SOFTWARE.

Permission is hereby granted, free of charge, to any person obtaining a
copy of data files and any associated documentation (the "Data Files") or
software and any associated documentation (the "Software") to deal in the
Data Files or Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, and/or sell
copies of the Data Files or Software, and to permit persons to whom the
Data Files or Software are furnished to do so, provided that either (a)
this copyright and permission notice appear with all copies of the Data
Files or Software, or (b) this copyright and permission notice appear in
associated Documentation.

THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT OF
THIRD PARTY RIGHTS.

IN NO EVENT SHALL THE COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS NOTICE
BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL INDIRECT OR CONSEQUENTIAL DAMAGES,
OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS,
WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,
ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THE DATA
FILES OR SOFTWARE.

Except as contained in this notice, the name of a copyright holder shall
not be used in advertising or otherwise to promote the sale, use or other
dealings in these Data Files or Software without prior written
authorization of the copyright holder.

SPDX-License-Identifier: Unicode-3.0
"""
HEADER = """\
# ICU {icu}'s Chinese stroke collation (zh@collation=stroke, CLDR data) for the characters
# strokes.txt lacks. Made by tools/make_stroke_fallback.py with PyICU (pyicu-wheels {pyicu});
# read by selector/reports/collation.py. Two kinds of line, each a run of characters in
# ICU's order (the order runs on from line to line); "=" joins characters ICU ranks equal:
#   COUNT TAB CHARACTERS   Han characters and their mainland stroke count (阝 = 2 strokes)
#   + TAB HEX HEX=HEX …    other characters, as code points
# ICU's data is under the Unicode licence:
#
"""
PER_LINE = 64


def chunks(items: list[str], size: int) -> list[list[str]]:
    """`items` in lines of `size`, a tied item ("=X") kept on the line of the one before."""
    lines: list[list[str]] = []
    for item in items:
        if not lines or (len(lines[-1]) >= size and not item.startswith("=")):
            lines.append([])
        lines[-1].append(item)
    return lines


def runs(keyed: list[tuple[bytes, str]], show) -> list[str]:
    """Items in ICU's order, each one after an equal one written "=ITEM"."""
    out, last = [], None
    for key, ch in sorted(keyed):
        out.append(("=" if key == last else "") + show(ch))
        last = key
    return out


def main() -> None:
    if icu.ICU_VERSION != ICU_VERSION:
        sys.exit(f"ICU {icu.ICU_VERSION} here; this file is made with ICU {ICU_VERSION} "
                 "(pip install pyicu-wheels==2.15.2), or change ICU_VERSION on purpose")
    table = {line.split("\t")[0] for line in (REPORTS / "strokes.txt").read_text(encoding="utf-8")
             .splitlines() if line and not line.startswith("#")}
    locale = icu.Locale("zh@collation=stroke")
    stroke = icu.Collator.createInstance(locale)
    index = icu.AlphabeticIndex(locale).buildImmutableIndex()
    unihan = icu.Collator.createInstance(icu.Locale("zh@collation=unihan"))
    ranges = [(unihan.getSortKey(a), unihan.getSortKey(b)) for a, b in HALF_FORM_RADICALS]

    counted: dict[int, list[tuple[bytes, str]]] = {}
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        label = index.getBucket(index.getBucketIndex(ch))[0]
        if not label.endswith("劃") or ch in table:
            continue
        count = int(label[:-1])
        key = unihan.getSortKey(ch)
        if ch not in FULL_FORMS and any(low <= key < high for low, high in ranges):
            count -= 1  # the 阝 form
        counted.setdefault(count, []).append((stroke.getSortKey(ch), ch))
    others = [(stroke.getSortKey(chr(cp)), chr(cp)) for low, high, _ in OTHERS
              for cp in range(low, high + 1)  # unassigned ones too: ICU decides, not Python
              if not index.getBucket(index.getBucketIndex(chr(cp)))[0].endswith("劃")]

    lines = []
    for count in sorted(counted):
        for line in chunks(runs(counted[count], str), PER_LINE):
            lines.append(f"{count}\t{''.join(line)}")
    for line in chunks(runs(others, lambda ch: f"{ord(ch):04X}"), 16):
        lines.append("+\t" + " ".join(line).replace(" =", "="))
    notice = "".join(f"# {line}".rstrip() + "\n" for line in LICENCE.splitlines())
    header = HEADER.format(icu=icu.ICU_VERSION, pyicu=icu.VERSION)
    OUT.write_text(header + notice + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({sum(map(len, counted.values()))} Han characters, {len(others)} others)")


if __name__ == "__main__":
    main()
