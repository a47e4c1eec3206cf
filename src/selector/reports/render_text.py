"""Markdown, CSV and JSON renderings of a `documents.Document` (bytes, deterministic)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from selector.reports.documents import SIGN_BLANK, Document

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_width(value) -> int:
    """Columns a value takes on screen (for XLSX/DOCX widths): CJK characters count double."""
    text = str(value)
    if text.isascii():  # no wide characters: one column each
        return len(text)
    found = _WIDTHS.get(text)
    if found is None:
        found = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
        if len(_WIDTHS) < 100_000:  # a round's names and titles, bounded
            _WIDTHS[text] = found
    return found


_WIDTHS: dict[str, int] = {}


def _rule(colwidths: list[int], colaligns: list[str]) -> str:
    """The line under the header: `---:` over right-aligned (number) columns and plain
    dashes over the others, where tabulate's "pipe" format would write `:---` for left."""
    colaligns = colaligns or ["left"] * len(colwidths)  # no rows: tabulate passes no aligns
    return "|" + "|".join("-" * (w - 1) + ":" if a == "right" else "-" * w
                          for w, a in zip(colwidths, colaligns)) + "|"


def pipe_table(headers: list[str], rows: list[list]) -> list[str]:
    """A GitHub Markdown table padded by display width, so Chinese columns line up in a
    plain-text editor too: tabulate's "pipe" layout, measured by wcwidth (tabulate[widechars]).

    Columns of ints are right-aligned, the rest left-aligned with a plain `---` rule; headers
    are always left-aligned; columns are at least 3 wide and never wider than their widest
    cell (tabulate's MIN_PADDING of 2 is set to 0 for the call); cells are printed as they are
    (no number parsing, no stripping)."""
    numeric = [bool(rows) and all(isinstance(r[i], int) for r in rows if i < len(r))
               for i in range(len(headers))]
    laid = _plain_pipe_table(headers, rows, numeric)
    if laid is not None:
        return laid
    import tabulate  # imported here: `selector --version` and `status` never need it
    import wcwidth  # the widechars extra: without it tabulate would count a CJK character as 1

    bar = tabulate.DataRow("|", "|", "|")
    fmt = tabulate.TableFormat(lineabove=None, linebelowheader=_rule, linebetweenrows=None,
                               linebelow=None, headerrow=bar, datarow=bar, padding=1,
                               with_header_hide=None)
    padded = [h + " " * (3 - wcwidth.wcswidth(h)) for h in headers]  # at least 3 wide
    saved, tabulate.MIN_PADDING = tabulate.MIN_PADDING, 0
    try:
        text = tabulate.tabulate(rows, padded, tablefmt=fmt, disable_numparse=True,
                                 colalign=["right" if n else "left" for n in numeric],
                                 headersglobalalign="left", preserve_whitespace=True)
    finally:
        tabulate.MIN_PADDING = saved
    return text.split("\n")


def _plain_pipe_table(headers: list[str], rows: list[list], numeric: list[bool]) -> list[str] | None:
    """`pipe_table`'s lines as tabulate lays them out, for the usual table: every cell a str
    or an int (not a bool), every row as long as the headers, all their text printable ASCII
    or Chinese (`_WIDE`: a character of it is as wide as wcwidth says wherever it stands, 1
    or 2). Tabulate's own type guessing and cell formatting cost 40 % of a 10,000-post
    export; for such a table they do nothing (`tests/reports/test_pipe_table.py` holds the
    two alike). None for any other table: tabulate lays it out."""
    count = len(headers)
    texts = [[c if type(c) is str else str(c) if type(c) is int else None for c in row] for row in rows]
    if not all(len(row) == count and None not in row for row in texts):
        return None
    if not _WIDE.fullmatch("".join(headers) + "".join("".join(row) for row in texts)):
        return None

    def size(text: str) -> int:  # a Chinese character or its punctuation is 2 wide
        return len(text) if text.isascii() else 2 * len(text) - len(text.encode("ascii", "ignore"))

    heads = [h + " " * (3 - size(h)) for h in headers]  # at least 3 wide
    widths = [max(size(h), max((size(row[i]) for row in texts), default=0)) for i, h in enumerate(heads)]

    def line(cells: list[str], right: list[bool]) -> str:
        return "|" + "|".join(" " + (" " * (w - size(c)) + c if r else c + " " * (w - size(c))) + " "
                              for c, w, r in zip(cells, widths, right)) + "|"

    left = [False] * count
    aligns = ["right" if n else "left" for n in numeric]
    return [line(heads, left), _rule([w + 2 for w in widths], aligns)] + [line(row, numeric) for row in texts]


