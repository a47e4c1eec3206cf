"""The status screen printed without loading Rich, byte for byte as Rich prints it.

`selector status` is the command clerks run most; importing Rich is about half of its
start-up (issue 17: under 100 ms). What the screen holds is simple: a bold heading, lines
of text that Rich word-wraps, a table of one-line cells (`box.SIMPLE_HEAD`, no edge
padding, a bold header) and a last line. This module lays those out as Rich does:

* the width and whether styles are written, decided as `rich.console.Console` decides them
  on a POSIX system (`Screen.detect`);
* a line wraps where Rich's `divide_line` breaks it (`wrap`);
* the table at its natural width: every column as wide as its widest cell, cells padded
  left or right, 1 space of padding inside, none at the edges (as `screen.Printer` lays a
  `Ranking`).

Anything else hands the whole screen back to Rich (None): Windows, an encoding that is not
UTF-8 (Rich would draw the rule in ASCII), a character this module does not measure, a
word longer than the width (Rich folds it), a table that needs squeezing.
`tests/reports/test_bare.py` holds each piece to Rich on drawn screens, with and without
styles, and the environment rules to Rich's own `Console`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

from selector.i18n import _

# Characters measured here, as Rich measures them (tests/reports/test_bare.py holds every one
# to `rich.cells.cell_len`): printable ASCII, Latin-1 letters and general punctuation (— …)
# one cell; CJK punctuation, ideographs and full-width forms two.
_ONE = "\u0020-\u007e\u00a1-\u00ac\u00ae-\u02ff\u2010-\u2027"
_TWO = "\u3001-\u3029\u3030-\u303e\u4e00-\u9fff\uff01-\uff60"
_NARROW = re.compile(f"[{_ONE}]+")
_KNOWN = re.compile(f"[{_ONE}{_TWO}]*")
_WORD = re.compile(r"\s*\S+\s*")  # Rich's word: leading space, the word, its trailing space
_TRAILING_SPACE = re.compile(r"\s+$")
RULE = "─"
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def cells(text: str) -> int | None:
    """The cells `text` takes at the terminal, as `rich.cells.cell_len` counts them; None
    when it holds a character this module does not measure."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    if _KNOWN.fullmatch(text):
        return len(text) + len(_NARROW.sub("", text))  # what is left is two cells a character
    return None


