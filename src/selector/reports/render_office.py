"""XLSX (openpyxl) and DOCX (python-docx) renderings of a `documents.Document`.

Both are zip files whose entries carry a date: `reproducible_zip` rewrites them with the
document's fixed moment (SOURCE_DATE_EPOCH), so the same database gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from selector.records import dataclass, field
from selector.reports.documents import Document, Section
from selector.reports.render_text import FORMULA_START, label_colon, sign_date, text_width
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
    printed on every page), the column widths, and how it prints: merged ranges that carry
    long text (wrapped, their rows made tall enough), landscape or not, the print area's last
    column and row, and the page footer."""

    title: str
    cells: list[tuple[int, int, object, bool, int, str | None]]
    header_row: int | None
    widths: dict[int, int]
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first column, last column)
    heights: dict[int, int] = field(default_factory=dict)  # row -> points
    landscape: bool = False
    last_col: int = 1
    last_row: int = 1
    footer_left: str = ""  # a count sheet's initials line (then the page numbers go right)
    footer_pages: str = ""  # the page numbers: centred, or on the right beside footer_left


DEFAULT_WIDTH = 9  # a column Excel leaves at its default width, in characters
LINE_ROOM = 80  # text runs wrap within at least this many characters (more when the table is wider)
PORTRAIT_ROOM = 100  # a table wider than this prints on a landscape page
LINE_HEIGHT = 15  # points per line of 11-point text
SIGN_LINE = "________________"  # a signature line of real length (about 4 cm)


def page_numbers(locale: str) -> str:
    """The footer's page numbers in Excel's codes: 第 &P 页 共 &N 页."""
    return "第 &P 页 共 &N 页" if locale != "en" else "Page &P of &N"


