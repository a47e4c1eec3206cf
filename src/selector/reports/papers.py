"""Ballot papers (推荐票, 票决表) and the keying sheet (录入表) of a ballot stage.

`Form` is what a stage's paper holds — posts with their 职数, the most marks allowed and the
names on the list in surname-stroke order; `docx` prints it for the meeting, `keying_sheet`
writes the workbook the clerk keys the returned papers into, with exactly the column
headings `tally` reads (票号, 类别, 废票, one column per post — one per candidate on an
同意/不同意/弃权 paper) and drop-down lists for the marks.
"""

from __future__ import annotations

import io
from datetime import datetime

from selector.domain.model import Round, Stage
from selector.records import dataclass
from selector.reports.collation import by_surname_strokes
from selector.reports.zipped import stamped_zip

BOX = "□"
CHOICES = ("同意", "不同意", "弃权")
KEYED_ROWS = 1000  # rows the drop-down lists cover when no serial numbers are given

WORDS = {
    "zh-CN": {
        "recommend": "推荐票", "vote": "票决表", "inspect": "民主测评表", "serial": "编号：{n}",
        "evaluated": "考察对象",
        "grade": "对每名考察对象在{scale}中只能选择一项，在相应方框内划“√”；不了解的可以不划。",
        "post": "{title}（职数 {seats} 名）", "no": "序号", "name": "姓名", "mark": "推荐",
        "choose": "选择", "unit": "现工作单位及职务",
        "most.recommend": "每个职位最多推荐 {n} 人，在姓名后的方框内划“√”。",
        "most.vote": "每个职位最多选 {n} 人，在姓名后的方框内划“√”。",
        "approve": "对每名人选在“同意”“不同意”“弃权”中只能选择一项，在相应方框内划“√”；不划的视为弃权。",
        "rules": ["填写说明：", "1. 请用黑色或蓝色钢笔、签字笔填写，字迹清楚；",
                  "2. 超过规定人数的，该职位的推荐（表决）无效；",
                  "3. 不得在票上署名或作其他标记，否则全票无效。"],
        "category": "类别", "ballot": "票号", "void": "废票",
        "sheet": "录入表",
    },
    "en": {
        "recommend": "Recommendation paper", "vote": "Vote paper", "inspect": "Evaluation form",
        "serial": "No. {n}", "evaluated": "People inspected",
        "grade": "For each person tick one of {scale}; leave a person you do not know unmarked.",
        "post": "{title} ({seats} seat(s))", "no": "No.", "name": "Name", "mark": "Mark",
        "choose": "Choice", "unit": "Current unit and post",
        "most.recommend": "Recommend at most {n} per post: tick the box after the name.",
        "most.vote": "Choose at most {n} per post: tick the box after the name.",
        "approve": "For each person tick exactly one of Yes, No, Abstain; none ticked is an abstention.",
        "rules": ["Instructions:", "1. Write in black or blue ink;",
                  "2. More marks than allowed void the post on this paper;",
                  "3. Do not sign or mark the paper: that voids it whole."],
        "category": "category", "ballot": "ballot", "void": "void",
        "sheet": "Keying",
    },
}
EN_CHOICES = ("yes", "no", "abstain")


def paper_title(stage_title: str, paper: str, locale: str) -> str:
    """The paper's title: the stage's title and what the paper is, said once where they overlap
    (全委会民主推荐 + 推荐票 is 全委会民主推荐票, 市委全委会票决 + 票决表 is 市委全委会票决表)."""
    if locale == "en":
        return f"{stage_title}: {paper}"
    for n in range(min(len(stage_title), len(paper) - 1), 0, -1):
        if stage_title.endswith(paper[:n]):
            return stage_title + paper[n:]
    return stage_title + paper


@dataclass
class Line:
    post_id: str
    title: str
    seats: int
    most: int | None  # most marks allowed (None: no limit)
    names: list[str]  # displayed names, in surname-stroke order
    units: list[str]
    keyed: list[str]  # what the keying sheet's heading is for each name (approve papers)


