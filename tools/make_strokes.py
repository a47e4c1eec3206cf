#!/usr/bin/env python3
"""Write src/selector/reports/strokes.txt from cnchar-order's stroke data.

    npm pack cnchar-order@3.2.6 && tar xzf cnchar-order-3.2.6.tgz
    python3 tools/make_strokes.py package/cnchar.order.min.js

cnchar-order (MIT, https://github.com/theajack/cnchar) gives each character's strokes in
writing order. Each stroke is reduced to the five classes of GB 13000.1 stroke order —
1 横 (with 提), 2 竖 (with 竖钩), 3 撇, 4 点 (with 捺), 5 折 (every other bent stroke) — which
is what 按姓氏笔画为序 compares: the number of strokes first, then the strokes in order.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "selector" / "reports" / "strokes.txt"
CLASS = {"j": "1", "i": "1", "f": "2", "g": "2", "s": "3", "k": "4", "d": "4", "l": "4"}
HEADER = """\
# Stroke order of Han characters in the five classes of GB 13000.1 (1 横 2 竖 3 撇 4 点 5 折),
# one character a line: CHARACTER TAB STROKES. Made by tools/make_strokes.py from the data of
# cnchar-order 3.2.6 (https://github.com/theajack/cnchar), under its licence:
#
"""


def main(source: str) -> None:
    js = Path(source).read_text(encoding="utf-8")
    match = re.search(r"JSON\.parse\('(\{\"一\".*?\})'\)", js, re.S)
    if not match:
        sys.exit(f"{source}: no stroke table found (is this cnchar.order.min.js?)")
    data = json.loads(match.group(1))
    lines = [f"{ch}\t{''.join(CLASS.get(s, '5') for s in strokes)}" for ch, strokes in data.items()
             if len(ch) == 1]
    licence = (Path(source).parent / "LICENSE").read_text(encoding="utf-8").strip().splitlines()
    notice = "".join(f"# {line}".rstrip() + "\n" for line in licence)
    OUT.write_text(HEADER + notice + "\n".join(sorted(lines)) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines)} characters)")


if __name__ == "__main__":
    main(sys.argv[1])