def sheet_plans(doc: Document) -> list[SheetPlan]:
    """One sheet per section (per post): masthead, title, lead and meta on top, the section's
    heading and lines, its table (`look`: "head" for a heading, "left"/"right" for a cell, by
    type), notes, the 落款 and a signature block (one signer a row, a line to sign, 年 月 日).
    Each table column is as wide as its widest text in display columns (CJK counts two, +3,
    at most MAX_WIDTH), the first also as its widest meta label; text outside the table is put
    in its first cell, merged across the table's width (at least LINE_ROOM) and wrapped, its
    row as tall as its lines. Every sheet prints fitted to one page wide, landscape when the
    table is wider than PORTRAIT_ROOM, its heading row on every page, with page numbers and
    (on a count sheet) the signers' initials in the footer."""
    plans = []
    used: set[str] = set()
    meta_width = max((text_width(k) for k, _ in doc.meta), default=0)
    for section in doc.sections:
        cells: list[tuple[int, int, object, bool, int, str | None]] = []
        widths: dict[int, int] = {}
        for c, h in enumerate(section.headers, start=1):
            widths[c] = text_width(h)
        for row in section.rows:
            for c, value in enumerate(row, start=1):
                widths[c] = max(widths.get(c, 0), text_width(value))
        widths[1] = max(widths.get(1, 0), meta_width)
        widths = {col: min(w + 3, MAX_WIDTH) for col, w in widths.items()}
        table_cols = max(len(section.headers), 1)
        span, room = table_cols, sum(widths.get(c, DEFAULT_WIDTH) for c in range(1, table_cols + 1))
        while room < LINE_ROOM:  # text lines wrap over at least LINE_ROOM characters
            span += 1
            room += widths.get(span, DEFAULT_WIDTH)
        merges: list[tuple[int, int, int]] = []
        heights: dict[int, int] = {}

        def put(row, col, value, bold=False, size=11, look=None):
            cells.append((row, col, value, bold, size, look))

        def text(row, value, col=1, bold=False, size=11):
            """A line of text from column `col` to the span's end, wrapped when it is long."""
            first_room = room - sum(widths.get(c, DEFAULT_WIDTH) for c in range(1, col))
            put(row, col, value, bold, size, "wrap" if col < span else None)
            if col < span:
                merges.append((row, col, span))
            lines = -(-text_width(value) * size // (11 * max(first_room, 1)))
            if lines > 1 or size > 11:  # a merged cell is never made taller by the program: say how tall
                heights[row] = LINE_HEIGHT * max(lines, 1) * size // 11 + (4 if size > 11 else 0)

        r = 0
        for line in doc.masthead:
            r += 1
            text(r, line, bold=True, size=12)
        r += 1
        text(r, doc.title, bold=True, size=14)
        for line in doc.lead:
            r += 1
            text(r, line)
        for label, value in doc.meta:
            r += 1
            put(r, 1, label)
            text(r, value, col=2)
        r += 1
        if section.heading:
            r += 1
            text(r, section.heading, bold=True, size=12)
        for line in section.lines:
            r += 1
            text(r, line)
        header_row = None
        if section.headers:
            r += 1
            header_row = r
            for c, h in enumerate(section.headers, start=1):
                put(r, c, h, bold=True, look="head")
            for row in section.rows:
                r += 1
                for c, value in enumerate(row, start=1):
                    put(r, c, value, look="right" if isinstance(value, int) else "left")
        for note in [*section.notes, *doc.notes]:
            r += 1
            text(r, note)
        if doc.closing:
            r += 1
        for line in doc.closing:
            r += 1
            text(r, line)
        if doc.signatures:
            r += 1
            for role, name in doc.signatures:
                r += 2  # room to sign
                put(r, 1, f"{role}{sign_role_colon(doc)}")
                put(r, 2, f"{name}　{SIGN_LINE}" if name else SIGN_LINE)
            r += 2
            put(r, 1, sign_date(doc))
        plans.append(SheetPlan(_sheet_name(section.heading or doc.title, used), cells, header_row, widths,
                               merges, heights, room > PORTRAIT_ROOM, span, r, doc.initials,
                               page_numbers(doc.locale)))
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
        elif look == "wrap":
            cell.alignment = Alignment(vertical="top", wrap_text=True)
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
        for row, first, last in plan.merges:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        for row, height in plan.heights.items():
            ws.row_dimensions[row].height = height
        if plan.header_row is not None:
            ws.freeze_panes = ws.cell(row=plan.header_row + 1, column=1)
            ws.print_title_rows = f"{plan.header_row}:{plan.header_row}"
        for col, w in plan.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = w
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        if plan.landscape:
            ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_area = f"A1:{get_column_letter(plan.last_col)}{plan.last_row}"
        if plan.footer_left:  # the initials line on the left, the page numbers on the right
            ws.oddFooter.left.text = plan.footer_left
            ws.oddFooter.right.text = plan.footer_pages
        else:
            ws.oddFooter.center.text = plan.footer_pages
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


@dataclass(frozen=True)
class Para:
    """A paragraph of one run: its text and look (fonts, size and spacing in points, bold,
    alignment "center" | "right" | None)."""

    text: str
    fonts: tuple[str, str] = BODY_FONT
    size: float | None = None
    bold: bool | None = None
    align: str | None = None
    before: float | None = None
    after: float | None = None
    keep: bool = False  # kept on the page of the block that follows (a heading with its table)


def docx_blocks(doc: Document) -> tuple[bool, list]:
    """Whether the pages lie landscape (a table of more than six columns), and the
    document's blocks in order: `Para`s and `Section`s (their tables)."""
    wide = any(len(s.headers) > 6 for s in doc.sections)  # any table of more than six columns
    blocks: list = [Para(line, TITLE_FONT, 16 if i == 0 else 12, i == 0, "center", keep=True)
                    for i, line in enumerate(doc.masthead)]
    blocks.append(Para(doc.title, TITLE_FONT, 18, True, "center", after=4 if doc.lead else 12, keep=True))
    blocks += [Para(line, size=10.5, align="center", after=12 if i == len(doc.lead) - 1 else None, keep=True)
               for i, line in enumerate(doc.lead)]
    colon = label_colon(doc)
    blocks += [Para(f"{label}{colon}{value}", size=10.5) for label, value in doc.meta]
    for section in doc.sections:
        # a heading and the lines over a table stay on the table's page (keep with next)
        if section.heading:
            blocks.append(Para(section.heading, HEADING_FONT, 13, True, before=12, keep=True))
        blocks += [Para(line, keep=bool(section.headers)) for line in section.lines]
        if section.headers:
            blocks.append(section)
        blocks += [Para(note, size=10.5, before=4 if i == 0 else None) for i, note in enumerate(section.notes)]
    blocks += [Para(note, before=6) for note in doc.notes]
    # the 落款 and the signature block stay together on the last page, with room to sign
    last = not doc.signatures
    blocks += [Para(line, align="right", before=18 if i == 0 else None, keep=not (last and i == len(doc.closing) - 1))
               for i, line in enumerate(doc.closing)]
    if doc.signatures:
        # a name signed for at certification is printed, with the line its signature goes on
        blocks += [Para(f"{role}{sign_role_colon(doc)}{name + '　' if name else ''}{SIGN_LINE}",
                        before=24 if i == 0 else 18, keep=True)
                   for i, (role, name) in enumerate(doc.signatures)]
        blocks.append(Para(sign_date(doc), align="right", before=18))
    return wide, blocks


def sign_role_colon(doc: Document) -> str:
    return "（签字）：" if doc.locale != "en" else " (signature): "


def table_looks(section) -> tuple[list[bool], float]:
    """Which columns are centred (numbers or short words; longer text reads from the left),
    and the size of the table's text (smaller for more than six columns)."""
    centred = [all(isinstance(r[i], int) or text_width(r[i]) <= 8 for r in section.rows)
               for i in range(len(section.headers))]
    return centred, 10.5 if len(section.headers) <= 6 else 9


TEXT_UNIT = 70200  # EMU a table cell needs per unit of display width (a CJK character is two) at 10.5 pt,
# its margins counted in the two units each column's need adds (1.95 mm)
SHORT_COLUMN = 14  # a column needing no more than this (six CJK characters) is not wrapped


def column_widths(section, available: int) -> list[int]:
    """Column widths (EMU) in proportion to their widest text, so names and units do not wrap
    while a 序号 column takes little room."""
    need = [max([text_width(h) + 2] + [text_width(r[i]) + 2 for r in section.rows if i < len(r)])
            for i, h in enumerate(section.headers)]
    need = [min(max(n, 5), 40) for n in need]
    total = sum(need)
    if available >= total * TEXT_UNIT:
        return [int(available * n / total) for n in need]
    # Too little room for every column's text: the short columns (序号, 性别, 民族, dates) keep
    # what their text needs, so 汉族 does not break over two lines, and the long ones (unit,
    # post) share the rest and wrap.
    short = [n <= SHORT_COLUMN for n in need]
    fixed = sum(n * TEXT_UNIT for n, s in zip(need, short) if s)
    longs = sum(n for n, s in zip(need, short) if not s)
    if not longs or available - fixed < longs * TEXT_UNIT // 2:
        return [int(available * n / total) for n in need]
    return [int(n * TEXT_UNIT) if s else int((available - fixed) * n / longs) for n, s in zip(need, short)]


def docx_skeleton(doc: Document, moment: datetime, wide: bool):
    """The python-docx document every DOCX export starts from: A4 (landscape when `wide`),
    margins, the Normal style's fonts, the properties; its body still empty."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    d = Docx()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (Mm(297), Mm(210)) if wide else (Mm(210), Mm(297))
    sec.top_margin = sec.bottom_margin = Mm(25)
    sec.left_margin = sec.right_margin = Mm(22)
    normal = d.styles["Normal"]
    set_fonts(normal, BODY_FONT, Pt(12))
    normal.paragraph_format.space_after = Pt(3)
    _footer(sec, doc)
    props = d.core_properties
    props.author = "selector"
    props.last_modified_by = "selector"
    props.title = doc.title
    props.created = props.modified = moment.replace(tzinfo=None)
    props.last_printed = moment.replace(tzinfo=None)
    props.revision = 1
    return d


def _footer(sec, doc: Document) -> None:
    """The page footer: the signers' initials line of a count sheet, then 第 X 页 共 Y 页 (PAGE and
    NUMPAGES fields, which Word and LibreOffice fill in)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    footer = sec.footer
    first = footer.paragraphs[0]
    if doc.initials:
        set_fonts(first.add_run(doc.initials), BODY_FONT, Pt(9))
        numbers = footer.add_paragraph()
    else:
        numbers = first
    numbers.alignment = WD_ALIGN_PARAGRAPH.CENTER
    zh = doc.locale != "en"
    for piece in (("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页") if zh else ("Page ", "PAGE", " of ", "NUMPAGES", "")):
        if piece in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), piece)
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            numbers._p.append(field)
        elif piece:
            set_fonts(numbers.add_run(piece), BODY_FONT, Pt(9))