@dataclass
class Form:
    round_title: str
    organizer: str
    stage_title: str
    kind: str
    approve: bool
    locale: str
    categories: list[str]
    posts: list[Line]
    scale: tuple[str, ...] = ()  # an evaluation's grades (a 测评表), else empty

    @classmethod
    def of(cls, round_: Round, stage: Stage, lists: dict[str, tuple[str, ...]]) -> "Form":
        """The paper of `stage` from its candidate lists (posts with an empty list are left off)."""
        people = {c.id: c for c in round_.candidates}
        if stage.evaluation is not None:  # 民主测评 is of a person: each once, whatever their posts
            ids = list(dict.fromkeys(cid for post in round_.posts for cid in lists.get(post.id, ())))
            ordered = by_surname_strokes(ids, lambda cid: people[cid].display)
            names = [people[cid].display for cid in ordered]
            units = [people[cid].field("unit") or people[cid].field("position") for cid in ordered]
            title = WORDS.get(round_.locale, WORDS["zh-CN"])["evaluated"]
            return cls(round_.title, round_.organizer, stage.title, stage.kind, False, round_.locale, [],
                       [Line("", title, len(names), None, names, units, names)] if names else [],
                       stage.evaluation.scale)
        on_lists: dict[str, int] = {}
        for ids in lists.values():
            for cid in ids:
                on_lists[cid] = on_lists.get(cid, 0) + 1
        lines = []
        for post in round_.posts:
            ids = lists.get(post.id, ())
            if not ids:
                continue
            ordered = by_surname_strokes(list(ids), lambda cid: people[cid].display)
            names = [people[cid].display for cid in ordered]
            # an approve column names the person; POST/NAME when they stand for two posts here
            keyed = [f"{post.title}/{people[cid].display}" if on_lists[cid] > 1 else people[cid].display
                     for cid in ordered]
            lines.append(Line(post.id, post.title, post.seats, stage.marks_allowed(post), names,
                              [people[cid].field("unit") or people[cid].field("position") for cid in ordered],
                              keyed))
        return cls(round_.title, round_.organizer, stage.title, stage.kind, stage.approve, round_.locale,
                   [c for c, _ in stage.categories], lines)

    @property
    def words(self) -> dict:
        return WORDS.get(self.locale, WORDS["zh-CN"])

    def headings(self) -> list[str]:
        """The keying sheet's columns, as `tally` reads them."""
        w = self.words
        out = [w["ballot"]]
        if self.categories:
            out.append(w["category"])
        out.append(w["void"])
        for line in self.posts:
            out += line.keyed if self.approve or self.scale else [line.title]
        return out