class Screen:
    """Where the status goes: its width, and whether styles (bold) are written."""

    def __init__(self, width: int, styled: bool):
        self.width, self.styled = width, styled

    @classmethod
    def detect(cls, width: int | None = None, environ: Mapping[str, str] = os.environ,
               stream=None) -> "Screen | None":
        """The screen `rich.console.Console(width=width)` would print to on `stream` (stdout),
        or None when Rich must print (not POSIX, not UTF-8, inside Jupyter or IDLE)."""
        stream = sys.stdout if stream is None else stream
        if os.name != "posix" or stream is None:
            return None
        if not (getattr(stream, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
            return None
        import builtins

        if hasattr(builtins, "get_ipython") or getattr(sys.stdin, "__module__", "").startswith("idlelib"):
            return None
        columns = environ.get("COLUMNS")
        if width is None and columns is not None and columns.isdigit():  # as Console.__init__ reads it
            width = int(columns)
        terminal = _is_terminal(environ, stream)
        dumb = terminal and environ.get("TERM", "").lower() in ("dumb", "unknown")
        lines = environ.get("LINES")
        if width is not None and lines is not None and lines.isdigit():
            return cls(width, terminal and not dumb)
        if dumb:
            return cls(80, False)
        if width is None:
            for fd in (0, 1, 2):
                try:
                    width = os.get_terminal_size(fd)[0]
                except (AttributeError, ValueError, OSError):
                    continue
                break
            width = width or 80
        return cls(width, terminal)

    def text(self, text: str, bold: bool = False) -> list[str] | None:
        """`console.print(Text(text, style=...))`: each line wrapped, then a line break."""
        out = []
        for line in text.split("\n"):
            wrapped = wrap(line, self.width)
            if wrapped is None:
                return None
            for part in wrapped:
                out.append(f"{BOLD}{part}{RESET}\n" if bold and self.styled and part else part + "\n")
        return out

    def table(self, columns: list[tuple[str, bool]], rows: list[list[str]]) -> list[str] | None:
        """`console.print(table)` of a `box.SIMPLE_HEAD` table without edge padding, the header
        bold (columns: title, justified right?), when every column fits at its natural width."""
        count = len(columns)
        grid = [[title for title, _ in columns], *rows]
        sizes = [[cells(c) for c in row] for row in grid]
        if any(n is None for row in sizes for n in row) or any(len(row) != count for row in grid):
            return None
        widths = [max(column) for column in zip(*sizes)]
        pads = [(0 if i == 0 else 1, 0 if i == count - 1 else 1) for i in range(count)]
        full = [w + left + right for w, (left, right) in zip(widths, pads)]
        if 0 in widths or sum(full) + count + 1 > self.width:
            return None  # Rich widens an empty column to 1, or squeezes the table: let it

        def cell(i: int, text: str, size: int) -> str:
            fill = " " * (widths[i] - size)
            return fill + text if columns[i][1] else text + fill

        blank = " " * (sum(full) + count + 1) + "\n"
        title_cells = []
        for i, (title, size) in enumerate(zip(grid[0], sizes[0])):
            left, right = (" " * n for n in pads[i])
            if self.styled:
                title_cells.append("".join(f"{BOLD}{piece}{RESET}" for piece in (left, cell(i, title, size), right) if piece))
            else:
                title_cells.append(left + cell(i, title, size) + right)
        out = [blank, " " + " ".join(title_cells) + " \n", " " + RULE * (sum(full) + count - 1) + " \n"]
        for row, row_sizes in zip(grid[1:], sizes[1:]):
            parts = [" " * pads[i][0] + cell(i, text, size) + " " * pads[i][1]
                     for i, (text, size) in enumerate(zip(row, row_sizes))]
            out.append(" " + " ".join(parts) + " \n")
        out.append(blank)
        return out


def _is_terminal(environ: Mapping[str, str], stream) -> bool:
    """`Console.is_terminal`: TTY_COMPATIBLE, then FORCE_COLOR, then the stream's isatty()."""
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(stream, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:
        return False


def wrap(line: str, width: int) -> list[str] | None:
    """One line of a Text as Rich wraps it at `width` (`rich._wrap.divide_line`, then each
    part's trailing space beyond the width dropped); None when a word must be folded or a
    character is not measured here."""
    breaks, offset = [], 0
    for found in _WORD.finditer(line):
        start, word = found.start(), found.group()
        size, whole = cells(word.rstrip()), cells(word)
        if size is None or whole is None:
            return None
        if width - offset >= size:
            offset += whole
        elif size > width:
            return None  # Rich folds the word across lines
        elif offset and start:
            breaks.append(start)
            offset = whole
    if cells(line) is None:
        return None
    parts = [line[a:b] for a, b in zip([0, *breaks], [*breaks, len(line)])]
    out = []
    for part in parts:
        if len(part) > width:  # Text.rstrip_end: counts characters, not cells
            space = _TRAILING_SPACE.search(part)
            if space:
                part = part[:len(part) - min(len(space.group()), len(part) - width)]
        excess = cells(part) - width
        if excess > 0:  # Text.truncate crops to the width: only trailing space may go here
            if part[len(part) - excess:].strip():
                return None
            part = part[:len(part) - excess]
        out.append(part)
    return out


def status(screen: Screen, round_title: str, round_id: str, rows: list[dict],
           eligibility: list[str]) -> str | None:
    """The whole status screen as Rich prints it (`reports.terminal.status`), or None."""
    from selector.reports.common import STATUS_COLUMNS, status_screen

    table_cells, appointees, (last, bold) = status_screen(rows)
    pieces = [screen.text(f"{round_id} · {round_title}", bold=True),
              screen.text("\n".join(eligibility)) if eligibility else [],
              screen.table([(_(title), right) for title, right in STATUS_COLUMNS], table_cells),
              screen.text("\n".join(appointees)) if appointees else [],
              screen.text(last, bold=bold)]
    if any(piece is None for piece in pieces):
        return None
    return "".join(line for piece in pieces for line in piece)