def add_para(container, block: Para):
    """`block` added to a python-docx container (document, cell…) as the exports make it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = container.add_paragraph()
    run = p.add_run(block.text)
    set_fonts(run, block.fonts, Pt(block.size) if block.size is not None else None, block.bold)
    if block.align is not None:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[block.align]
    if block.before is not None:
        p.paragraph_format.space_before = Pt(block.before)
    if block.after is not None:
        p.paragraph_format.space_after = Pt(block.after)
    if block.keep:
        p.paragraph_format.keep_with_next = True
    return p


def style_cell(paragraph, value, fonts, size: float, bold: bool | None, centre: bool) -> None:
    """A table cell's paragraph as the exports make it: aligned, one run in the fonts."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
    set_fonts(paragraph.add_run(str(value)), fonts, Pt(size), bold)


def add_table(d, section, available: int):
    """`section`'s table added to the python-docx document `d`: Table Grid, centred, the
    heading row repeated on every page, columns fitted to their text."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = d.add_table(rows=1, cols=len(section.headers))
    table.style = d.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, h in zip(header.cells, section.headers):
        style_cell(cell.paragraphs[0], h, HEADING_FONT, 10.5, True, True)
    centred, size = table_looks(section)
    for row in section.rows:
        cells = table.add_row().cells
        for cell, value, centre in zip(cells, row, centred):
            style_cell(cell.paragraphs[0], value, BODY_FONT, size, None, centre)
    table.autofit = False
    for column, width in zip(table.columns, column_widths(section, available)):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def page_room(d) -> int:
    """The width between the margins (EMU)."""
    sec = d.sections[0]
    return sec.page_width - sec.left_margin - sec.right_margin


def docx(doc: Document, moment: datetime) -> bytes:
    """A4 pages, a centred title, bordered tables with a repeating header, 宋体/仿宋/黑体 set as
    the East Asian fonts so Chinese renders in Word and LibreOffice alike.

    A round of 10,000 posts is 10,000 tables: the body is written directly as python-docx
    writes it (`docx_parts`, linear in the cells) into python-docx's save of the document with
    an empty body; a document that holds text that writer leaves alone is made by python-docx
    block by block (`docx_python_docx`), which the tests compare it with."""
    from selector.reports import docx_parts

    wide, blocks = docx_blocks(doc)
    d = docx_skeleton(doc, moment, wide)
    room = page_room(d)
    pieces = docx_parts.body(blocks, DocxTemplates(), lambda section: column_widths(section, room), table_looks)
    if pieces is None:
        return docx_python_docx(doc, moment)
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as saved:
        parts: dict = {info.filename: saved.read(info.filename) for info in saved.infolist()}
    head, opened, rest = parts["word/document.xml"].partition(b"<w:body>")
    if not opened or not rest.startswith(b"<w:sectPr"):
        raise ValueError("python-docx wrote an unexpected empty body")

    def document_xml():  # the body goes into the zip a block at a time
        yield head + opened
        for piece in pieces:
            yield piece.encode("utf-8")
        yield rest

    parts["word/document.xml"] = document_xml()
    return stamped_zip(parts, moment)


class DocxTemplates:
    """The XML python-docx makes for each look of paragraph and table cell, split around the
    run's text: made once per look on a scratch document with a placeholder text."""

    MARK = "QQQ"

    def __init__(self):
        from docx import Document as Docx
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        self._d = Docx()
        self._paragraphs: dict = {}
        self._cells: dict = {}
        table = add_table(self._d, Section("", [], [self.MARK, self.MARK], [[self.MARK, self.MARK]], []), 9_000_000)
        tbl = table._tbl
        self.table_open = "<w:tbl>" + self._xml(tbl.tblPr)
        self.grid_col = re.sub(r'w:w="\d+"', 'w:w="{width}"', self._xml(tbl.tblGrid.gridCol_lst[0]))
        rows = tbl.tr_lst
        self.heading_row = self._xml(rows[0].trPr)
        tc = rows[0].tc_lst[0]
        self.cell_open = "<w:tc>" + re.sub(r'w:w="\d+"', 'w:w="{width}"', self._xml(tc.tcPr))
        self._heading = self._split(self._xml(tc.p_lst[0]))
        self.empty_cell = self._xml(parse_xml(f"<w:p {nsdecls('w')}/>"))
        self._scratch_cell = rows[1].tc_lst[1]

    @staticmethod
    def _xml(element) -> str:
        """An element as it is written inside the document (no namespace declarations)."""
        from lxml import etree

        text = etree.tostring(element, encoding="unicode")
        end = text.index(">")
        return re.sub(r'\s+xmlns(?::[\w.-]+)?="[^"]*"', "", text[:end]) + text[end:]

    def _split(self, xml: str) -> tuple[str, str]:
        head, mark, tail = xml.partition(f"<w:t>{self.MARK}</w:t>")
        if not mark or self.MARK in tail:
            raise ValueError(f"python-docx wrote an unexpected run: {xml!r}")
        return head, tail

    def paragraph(self, block: Para) -> tuple[str, str]:
        key = (block.fonts, block.size, block.bold, block.align, block.before, block.after, block.keep)
        found = self._paragraphs.get(key)
        if found is None:
            look = Para(self.MARK, *key)
            found = self._paragraphs[key] = self._split(self._xml(add_para(self._d, look)._p))
        return found

    def heading_cell(self) -> tuple[str, str]:
        return self._heading

    def cell(self, size: float, centre: bool) -> tuple[str, str]:
        found = self._cells.get((size, centre))
        if found is None:
            from docx.text.paragraph import Paragraph

            tc = self._scratch_cell
            p = tc._add_p()
            style_cell(Paragraph(p, None), self.MARK, BODY_FONT, size, None, centre)
            found = self._cells[(size, centre)] = self._split(self._xml(p))
        return found


def docx_python_docx(doc: Document, moment: datetime) -> bytes:
    """`docx` through python-docx's objects, block by block (the reference `docx_parts` is
    checked against)."""
    wide, blocks = docx_blocks(doc)
    d = docx_skeleton(doc, moment, wide)
    room = page_room(d)
    for block in blocks:
        if isinstance(block, Para):
            add_para(d, block)
        else:
            add_table(d, block, room)
    buf = io.BytesIO()
    d.save(buf)
    return reproducible_zip(buf.getvalue(), moment)