def keying_sheet(form: Form, serials: int, moment: datetime) -> bytes:
    """The workbook `tally` reads: one visible sheet, the heading row, 票号 filled in when the
    papers are numbered, and a drop-down list (data validation) on every mark column: the
    post's names (several may be typed, separated by 、, where more than one mark is allowed),
    同意/不同意/弃权 on an approve paper, the categories."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from selector.reports.render_text import text_width

    w = form.words
    wb = Workbook()
    ws = wb.active
    ws.title = w["sheet"]
    headings = form.headings()
    ws.append(headings)
    last = (serials or KEYED_ROWS) + 1
    width = len(str(serials)) if serials else 3
    for n in range(1, serials + 1):
        ws.cell(row=n + 1, column=1, value=f"{n:0{width}d}")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    for col, h in enumerate(headings, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = min(max(text_width(h), 6) + 4, 40)
    ws.freeze_panes = "B2"

    def listed(col: int, options: list[str], strict: bool) -> None:
        # a list is a quoted, comma-separated formula of at most 255 characters
        text = ",".join(o.replace('"', '""') for o in options)
        if len(text) > 250 or any("," in o for o in options):
            return  # too long for a list: the column is typed in (the tally still checks it)
        dv = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True, showErrorMessage=strict)
        letter = get_column_letter(col)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    col = 2
    if form.categories:
        listed(col, form.categories, True)
        col += 1
    col += 1  # 废票: the reason, typed in
    choices = list(CHOICES if form.locale != "en" else EN_CHOICES)
    for line in form.posts:
        if form.approve or form.scale:
            for _ in line.keyed:
                listed(col, list(form.scale) or choices, True)
                col += 1
        else:
            listed(col, line.names, line.most == 1)
            col += 1
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    props = wb.properties
    props.creator = props.lastModifiedBy = "selector"
    props.title = f"{form.stage_title} {w['sheet']}"
    props.created = props.modified = moment.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return _stamped(buf.getvalue(), moment)


def _stamped(data: bytes, moment: datetime) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return stamped_zip({i.filename: src.read(i.filename) for i in src.infolist()}, moment)


def docx(form: Form, serials: int, moment: datetime) -> bytes:
    """The papers: the round and stage, the paper's name, per post its 职数, how many may be
    marked and the names in surname-stroke order with a box each (同意/不同意/弃权 boxes on an
    approve paper), the instructions; `serials` numbered copies, one a page, or one to copy."""
    import copy

    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt
    from docx.text.paragraph import Paragraph

    from selector.reports.render_office import BODY_FONT, HEADING_FONT, TITLE_FONT, set_fonts

    w = form.words
    d = Docx()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin = sec.bottom_margin = Mm(18)
    sec.left_margin = sec.right_margin = Mm(20)
    set_fonts(d.styles["Normal"], BODY_FONT, Pt(11))
    d.styles["Normal"].paragraph_format.space_after = Pt(2)

    def para(text, fonts=BODY_FONT, size=11.0, bold=None, align=None, before=None, keep=False):
        p = d.add_paragraph()
        set_fonts(p.add_run(text), fonts, Pt(size), bold)
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if before is not None:
            p.paragraph_format.space_before = Pt(before)
        p.paragraph_format.keep_with_next = keep
        return p

    serial = para(w["serial"].format(n="________"), align="right")  # numbered below, or removed
    para(form.round_title, TITLE_FONT, 14, True, "center", keep=True)
    para(paper_title(form.stage_title, w[form.kind], form.locale), TITLE_FONT, 18, True, "center", keep=True)
    for line in form.posts:
        para(line.title if form.scale else w["post"].format(title=line.title, seats=line.seats), HEADING_FONT,
             12, True, before=8, keep=True)
        if form.scale:
            para(w["grade"].format(scale="、".join(f"“{g}”" for g in form.scale)), size=10, keep=True)
            heads = [w["no"], w["name"], w["unit"], *form.scale]
            rows = [[str(i), name, unit, *([BOX] * len(form.scale))]
                    for i, (name, unit) in enumerate(zip(line.names, line.units), start=1)]
        elif form.approve:
            para(w["approve"], size=10, keep=True)
            heads = [w["no"], w["name"], w["unit"], *(CHOICES if form.locale != "en" else ("Yes", "No", "Abstain"))]
            rows = [[str(i), name, unit, BOX, BOX, BOX]
                    for i, (name, unit) in enumerate(zip(line.names, line.units), start=1)]
        else:
            if line.most is not None:
                para(w["most.recommend" if form.kind == "recommend" else "most.vote"].format(n=line.most),
                     size=10, keep=True)
            heads = [w["no"], w["name"], w["unit"], w["mark"] if form.kind == "recommend" else w["choose"]]
            rows = [[str(i), name, unit, BOX] for i, (name, unit) in enumerate(zip(line.names, line.units), start=1)]
        table = d.add_table(rows=1, cols=len(heads))
        table.style = d.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for cell, h in zip(table.rows[0].cells, heads):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_fonts(cell.paragraphs[0].add_run(h), HEADING_FONT, Pt(10.5), True)
        for row in rows:
            cells = table.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, row)):
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 2 else WD_ALIGN_PARAGRAPH.CENTER
                set_fonts(p.add_run(value), BODY_FONT, Pt(16 if value == BOX else 10.5))
        widths = [Mm(12), Mm(28), Mm(max(40, 130 - 16 * (len(heads) - 3))), *([Mm(16)] * (len(heads) - 3))]
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = width  # the grid LibreOffice lays out by
            for cell in column.cells:
                cell.width = width
    for i, text in enumerate(w["rules"]):
        para(text, size=10, before=10 if i == 0 else None, keep=i < len(w["rules"]) - 1)
    if serials:
        body = d.element.body
        blocks = [el for el in body if not el.tag.endswith("}sectPr")]
        sect = body[-1]
        for el in blocks:
            body.remove(el)
        width = len(str(serials))
        for n in range(1, serials + 1):
            for k, el in enumerate(blocks):
                made = copy.deepcopy(el)
                if k == 0:  # the serial number line
                    for t in made.iter(qn("w:t")):
                        t.text = w["serial"].format(n=f"{n:0{width}d}")
                    if n > 1:  # each paper on a page of its own
                        Paragraph(made, None).paragraph_format.page_break_before = True
                sect.addprevious(made)
    else:
        serial._p.getparent().remove(serial._p)
    props = d.core_properties
    props.author = props.last_modified_by = "selector"
    props.title = paper_title(form.stage_title, w[form.kind], form.locale)
    props.created = props.modified = props.last_printed = moment.replace(tzinfo=None)
    props.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return _stamped(buf.getvalue(), moment)
