"""Screens printed without loading Rich, byte for byte as Rich prints them.

Importing Rich is about half of `selector status`'s start-up (issue 17: under 100 ms) and a
tenth of a million-mark tally. What a status or a ballot stage's screen holds is simple:
lines of text that Rich word-wraps, and tables of one-line cells that `screen.Printer` lays
out itself. This module gives it what it needs to print those without Rich:

* the width and whether styles are written (and colours, under NO_COLOR), decided as
  `rich.console.Console` decides them on a POSIX system (`Screen.detect`);
* the cells a text takes, as Rich measures them (`cells`);
* a line wrapped where Rich's `divide_line` breaks it, a word no line holds folded as Rich
  folds it (`wrap`, `Screen.text`).

Anything else hands the whole screen back to Rich (None, or `screen.Unlaid`): Windows, an
encoding that is not UTF-8 (Rich would draw the rules in ASCII), a character this module
does not measure, a table that needs squeezing. `tests/reports/test_bare.py` holds each
piece to Rich on drawn screens, with and without styles, and the environment rules to
Rich's own `Console`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping


# Characters measured here, as Rich measures them (tests/reports/test_bare.py holds every one
# to `rich.cells.cell_len`): printable ASCII, Latin-1 letters, general punctuation (— …), box
# drawing and block elements (a ranking's bars and rules) and the check mark one cell; CJK
# punctuation, ideographs and full-width forms two.
_ONE = "\u0020-\u007e\u00a1-\u00ac\u00ae-\u02ff\u2010-\u2027\u2500-\u259f\u2713"
_TWO = "\u3001-\u3029\u3030-\u303e\u4e00-\u9fff\uff01-\uff60"
_NARROW = re.compile(f"[{_ONE}]+")
_KNOWN = re.compile(f"[{_ONE}{_TWO}]*")
_WORD = re.compile(r"\s*\S+\s*")  # Rich's word: leading space, the word, its trailing space
_TRAILING_SPACE = re.compile(r"\s+$")
RESET = "\x1b[0m"


def measured(text: str) -> bool:
    """Does `cells` measure every character of `text`?"""
    return text.isprintable() if text.isascii() else _KNOWN.fullmatch(text) is not None


def cells(text: str) -> int | None:
    """The cells `text` takes at the terminal, as `rich.cells.cell_len` counts them; None
    when it holds a character this module does not measure."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    if _KNOWN.fullmatch(text):
        return len(text) + len(_NARROW.sub("", text))  # what is left is two cells a character
    return None


class Screen:
    """Where a screen goes: its width, whether styles are written, and whether colours are
    left out of them (NO_COLOR, as Rich leaves them out; bold stays)."""

    def __init__(self, width: int, styled: bool, no_color: bool = False):
        self.width, self.styled, self.no_color = width, styled, no_color

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
        no_color = environ.get("NO_COLOR", "") != ""
        lines = environ.get("LINES")
        if width is not None and lines is not None and lines.isdigit():
            return cls(width, terminal and not dumb, no_color)
        if dumb:
            return cls(80, False, no_color)
        if width is None:
            for fd in (0, 1, 2):
                try:
                    width = os.get_terminal_size(fd)[0]
                except (AttributeError, ValueError, OSError):
                    continue
                break
            width = width or 80
        return cls(width, terminal, no_color)

    def text(self, text: str, style: str | None = None) -> list[str] | None:
        """`console.print(Text(text, style=...))`, the style given as the escape code Rich
        writes for it ("1": bold): each line wrapped, then a line break."""
        out = []
        for line in text.split("\n"):
            wrapped = wrap(line, self.width)
            if wrapped is None:
                return None
            for part in wrapped:
                out.append(f"\x1b[{style}m{part}{RESET}\n" if style and self.styled and part else part + "\n")
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


def _chop(word: str, width: int) -> list[str]:
    """A word cut into lines of at most `width` cells (`rich.cells.chop_cells`; every
    character measured here is a grapheme of its own)."""
    lines, size, begin = [], 0, 0
    for i, char in enumerate(word):
        n = 1 if _NARROW.fullmatch(char) else 2
        if size + n > width:
            lines.append(word[begin:i])
            begin, size = i, 0
        size += n
    if size:
        lines.append(word[begin:])
    return lines


def wrap(line: str, width: int) -> list[str] | None:
    """One line of a Text as Rich wraps it at `width` (`rich._wrap.divide_line`, then each
    part's trailing space beyond the width dropped); None when a character is not measured
    here."""
    breaks, offset = [], 0
    for found in _WORD.finditer(line):
        start, word = found.start(), found.group()
        size, whole = cells(word.rstrip()), cells(word)
        if size is None or whole is None:
            return None
        if width - offset >= size:
            offset += whole
        elif size > width:  # a word no line holds (names joined by 、): folded across lines
            pieces = _chop(word, width)
            for i, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if i == len(pieces) - 1:
                    offset = cells(piece)
                else:
                    start += len(piece)
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
