"""CSV text with nothing to unquote, split in C: the rows `csv.reader` gives for it, without
its per-character state machine (a fifth to a third of reading a ballot file's text)."""

from __future__ import annotations

from itertools import repeat


def plain_text(text: str, longest: int) -> tuple[str, int] | None:
    """The line end ("\\n", or "\\r\\n") and the number of lines of `text` when it is
    plain: no quote and no NUL, every line ending alike (LF, or CR LF), none longer than
    `longest` characters (so no cell is: csv's field size limit is the caller's to report).
    Each line is then a row whose cells are its text between commas, and an empty line a
    row of none (`rows_of`, `flat_rows`). None for any other text: the caller parses it
    with csv. Nothing is split: the lengths are bounded by finding a line end in each
    stretch of `longest` // 2 characters (the lines are measured only when some stretch
    has none)."""
    if '"' in text or "\x00" in text:
        return None
    ends = text.count("\n")
    end = "\n"
    if "\r" in text:
        if text.count("\r") != ends or text.count("\r\n") != ends:
            return None
        end = "\r\n"
    # A LF in each stretch of `step` characters bounds every line below 2 * step - 1.
    step = max(longest // 2, 1)
    find = text.find
    if any(find("\n", at, at + step) < 0 for at in range(0, len(text) - step + 1, step)) \
            and max(map(len, _lines(text, end))) > longest:
        return None
    return end, ends + (text[-1:] not in ("", "\n"))  # (a last line without its end)


def _lines(text: str, end: str) -> list[str]:
    found = text.split(end)
    if found[-1] == "":  # (the text ends with its last line's end)
        found.pop()
    return found


def rows_of(text: str, end: str) -> list[list[str]]:
    """The rows `csv.reader` gives for plain text (`plain_text` gave `end`; the excel dialect)."""
    lines = _lines(text, end)
    rows = list(map(str.split, lines, repeat(",")))
    if "" in lines:  # (csv gives [] for an empty line)
        for i, line in enumerate(lines):
            if not line:
                rows[i] = []
    return rows


def plain_rows(text: str, longest: int) -> list[list[str]] | None:
    """The rows `csv.reader(io.StringIO(text, newline=""))` gives for `text` when it is plain
    (`plain_text`); None for any other text."""
    plain = plain_text(text, longest)
    return None if plain is None else rows_of(text, plain[0])


def flat_rows(text: str, end: str, n: int, width: int) -> list[str] | None:
    """The cells of the `n` lines of plain text (`plain_text` gave `end` and `n`) in one
    list, row after row (the j-th cell of row i at i * width + j), when every line has
    `width` cells (2 or more); else None. No list is made for each row, nor a string for
    each line: the text is split once, each line end made a comma and a LF that starts the
    next line's first cell. Every LF then starts a cell, so when the cells at the start of
    the rows after the first hold n - 1 of them (the last is alone after the last line),
    every line holds `width` cells; the rows' first cells are then split apart again."""
    if width < 2:  # (one cell a row: an empty line would be [""], where csv gives [])
        return None
    if not text.endswith(end):
        if not text:
            return []
        text += end
    flat = (text.replace("\r", ",") if end == "\r\n" else text.replace("\n", ",\n")).split(",")
    if len(flat) != n * width + 1 or flat[-1] != "\n":
        return None
    firsts = "".join(flat[0:-1:width])
    if firsts.count("\n") != n - 1:
        return None
    flat.pop()
    flat[::width] = firsts.split("\n")
    return flat