# Printable ASCII (1 wide), and 2 wide: the ideographic space and CJK punctuation (but the
# tone marks U+302A-302F and U+303F), the CJK ideographs and the fullwidth forms. wcwidth
# gives each of them the same width alone, before a space or after one (it does not for
# every character: a virama measures 0 alone and 2 before a space).
_WIDE = re.compile("[ -~\u3000-\u3029\u3030-\u303e\u4e00-\u9fff\uff01-\uff60]*")


def safe_cell(value):
    """A cell a spreadsheet will not run: text that could start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def label_colon(doc: Document) -> str:
    """What follows a label (署名, a meta line's name): ： in Chinese, ": " in English."""
    return "：" if doc.locale != "en" else ": "


def signature_line(doc: Document) -> str:
    gap = "　　" if doc.locale != "en" else "    "
    return gap.join(f"{role}{label_colon(doc)}{name or SIGN_BLANK}" for role, name in doc.signatures)


def md_escape(value) -> str:
    """Text as Markdown shows it and nothing more: a name or note with HTML (`<b>`, `&amp;`) or
    link syntax (`[x](http://…)`) is printed as written, never as a tag or a link; `|` cannot
    end a table cell and a line break cannot end a line."""
    text = str(value)
    if any(ch in text for ch in _MD_SPECIAL):
        text = text.translate(_MD_ESCAPES)
    return text.replace("\n", " ").replace("\r", " ")


# ">" alone opens no tag (and `>= 2/3` must read as written), so it is left as it is.
_MD_SPECIAL = "\\&<[]|"
_MD_ESCAPES = str.maketrans({"\\": "\\\\", "&": "&amp;", "<": "&lt;", "[": "\\[", "]": "\\]", "|": "\\|"})


def sign_date(doc: Document) -> str:
    """The date line of a signature block, filled in by hand: 年 月 日."""
    from selector.reports.documents import LABELS

    return LABELS.get(doc.locale, LABELS["zh-CN"])["sign.date"]


def markdown(doc: Document) -> bytes:
    esc = md_escape
    out = [f"**{esc(line)}**  " for line in doc.masthead]
    if out:
        out.append("")
    out += [f"# {esc(doc.title)}", ""]
    for line in doc.lead:
        out += [esc(line), ""]
    out += [f"- {label}{label_colon(doc)}{esc(value)}" for label, value in doc.meta]
    for section in doc.sections:
        if out[-1] != "":
            out.append("")
        if section.heading:
            out += [f"## {esc(section.heading)}", ""]
        for line in section.lines:
            out += [esc(line), ""]
        if section.headers:
            rows = [[esc(c) if isinstance(c, str) else c for c in row] for row in section.rows]
            out += pipe_table([esc(h) for h in section.headers], rows)
            out.append("")
        for note in section.notes:
            out += [f"> {esc(note)}", ""]
    for note in doc.notes:
        out += [esc(note), ""]
    for line in doc.closing:
        out += [f"{esc(line)}  "]
    if doc.closing:
        out.append("")
    if doc.signatures:
        out += [signature_line(doc), "", sign_date(doc), ""]
    while out and out[-1] == "":
        out.pop()
    return ("\n".join(out) + "\n").encode("utf-8")


def csv_bytes(doc: Document) -> bytes:
    """One sheet of rows, UTF-8 with a BOM and CRLF so Excel in China opens it as it is."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")

    def row(*cells):
        w.writerow([safe_cell(c) for c in cells])

    for line in doc.masthead:
        row(line)
    row(doc.title)
    for line in doc.lead:
        row(line)
    for label, value in doc.meta:
        row(label, value)
    for section in doc.sections:
        row()
        if section.heading:
            row(section.heading)
        for line in section.lines:
            row(line)
        if section.headers:
            row(*section.headers)
            for r in section.rows:
                row(*r)
        for note in section.notes:
            row(note)
    if doc.notes or doc.closing:
        row()
    for note in doc.notes:
        row(note)
    for line in doc.closing:
        row(line)
    if doc.signatures:
        row()
        cells = []
        for role, name in doc.signatures:
            cells += [role, name or SIGN_BLANK]
        row(*cells)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def json_bytes(doc: Document, view: dict) -> bytes:
    """SPEC §4's stage structure with the document (as laid out) under "document"."""
    from selector.reports.jsontext import dumps_utf8

    return dumps_utf8({**view, "document": doc.as_dict()}) + b"\n"
