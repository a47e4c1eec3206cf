"""Write the XLSX files of tests/data/bad/ that openpyxl can make (run from the checkout:
`.venv/bin/python tests/data/make_bad_xlsx.py`). The same openpyxl gives the same bytes: the
document dates are fixed and the zip is rewritten with fixed entry times, in name order
(`python3 tests/data/make_bad_xlsx.py` twice gives the same files).

Each workbook is the corpus round's rec1 ballot sheet with one thing wrong (test_bad_corpus.py
says what, and where the refusal must point).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

BAD = Path(__file__).resolve().parent / "bad"
HEADER = ["ballot", "category", "审计局局长", "统计局副局长"]
ROWS = [[101, "一般干部", "张伟(审计)", "刘洋"], [102, "一般干部", "王芳", "李娜"], [103, "领导干部", "王芳", "刘洋"]]
WHEN = datetime.datetime(2026, 1, 1)


def ballots(ws, rows=ROWS) -> None:
    ws.append(HEADER)
    for row in rows:
        ws.append(row)


def save(wb: Workbook, name: str, extra: dict[str, bytes] | None = None) -> None:
    wb.properties.created = wb.properties.modified = WHEN
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        members = {n: src.read(n) for n in src.namelist()} | (extra or {})
        # openpyxl stamps the save time as the modification date: fix it too
        members["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z",
                                              members["docProps/core.xml"])
        for member in sorted(members):
            info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, members[member])
    (BAD / name).write_bytes(out.getvalue())


def long_cell() -> None:
    wb = Workbook()
    rows = [list(r) for r in ROWS]
    rows[1][2] = "王芳" * 5001  # 10,002 characters in row 3, column 3
    ballots(wb.active, rows)
    save(wb, "long-cell.xlsx")


def zip_bomb() -> None:
    # A ballot sheet and a part that unpacks from a few KB to 4 MB of nothing.
    wb = Workbook()
    ballots(wb.active)
    save(wb, "zip-bomb.xlsx", {"xl/media/image1.png": bytes(4 << 20)})


def big_styles() -> None:
    # A styles part whose zip directory says it unpacks to 250 MB from 2 MB (packed
    # 125 times: no zip bomb, but more than the parts read whole may hold). Only the
    # directory is read before the refusal, so the file itself stays small.
    wb = Workbook()
    ballots(wb.active)
    save(wb, "big-styles.xlsx")
    data = bytearray((BAD / "big-styles.xlsx").read_bytes())
    name = b"xl/styles.xml"
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + length] == name:
            data[at + 20:at + 28] = (2 << 20).to_bytes(4, "little") + (250 << 20).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    (BAD / "big-styles.xlsx").write_bytes(bytes(data))


def several_sheets() -> None:
    # Two visible sheets with ballots: which one is the count?
    wb = Workbook()
    wb.active.title = "第一组"
    ballots(wb.active)
    ballots(wb.create_sheet("第二组"), [[201, "一般干部", "王芳", "刘洋"]])
    save(wb, "several-sheets.xlsx")


def hidden_ballots() -> None:
    # The ballots are on a hidden sheet; the sheet the clerk sees is empty.
    wb = Workbook()
    wb.active.title = "旧选票"
    ballots(wb.active)
    wb.active.sheet_state = "hidden"
    wb.create_sheet("选票")
    wb.active = 1
    save(wb, "hidden-ballots.xlsx")


def formula() -> None:
    # A mark typed as a formula that was never calculated (no saved value): read as a blank.
    wb = Workbook()
    rows = [list(r) for r in ROWS]
    rows[1][3] = "=C2"
    ballots(wb.active, rows)
    save(wb, "formula-no-value.xlsx")


def merged() -> None:
    # Two posts' cells merged on row 3: the second read as a blank.
    wb = Workbook()
    ballots(wb.active)
    wb.active.merge_cells("C3:D3")
    save(wb, "merged-cells.xlsx")


def main() -> None:
    long_cell()
    zip_bomb()
    big_styles()
    several_sheets()
    hidden_ballots()
    formula()
    merged()


if __name__ == "__main__":
    main()
