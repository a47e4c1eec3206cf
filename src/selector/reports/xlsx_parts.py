"""The parts of an XLSX export, written directly as openpyxl 3.1 writes them.

openpyxl builds an object per cell and per sheet and serialises each through lxml: ~2 ms a
sheet, and an export of 10,000 posts is 10,000 sheets. The sheets of `render_office.xlsx`
are plain — text and whole numbers, one style per kind of cell, a frozen and printed
heading row, column widths — so their XML is written here as text, in the form openpyxl
gives it (lxml's `xmlfile` for sheets: ASCII, other characters as `&#N;`; `tostring` in
UTF-8 for the workbook). The parts that do not depend on the sheets — styles, theme,
properties — come from openpyxl itself (`render_office._cell_styles`), and the workbook's
list of sheets is spliced into openpyxl's own workbook.xml, relationships and content types.

`workbook` returns None for a document it does not write exactly as openpyxl would (a value
that is neither text nor a whole number, text openpyxl refuses or changes — control
characters, more than 32,767 characters, an error code like #N/A — or an openpyxl running
without lxml); `render_office.xlsx_openpyxl` then makes it. `tests/reports/test_xlsx_parts.py`
compares both, part by part, on the example round's documents and on random ones.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Callable
from xml.sax.saxutils import escape  # & < > as lxml writes them

if TYPE_CHECKING:
    from selector.reports.documents import Document
    from selector.reports.render_office import SheetPlan

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# What the writer would refuse, change or write otherwise: openpyxl's illegal characters
# (an error), other controls, DEL and C1 (lxml writes these as they are, Python as refs),
# surrogates, non-characters.
UNUSUAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
TITLE_BREAKS = re.compile("[\t\n\r]")  # escaped in attributes: not in sheet names here
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
LONGEST = 32_767  # openpyxl cuts longer text
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as render_text.FORMULA_START

SHEET_HEAD = (f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
              '<pageSetUpPr fitToPage="1"/></sheetPr>')
SHEET_FORMAT = '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
PAGE_SETUP = '<pageSetup{orientation} paperSize="9" fitToHeight="0" fitToWidth="1"/>'
FOOTER = ('<headerFooter><oddHeader></oddHeader><oddFooter>{footer}</oddFooter><evenHeader></evenHeader>'
          '<evenFooter></evenFooter><firstHeader></firstHeader><firstFooter></firstFooter></headerFooter>')
PLAIN_VIEW = '<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
FROZEN_VIEW = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="{split}" topLeftCell="A{top}" '
               'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" '
               'sqref="A1"/></sheetView></sheetViews>')


def kinds(plans: list["SheetPlan"]) -> dict[tuple, int]:
    """(bold, size, quoted, look) -> the cell style id openpyxl gives it: 1, 2, … in the order
    the kinds first appear (0 is openpyxl's default style, which no cell here has)."""
    found: dict[tuple, int] = {}
    for plan in plans:
        for _, _, value, bold, size, look in plan.cells:
            key = (bold, size, isinstance(value, str) and value.startswith(FORMULA_START), look)
            if key not in found:
                found[key] = len(found) + 1
    return found


def workbook(doc: "Document", plans: list["SheetPlan"], moment: datetime,
             fixed: Callable[[list[tuple]], dict[str, bytes]]) -> bytes | None:
    """The XLSX file, or None when openpyxl must make it (see the module's notes). `fixed`:
    given the kinds of cell in order, openpyxl's parts for a one-sheet workbook with a cell of
    each kind (styles, theme, properties, and the workbook parts the sheets are spliced into)."""
    import openpyxl

    from selector.reports.zipped import stamped_zip

    if not openpyxl.LXML or not plans or not _plain(plans):
        return None
    titles = _titles([p.title for p in plans])
    if any(UNUSUAL.search(t) or TITLE_BREAKS.search(t) for t in titles):
        return None
    styles = kinds(plans)
    fixed_parts = fixed(list(styles))
    texts: dict[str, str] = {}  # the title, labels and signature lines recur on every sheet

    def sheets():  # each sheet's XML made as it goes into the zip (not all held at once)
        for i, plan in enumerate(plans, start=1):
            xml = _sheet(plan, styles, texts)
            if xml is None:
                raise _Unusual
            yield f"xl/worksheets/sheet{i}.xml", xml

    def parts():
        for name, data in fixed_parts.items():
            if name.startswith("xl/worksheets/"):
                yield from sheets()
            elif name == "xl/workbook.xml":
                yield name, _workbook_xml(data, titles, plans)
            elif name == "xl/_rels/workbook.xml.rels":
                yield name, _workbook_rels(data, len(plans))
            elif name == "[Content_Types].xml":
                yield name, _content_types(data, len(plans))
            else:
                yield name, data

    try:
        return stamped_zip(parts(), moment)
    except _Unusual:
        return None


class _Unusual(Exception):
    """A cell this writer leaves to openpyxl."""


def _plain(plans: list["SheetPlan"]) -> bool:
    """Is every value text or a whole number this writer writes as openpyxl does? (Checked
    before anything is made, so a document openpyxl refuses is refused by openpyxl.)"""
    for plan in plans:
        for cell in plan.cells:
            value = cell[2]
            kind = type(value)
            if kind is str:
                if len(value) > LONGEST or value in ERROR_CODES or UNUSUAL.search(value):
                    return False
            elif kind is not int:
                return False
    return True


def _titles(titles: list[str]) -> list[str]:
    """The sheet titles as openpyxl sets them: a title equal to an earlier one but for case
    gets a number (openpyxl's avoid_duplicate_name, asked only then)."""
    from openpyxl.workbook.child import avoid_duplicate_name

    out: list[str] = []
    lowered: set[str] = set()
    for title in titles:
        if title.lower() in lowered:
            title = avoid_duplicate_name(out, title)
        out.append(title)
        lowered.add(title.lower())
    return out


def _text(value: str) -> str:
    """Text as lxml's xmlfile writes it (ASCII): & < > and CR escaped, the rest as &#N;."""
    value = escape(value)
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value if value.isascii() else value.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _sheet(plan: "SheetPlan", styles: dict[tuple, int], texts: dict[str, str]) -> bytes | None:
    from openpyxl.utils import get_column_letter

    rows: dict[int, list[str]] = {}
    seen: set[tuple[int, int]] = set()
    columns: set[int] = set()
    for row, col, value, bold, size, look in plan.cells:
        if (row, col) in seen:
            return None  # a cell put twice: not in these layouts
        seen.add((row, col))
        columns.add(col)
        ref = f"{get_column_letter(col)}{row}"
        kind = type(value)
        if kind is int:
            cell = f'<c r="{ref}" s="{styles[bold, size, False, look]}" t="n"><v>{"%.16g" % value}</v></c>'
        elif kind is str:  # (text `_plain` let through)
            style = styles[bold, size, value.startswith(FORMULA_START), look]
            if not value:
                cell = f'<c r="{ref}" s="{style}" t="inlineStr"></c>'
            else:
                text = texts.get(value)
                if text is None:
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    text = f"<is><t{space}>{_text(value)}</t></is></c>"
                    if len(texts) < 10_000:
                        texts[value] = text
                cell = f'<c r="{ref}" s="{style}" t="inlineStr">{text}'
        else:
            return None  # None, bool, float, a date…: openpyxl's own rules
        rows.setdefault(row, []).append((col, cell))
    if plan.header_row is not None:
        # openpyxl's freeze_panes took the cell under the heading row: it exists (empty) if
        # nothing was put there, and counts in the dimension
        below = plan.header_row + 1
        columns.add(1)
        rows.setdefault(below, [])
    if not rows:
        return None
    for row, first, last in plan.merges:  # openpyxl's merged cells count in the dimension
        columns.update((first, last))
    first, last = min(columns), max(columns)
    out = [SHEET_HEAD, f'<dimension ref="{get_column_letter(first)}{min(rows)}:{get_column_letter(last)}{max(rows)}"/>',
           FROZEN_VIEW.format(split=plan.header_row, top=plan.header_row + 1) if plan.header_row is not None
           else PLAIN_VIEW, SHEET_FORMAT]
    if plan.widths:
        out.append("<cols>")
        out += [f'<col width="{"%.16g" % width}" customWidth="1" min="{col}" max="{col}"/>'
                for col, width in sorted(plan.widths.items())]
        out.append("</cols>")
    out.append("<sheetData>")
    heights = plan.heights
    for row in sorted(rows):
        cells = rows[row]
        cells.sort()
        height = heights.get(row)
        tall = f' ht="{"%.16g" % height}" customHeight="1"' if height is not None else ""
        out.append(f'<row r="{row}"{tall}>{"".join(cell for _, cell in cells)}</row>')
    for row in sorted(set(heights) - set(rows)):
        return None  # a tall row with nothing in it: not in these layouts
    out.append("</sheetData>")
    if plan.merges:
        merged = _merged(plan.merges)
        out.append(f'<mergeCells count="{len(merged)}">')
        out += [f'<mergeCell ref="{get_column_letter(r.first)}{r.row}:{get_column_letter(r.last)}{r.row}"/>'
                for r in merged]
        out.append("</mergeCells>")
    out.append(MARGINS)
    out.append(PAGE_SETUP.format(orientation=' orientation="landscape"' if plan.landscape else ""))
    if plan.footer_left:  # as render_office: initials left, page numbers right
        footer = f"&L{plan.footer_left}" + (f"&R{plan.footer_pages}" if plan.footer_pages else "")
    else:
        footer = f"&C{plan.footer_pages}" if plan.footer_pages else ""
    out.append(FOOTER.format(footer=_text(footer)))
    out.append("</worksheet>")
    return "".join(out).encode("ascii")


def _attr(value: str) -> str:
    """An attribute value as lxml's tostring writes it in UTF-8 (no CR, tab or line break here)."""
    return escape(value, {'"': "&quot;"})


def _splice(data: bytes, start: bytes, end: bytes, inner: str) -> bytes:
    """`data` with what lies between `start` and `end` (both kept) replaced by `inner`."""
    head, found, rest = data.partition(start)
    _, found_end, tail = rest.partition(end)
    if not found or not found_end:
        raise ValueError(f"openpyxl wrote an unexpected part: no {start!r} … {end!r}")
    return head + start + inner.encode("utf-8") + end + tail


def _workbook_xml(data: bytes, titles: list[str], plans: list["SheetPlan"]) -> bytes:
    from openpyxl.utils import quote_sheetname

    sheets = "".join(f'<sheet xmlns:r="{REL}" name="{_attr(t)}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
                     for i, t in enumerate(titles, start=1))
    data = _splice(data, b"<sheets>", b"</sheets>", sheets)
    from openpyxl.utils import get_column_letter

    names = "".join(
        (f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
         f'{escape(quote_sheetname(t))}!${p.header_row}:${p.header_row}</definedName>'
         if p.header_row is not None else "")
        + f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">'
          f'{escape(quote_sheetname(t))}!$A$1:${get_column_letter(p.last_col)}${p.last_row}</definedName>'
        for i, (t, p) in enumerate(zip(titles, plans)))
    empty = b"<definedNames/>"
    if empty not in data:
        raise ValueError("openpyxl wrote an unexpected workbook.xml: no <definedNames/>")
    return data.replace(empty, f"<definedNames>{names}</definedNames>".encode("utf-8") if names else empty, 1)


def _workbook_rels(data: bytes, count: int) -> bytes:
    sheet = b'Target="/xl/worksheets/sheet1.xml" Id="rId1"/>'
    head, found, tail = data.partition(b"<Relationship ")
    if not found or sheet not in tail:
        raise ValueError("openpyxl wrote unexpected workbook relationships")
    one, _, others = tail.partition(sheet)
    prefix = (found + one).decode("utf-8")
    rels = "".join(f'{prefix}Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>' for i in range(1, count + 1))
    # the styles and theme follow the sheets: rId2, rId3 in a one-sheet workbook
    others = re.sub(rb'Id="rId([23])"', lambda m: f'Id="rId{count + int(m[1]) - 1}"'.encode(), others)
    return head + rels.encode("utf-8") + others


def _content_types(data: bytes, count: int) -> bytes:
    one = f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'.encode()
    if data.count(one) != 1:
        raise ValueError("openpyxl wrote unexpected content types")
    many = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
                   for i in range(1, count + 1))
    return data.replace(one, many.encode(), 1)


class _Merge:
    """A one-row merged range that hashes as openpyxl's CellRange does (its bounds' tuple)."""

    __slots__ = ("row", "first", "last")

    def __init__(self, row: int, first: int, last: int):
        self.row, self.first, self.last = row, first, last

    def __hash__(self) -> int:
        return hash((self.row, self.first, self.row, self.last))

    def __eq__(self, other) -> bool:
        return (self.row, self.first, self.last) == (other.row, other.first, other.last)


def _merged(merges) -> set:
    """The merged ranges in the order openpyxl writes them: its MultiCellRange keeps them in a
    set (a range inside one already there is not added), so a set of ranges with the same
    hashes, added in the same order, iterates in the same order (without openpyxl's descriptor
    checks, which cost a big workbook seconds)."""
    out: set = set()
    for row, first, last in merges:
        if not any(r.row == row and r.first <= first and last <= r.last for r in out):
            out.add(_Merge(row, first, last))
    return out
