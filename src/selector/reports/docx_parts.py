"""The body of a DOCX export, written directly as python-docx writes it.

python-docx builds every paragraph, run, table row and cell as lxml elements through several
layers of objects, and finds the place of each new paragraph or table by scanning the body
(and the sections, per table): a 10,000-post export took minutes and gigabytes. The body of
`render_office.docx` is regular — one-run paragraphs of a few looks, tables of one-run
cells — so it is written here as text. Each look's XML comes from python-docx itself: a
paragraph or cell of that look made once on a scratch document with a placeholder text
(`render_office.DocxTemplates`), split around the text; the table's properties, heading row
and cell wrappers likewise. The text of each run is written as python-docx writes it (tabs
as <w:tab/>, line breaks as <w:br/>, xml:space="preserve" around outer spaces) and escaped
as lxml writes UTF-8. The rest of the package — styles, settings, properties, the section —
is python-docx's own save of the document with an empty body, into which the body goes.

`body` returns None for text it does not write exactly as python-docx would (control
characters python-docx or lxml refuse or write otherwise); `render_office.docx_python_docx`
then makes the document. `tests/reports/test_docx_parts.py` compares both byte for byte.
"""

from __future__ import annotations

import re
from typing import Iterator
from xml.sax.saxutils import escape  # & < > as lxml writes them in UTF-8

# What lxml refuses (controls but tab, CR, LF; surrogates; non-characters) and what it might
# write otherwise than as the character (DEL and C1 controls): left to python-docx.
UNUSUAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
BREAKS = re.compile(r"([\t\r\n])")
EMUS_PER_TWIP = 635  # docx.shared.Length


def run_text(text: str) -> str:
    """A run's content for `text`, as python-docx's Run.text setter makes it, serialised."""
    if not text:
        return ""
    if "\t" not in text and "\r" not in text and "\n" not in text:
        return _t(text)
    out = []
    for piece in BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            out.append(_t(piece))
    return "".join(out)


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def twips(emu: int) -> int:
    """docx.shared.Emu(emu).twips."""
    return int(round(emu / float(EMUS_PER_TWIP)))


def plain(texts) -> bool:
    """Can every text be written here as python-docx writes it?"""
    return not any(UNUSUAL.search(t) for t in texts)


def body(blocks: list, templates, widths_of, table_looks) -> Iterator[str] | None:
    """The body's XML for `blocks` (`render_office.Para`s and `Section`s), a piece per block,
    or None when python-docx must make it. `templates`: a `render_office.DocxTemplates`;
    `widths_of(section)`: the table's column widths (EMU); `table_looks(section)`: its
    centred columns and text size."""
    texts = []
    for block in blocks:
        if hasattr(block, "headers"):
            texts += [str(h) for h in block.headers]
            texts += [str(v) for row in block.rows for v in row]
        else:
            texts.append(block.text)
    if not plain(texts):
        return None
    return _pieces(blocks, templates, widths_of, table_looks)


def _pieces(blocks, templates, widths_of, table_looks) -> Iterator[str]:
    for block in blocks:
        if not hasattr(block, "headers"):
            head, tail = templates.paragraph(block)
            yield head + run_text(block.text) + tail
            continue
        section = block
        count = len(section.headers)
        widths = [twips(w) for w in widths_of(section)]
        opens = [templates.cell_open.format(width=w) for w in widths]
        centred, size = table_looks(section)
        head_cell = templates.heading_cell()
        cells = [templates.cell(size, centre) for centre in centred]
        out = [templates.table_open, "<w:tblGrid>", *(templates.grid_col.format(width=w) for w in widths),
               "</w:tblGrid>", "<w:tr>", templates.heading_row]
        for i, h in enumerate(section.headers):
            out += [opens[i], head_cell[0], run_text(str(h)), head_cell[1], "</w:tc>"]
        out.append("</w:tr>")
        for row in section.rows:
            out.append("<w:tr>")
            for i in range(count):
                out.append(opens[i])
                if i < len(row):
                    out += [cells[i][0], run_text(str(row[i])), cells[i][1]]
                else:
                    out.append(templates.empty_cell)
                out.append("</w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        yield "".join(out)
