"""Markdown, CSV and JSON renderings of a `documents.Document` (bytes, deterministic)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from selector.reports.documents import SIGN_BLANK, Document

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_width(value) -> int:
    """Columns a value takes on screen: CJK (wide and fullwidth) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def pipe_table(headers: list[str], rows: list[list]) -> list[str]:
    """A GitHub Markdown table padded by display width, so Chinese columns line up in a
    plain-text editor too (tabulate only does that when wcwidth happens to be installed)."""
    widths = [max([3, text_width(h)] + [text_width(r[i]) for r in rows if i < len(r)])
              for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(r[i], int) for r in rows if i < len(r))
               for i in range(len(headers))]

    def line(cells, right):
        out = []
        for value, width, r in zip(cells, widths, right):
            pad = " " * (width - text_width(value))
            out.append(pad + str(value) if r else str(value) + pad)
        return "| " + " | ".join(out) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if n else ("-" * (w + 2)) for w, n in zip(widths, numeric)) + "|"
    return [line(headers, [False] * len(headers)), rule, *(line(r, numeric) for r in rows)]


def safe_cell(value):
    """A cell a spreadsheet will not run: text that could start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _colon(doc: Document) -> str:
    return "：" if doc.locale != "en" else ": "


def signature_line(doc: Document) -> str:
    gap = "　　" if doc.locale != "en" else "    "
    return gap.join(f"{role}{_colon(doc)}{name or SIGN_BLANK}" for role, name in doc.signatures)


def markdown(doc: Document) -> bytes:
    def esc(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    out = [f"# {doc.title}", ""]
    out += [f"- {label}{_colon(doc)}{esc(value)}" for label, value in doc.meta]
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
        out += [signature_line(doc), ""]
    while out and out[-1] == "":
        out.pop()
    return ("\n".join(out) + "\n").encode("utf-8")


def csv_bytes(doc: Document) -> bytes:
    """One sheet of rows, UTF-8 with a BOM and CRLF so Excel in China opens it as it is."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")

    def row(*cells):
        w.writerow([safe_cell(c) for c in cells])

    row(doc.title)
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
    data = {**view, "document": doc.as_dict()}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
