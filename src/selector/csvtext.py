"""CSV text with nothing to unquote, split in C: the rows `csv.reader` gives for it, without
its per-character state machine (a fifth to a third of reading a ballot file's text)."""

from __future__ import annotations

from itertools import repeat


def plain_lines(text: str, longest: int) -> list[str] | None:
    """The lines of `text` when it is plain: no quote and no NUL, every line ending alike
    (LF, or CR LF), no empty line, none longer than `longest` characters (so no cell is:
    csv's field size limit is the caller's to report). Each line is then a row whose cells
    are its text between commas (`split_lines`). None for any other text: the caller parses
    it with csv."""
    if '"' in text or "\x00" in text:
        return None
    end = "\n"
    if "\r" in text:
        crlf = text.count("\r\n")
        if text.count("\r") != crlf or text.count("\n") != crlf:
            return None
        end = "\r\n"
    lines = text.split(end)
    if lines[-1] == "":  # (the text ends with its last line's end)
        lines.pop()
    if "" in lines or (lines and max(map(len, lines)) > longest):  # (csv gives [] for an empty line)
        return None
    return lines


def split_lines(lines: list[str]) -> list[list[str]]:
    """Plain lines (`plain_lines`) as the rows `csv.reader` gives for them (the excel dialect)."""
    return list(map(str.split, lines, repeat(",")))


def plain_rows(text: str, longest: int) -> list[list[str]] | None:
    """The rows `csv.reader(io.StringIO(text, newline=""))` gives for `text` when it is plain
    (`plain_lines`); None for any other text."""
    lines = plain_lines(text, longest)
    return None if lines is None else split_lines(lines)


def flat_cells(lines: list[str], width: int) -> list[str] | None:
    """The cells of plain lines, row after row, in one list (the j-th cell of row i at
    i * width + j), when every line has `width` cells; else None. No list is made for each
    row: a long file's million rows of three cells made and freed that many lists."""
    if not lines or set(map(str.count, lines, repeat(","))) != {width - 1}:
        return None
    return ",".join(lines).split(",")
