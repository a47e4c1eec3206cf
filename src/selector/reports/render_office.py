"""XLSX (openpyxl) and DOCX (python-docx) renderings of a `documents.Document`.

Both are zip files whose entries carry a date: `reproducible_zip` rewrites them with the
document's fixed moment (SOURCE_DATE_EPOCH), so the same database gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

from selector.reports.documents import SIGN_BLANK, Document
from selector.reports.render_text import FORMULA_START, signature_line, text_width
from selector.reports.zipped import stamped_zip

BODY_FONT = ("Times New Roman", "仿宋")  # (Latin, East Asian)
TITLE_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Arial", "黑体")
MAX_WIDTH = 60


def reproducible_zip(data: bytes, moment: datetime) -> bytes:
    """The same zip with every entry dated `moment` (not before 1980, zip's epoch)."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return stamped_zip({info.filename: src.read(info.filename) for info in src.infolist()}, moment)




# -- XLSX ------------------------------------------------------------------------------
def _sheet_name(text: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", text)[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


@dataclass
class SheetPlan:
    """One worksheet as `xlsx` lays it out: its title (before openpyxl renames a title that
    differs from another only in case), its cells in the order they are put (row by row, left
    to right: (row, column, value, bold, size, look)), the table's heading row (frozen and
    printed on every page) and the column widths."""

    title: str
    cells: list[tuple[int, int, object, bool, int, str | None]]
    header_row: int | None
    widths: dict[int, int]


def sheet_plans(doc: Document) -> list[SheetPlan]:
    """One sheet per section (per post): title and meta on top, the section's heading and
    lines, its table (`look`: "head" for a heading, "left"/"right" for a cell, by type),
    notes, signature lines; each measured column as wide as its widest text (+3, at most
    MAX_WIDTH), the first also as its widest meta label."""
    plans = []
    used: set[str] = set()
    meta_width = max((text_width(k) for k, _ in doc.meta), default=0)
    for section in doc.sections:
        cells: list[tuple[int, int, object, bool, int, str | None]] = []
        widths: dict[int, int] = {}
        header_row = None

        def put(row, col, value, bold=False, size=11, measure=False, look=None):
            cells.append((row, col, value, bold, size, look))
            if measure:
                widths[col] = max(widths.get(col, 0), text_width(value))

        r = 1
        put(r, 1, doc.title, bold=True, size=14)
        for label, value in doc.meta:
            r += 1
            put(r, 1, label)
            put(r, 2, value)
        r += 1
        if section.heading:
            r += 1
            put(r, 1, section.heading, bold=True, size=12)
        for line in section.lines:
            r += 1
            put(r, 1, line)
        if section.headers:
            r += 1
            header_row = r
            for c, h in enumerate(section.headers, start=1):
                put(r, c, h, bold=True, measure=True, look="head")
            for row in section.rows:
                r += 1
                for c, value in enumerate(row, start=1):
                    put(r, c, value, measure=True, look="right" if isinstance(value, int) else "left")
        for note in [*section.notes, *doc.notes, *doc.closing]:
            r += 1
            put(r, 1, note)
        if doc.signatures:
            r += 2
            for i, (role, name) in enumerate(doc.signatures):
                put(r, 1 + 2 * i, f"{role}：" if doc.locale != "en" else f"{role}:")
                put(r, 2 + 2 * i, name or SIGN_BLANK)
        widths[1] = max(widths.get(1, 0), meta_width)
        plans.append(SheetPlan(_sheet_name(section.heading or doc.title, used), cells, header_row,
                               {col: min(w + 3, MAX_WIDTH) for col, w in widths.items()}))
    return plans


def xlsx(doc: Document, moment: datetime) -> bytes:
    """One worksheet per section (per post): title and meta on top, the table with a styled,
    frozen header, numbers stored as numbers, and text that looks like a formula kept as text.

    A round of 10,000 posts is 10,000 sheets: the parts are written directly, as openpyxl
    writes them (`xlsx_parts`, in time linear in the cells); a document that holds anything
    that writer leaves alone is made by openpyxl (`xlsx_openpyxl`), which is also what the
    tests compare the direct parts with."""
    from selector.reports import xlsx_parts

    plans = sheet_plans(doc)
    made = xlsx_parts.workbook(doc, plans, moment, lambda kinds: _cell_styles(doc, kinds, moment))
    return made if made is not None else xlsx_openpyxl(doc, moment, plans)


def _styler(doc: Document):
    """put(cell, bold, size, quoted, look): style a cell as `xlsx` does, through openpyxl."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = BODY_FONT[1] if doc.locale != "en" else "Calibri"
    head_fill = PatternFill("solid", fgColor="D9E1F2")

    def style(cell, bold: bool, size: int, quoted: bool, look: str | None) -> None:
        if quoted:
            cell.quotePrefix = True
        cell.font = Font(name=font, bold=bold, size=size)
        if look == "head":
            cell.fill = head_fill
            cell.border = border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif look is not None:
            cell.border = border
            cell.alignment = Alignment(horizontal=look, vertical="center")

    return style


def _properties(wb, doc: Document, moment: datetime) -> None:
    props = wb.properties
    props.creator = "selector"
    props.lastModifiedBy = "selector"
    props.title = doc.title
    props.created = props.modified = moment.replace(tzinfo=None)


def _save(wb) -> dict[str, bytes]:
    """The workbook's parts as openpyxl writes them, in its order (a dict keeps it).
    Workbook.save() stamps `modified` with the clock; the writer itself keeps ours."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _writer()(wb, archive).save()  # closes the archive; `with` closes it if openpyxl refuses
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as written:
        return {info.filename: written.read(info.filename) for info in written.infolist()}


def _cell_styles(doc: Document, kinds: list[tuple], moment: datetime) -> dict[str, bytes]:
    """The parts of a workbook that do not depend on its sheets but on the kinds of cell
    it holds: styles.xml (fonts, fills, borders, alignments and cell formats in the order the
    kinds first appear), the theme, the document properties and the package relationships;
    made by openpyxl from one sheet with a cell of each kind, in that order."""
    from openpyxl import Workbook

    style = _styler(doc)
    wb = Workbook()
    ws = wb.active
    for i, (bold, size, quoted, look) in enumerate(kinds, start=1):
        cell = ws.cell(row=i, column=1, value="=x" if quoted else "x")
        if quoted:
            cell.data_type = "s"
        style(cell, bold, size, quoted, look)
    _properties(wb, doc, moment)
    return _save(wb)


def xlsx_openpyxl(doc: Document, moment: datetime, plans: list[SheetPlan] | None = None) -> bytes:
    """`xlsx` through openpyxl's objects (the reference the direct parts are checked against,
    and the maker of any document they leave alone): each kind of cell is styled through
    openpyxl once and its style array copied to the others, and sheets are added and written
    without openpyxl's per-sheet scans (see `_add_sheet`, `_writer`)."""
    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter

    style = _styler(doc)
    wb = Workbook()
    wb.remove(wb.active)
    lowered: set[str] = set()
    # (bold, size, quoted, look) -> the style array openpyxl made for the first such cell. The
    # workbook's font, fill, border and alignment lists grow in the order kinds first appear,
    # as when every cell was styled one by one, so the style ids are the same.
    looks: dict[tuple, StyleArray] = {}
    for plan in plans if plans is not None else sheet_plans(doc):
        ws = _add_sheet(wb, plan.title, lowered)
        for row, col, value, bold, size, look in plan.cells:
            cell = ws.cell(row=row, column=col, value=value)
            quoted = isinstance(value, str) and value.startswith(FORMULA_START)
            if quoted:
                cell.data_type = "s"  # text, never a formula
            key = (bold, size, quoted, look)
            found = looks.get(key)
            if found is not None:
                cell._style = StyleArray(found)
            else:
                style(cell, bold, size, quoted, look)
                looks[key] = StyleArray(cell._style)
        if plan.header_row is not None:
            ws.freeze_panes = ws.cell(row=plan.header_row + 1, column=1)
            ws.print_title_rows = f"{plan.header_row}:{plan.header_row}"
        for col, w in plan.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = w
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
    if not doc.sections:
        wb.create_sheet(doc.title[:31])
    _properties(wb, doc, moment)
    return stamped_zip(_save(wb), moment)


def _add_sheet(wb, title: str, lowered: set[str]):
    """`wb.create_sheet(title)` without its scan of every sheet's name (a round's sheets
    would cost time quadratic in posts): openpyxl renames a title that matches another's
    regardless of case, which is looked up in `lowered` (each title so far, lower-cased) and
    left to openpyxl itself in that rare case."""
    from openpyxl.workbook.child import avoid_duplicate_name

    if title.lower() in lowered:
        title = avoid_duplicate_name(wb.sheetnames, title)
    sheets, wb._sheets = wb._sheets, []  # nothing to compare the new title with: done above
    try:
        ws = wb.create_sheet(title)
    finally:
        wb._sheets = sheets
    sheets.append(ws)
    lowered.add(ws.title.lower())
    return ws


def _writer():
    """openpyxl's ExcelWriter, writing each worksheet's XML in memory rather than through a
    temporary file (created, read back and removed per sheet: ~1.5 ms a sheet). The zip is
    rewritten by `reproducible_zip`, so only each part's bytes and the parts' order count."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class Writer(ExcelWriter):
        def write_worksheet(self, ws):  # ExcelWriter.write_worksheet (openpyxl 3.1), in memory
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.out.getvalue())
            self.manifest.append(ws)

    return Writer


# -- DOCX ------------------------------------------------------------------------------
def set_fonts(target, fonts: tuple[str, str], size=None, bold=None) -> None:
    """Latin and East Asian font names on a run or style (Word needs w:eastAsia for CJK)."""
    from docx.oxml.ns import qn

    target.font.name = fonts[0]
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), fonts[0])
    rfonts.set(qn("w:eastAsia"), fonts[1])
    if size is not None:
        target.font.size = size
    if bold is not None:
        target.font.bold = bold


def _fit_columns(table, section, available: int) -> None:
    """Column widths in proportion to their widest text, so names and units do not wrap
    while a 序号 column takes little room."""
    need = [max([text_width(h) + 2] + [text_width(r[i]) + 2 for r in section.rows if i < len(r)])
            for i, h in enumerate(section.headers)]
    need = [min(max(n, 5), 40) for n in need]
    total = sum(need)
    table.autofit = False
    for i, column in enumerate(table.columns):
        width = int(available * need[i] / total)
        column.width = width
        for cell in column.cells:
            cell.width = width


def docx(doc: Document, moment: datetime) -> bytes:
    """A4 pages, a centred title, bordered tables with a repeating header, 宋体/仿宋/黑体 set as
    the East Asian fonts so Chinese renders in Word and LibreOffice alike."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = Docx()
    sec = d.sections[0]
    wide = sum(len(s.headers) for s in doc.sections[:1]) > 6
    sec.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (Mm(297), Mm(210)) if wide else (Mm(210), Mm(297))
    sec.top_margin = sec.bottom_margin = Mm(25)
    sec.left_margin = sec.right_margin = Mm(22)
    normal = d.styles["Normal"]
    set_fonts(normal, BODY_FONT, Pt(12))
    normal.paragraph_format.space_after = Pt(3)

    def para(text: str, fonts=BODY_FONT, size=None, bold=None, align=None, before=None):
        p = d.add_paragraph()
        run = p.add_run(text)
        set_fonts(run, fonts, size, bold)
        if align is not None:
            p.alignment = align
        if before is not None:
            p.paragraph_format.space_before = before
        return p

    para(doc.title, TITLE_FONT, Pt(18), True, WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_after = Pt(12)
    colon = "：" if doc.locale != "en" else ": "
    for label, value in doc.meta:
        para(f"{label}{colon}{value}", size=Pt(10.5))
    for section in doc.sections:
        if section.heading:
            para(section.heading, HEADING_FONT, Pt(13), True, before=Pt(12))
        for line in section.lines:
            para(line)
        if section.headers:
            table = d.add_table(rows=1, cols=len(section.headers))
            table.style = d.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            header = table.rows[0]
            trpr = header._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            trpr.append(repeat)
            for cell, h in zip(header.cells, section.headers):
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                set_fonts(p.add_run(str(h)), HEADING_FONT, Pt(10.5), True)
            # a column of numbers or short words is centred; one of longer text reads from the left
            centred = [all(isinstance(r[i], int) or text_width(r[i]) <= 8 for r in section.rows)
                       for i in range(len(section.headers))]
            size = Pt(10.5) if len(section.headers) <= 6 else Pt(9)
            for row in section.rows:
                cells = table.add_row().cells
                for cell, value, centre in zip(cells, row, centred):
                    p = cell.paragraphs[0]
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
                    set_fonts(p.add_run(str(value)), BODY_FONT, size)
            _fit_columns(table, section, sec.page_width - sec.left_margin - sec.right_margin)
        for i, note in enumerate(section.notes):
            para(note, size=Pt(10.5), before=Pt(4) if i == 0 else None)
    for note in doc.notes:
        para(note, before=Pt(6))
    for i, line in enumerate(doc.closing):
        para(line, align=WD_ALIGN_PARAGRAPH.RIGHT, before=Pt(18) if i == 0 else None)
    if doc.signatures:
        para(signature_line(doc), before=Pt(24))
    props = d.core_properties
    props.author = "selector"
    props.last_modified_by = "selector"
    props.title = doc.title
    props.created = props.modified = moment.replace(tzinfo=None)
    props.last_printed = moment.replace(tzinfo=None)
    props.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return reproducible_zip(buf.getvalue(), moment)
