"""Printing many small blocks at the terminal in linear time, exactly as Rich prints them.

A stage of 10,000 posts is 10,000 ranking tables and ~50,000 lines. Rich measures, pads
and wraps each of them through several layers of renderables (~3 ms a post), which is
most of `show` for a big round. `Printer` makes the same Segments itself — text and Rich
Style, so Rich still turns them into colours and writes them — for what it can lay out
without Rich's help:

* a line of printable text (`Text` with a style or none, no spans) that fits the width:
  Rich prints `Segment(text, style)` and a line break;
* a `Table` (`Ranking.table`: `CUT_BOX`, no edge padding, one line per row, printable
  cells) whose columns fit at their natural width: every column as wide as its widest
  cell, cells padded left or right, the header in the table's header style, row styles on
  the cells and their padding (not on the column gaps), the box's rules between.

Anything else — a line that would wrap, control or invisible characters, a table that
needs squeezing, a console that cannot show the box characters (not UTF-8, legacy
Windows) — is handed to Rich as before. `tests/reports/test_screen.py` compares the
output of both, with and without colour, on random tables and lines.
"""

from __future__ import annotations

import re

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from selector.reports.bare import cells

# SIMPLE_HEAD, but a section break is drawn as a dashed rule: the cut line.
CUT_BOX = box.Box("    \n    \n ── \n    \n ┄┄ \n ── \n    \n    \n")
BATCH = 4096  # pieces laid out before they go to the console (a few dozen posts)
_WIDTHS: dict[str, int] = {}
# Lines of printable ASCII (one cell each), CJK ideographs and full-width forms (two cells each
# in Rich: tests/reports/test_screen.py holds every character of these ranges to it).
_SIMPLE = re.compile("[\n -~\u4e00-\u9fff\uff01-\uff60]*")


def width(text: str) -> int:
    """`rich.cells.cell_len(text)`, remembered: a round prints the same names and figures often.
    Printable ASCII, Chinese text and its punctuation are measured as Rich counts them by
    `bare.cells` (a round of 10,000 posts has 60,000 names, each measured once)."""
    found = _WIDTHS.get(text)
    if found is None:
        found = cells(text)
        if found is None:
            found = cell_len(text)
        if len(_WIDTHS) < 200_000:
            _WIDTHS[text] = found
    return found


class Ranking:
    """A table of one-line cells: columns (title, justify, overflow: None for no wrap), rows
    (cells, style) and the row before which a section rule is drawn (None: no rule)."""

    def __init__(self, columns: list[tuple[str, str, str | None]], rows: list[tuple[list[str], str | None]],
                 cut_at: int | None, pad: int, lens: list[list[int]] | None = None):
        self.columns, self.rows, self.cut_at, self.pad = columns, rows, cut_at, pad
        # cell_len of the titles, then of each row's cells, when the caller measured them
        self.lens = lens

    def table(self) -> Table:
        """The Rich table (what Rich prints, when this module does not lay it out itself)."""
        table = Table(box=CUT_BOX, pad_edge=False, padding=(0, self.pad))
        for title, justify, overflow in self.columns:
            table.add_column(title, justify=justify, no_wrap=overflow is None, overflow=overflow or "fold")
        for i, (cells, style) in enumerate(self.rows):
            if i == self.cut_at:
                table.add_section()
            table.add_row(*(Text(c) for c in cells), style=style)
        return table


class Lines:
    """Lines printed as one block, as Rich prints their Text joined by line breaks; a
    `Printer` lays out thousands (a stage's invalid marks) without making that Text."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def __rich__(self) -> Text:
        return Text("\n".join(self.lines))


class _Segments:
    """Segments made here, printed through the console like any renderable."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments

    def __rich_console__(self, console, options):
        return self.segments


class Printer:
    """`print` as `console.print` does, for many blocks; `flush` after each block (the
    segments made so far go to the console in one call)."""

    def __init__(self, console: Console):
        self.console = console
        options = console.options
        self.fast = not options.legacy_windows and not options.ascii_only
        self.width = console.width
        # Without colours (output to a file or pipe) a style adds nothing to the text.
        self.plain = console.color_system is None
        self.pending: list[tuple[str, Style | None]] = []
        get = console.get_style
        self._style = get  # style names -> Style, as Text.render looks them up
        self._styles: dict = {}
        # What Table._render combines: the border style, the header cells' style, each row's
        # cell style (column style + row style). A cell's padding takes the cell's style (the
        # Padding's own, "none", adds nothing); the gap between cells only the row's background.
        self.border = get("none") + get("")  # Table(style="none", border_style=None)
        self.header = get(get("table.header") + get("")) + Style.null()  # header row: no row style
        self.cell = get("")  # Column(style="")

    # -- the public side -------------------------------------------------------------------
    def print(self, item=None) -> None:
        """Print a Text, str, Ranking or any renderable; None prints an empty line."""
        if item is None:
            if self.fast:
                self.pending.append(("\n", None))
            else:
                self.console.print()
            return
        if self.fast:
            made = None
            if isinstance(item, (str, Text)):  # a str prints as the Text Rich makes of it
                made = self._line(self.console.render_str(item) if isinstance(item, str) else item)
            elif isinstance(item, Ranking):
                made = self._table(item)
            elif isinstance(item, Lines):
                made = self._block("\n".join(item.lines), None) if item.lines else None
            if made is not None:
                self.pending += made
                return
        self.flush()
        self.console.print(item.table() if isinstance(item, Ranking) else item.__rich__()
                           if isinstance(item, Lines) else item)

    def flush(self, done: bool = True) -> None:
        """Hand what was laid out to the console (with `done=False`, only once a batch has
        piled up). Runs of unstyled text become one Segment (styled text keeps its own: each
        is coloured on its own, as Rich does); every line is within the width, so Rich has
        nothing to crop (`crop=False` skips measuring again)."""
        if not self.pending or (not done and len(self.pending) < BATCH):
            return
        pending, self.pending = self.pending, []
        if self.plain:
            segments = [Segment("".join(text for text, _ in pending))]
        else:
            segments, run = [], []
            for text, style in pending:
                if style:
                    if run:
                        segments.append(Segment("".join(run)))
                        run = []
                    segments.append(Segment(text, style))
                else:
                    run.append(text)
            if run:
                segments.append(Segment("".join(run)))
        self.console.print(_Segments(segments), crop=False)

    # -- laying out ------------------------------------------------------------------------
    def _line(self, text: Text) -> list[tuple[str, Style | None]] | None:
        plain = text.plain
        if text.spans or text.end != "\n" or text.justify or text.overflow or text.no_wrap is not None:
            return None
        if "\n" in plain:  # a block of lines (a stage's invalid marks: one line each)
            return self._block(plain, text.style)
        if not plain.isprintable() or width(plain) > self.width:
            return None
        style = self._named(text.style) if text.style else None
        return [(plain, style or None), ("\n", None)]

    def _block(self, plain: str, style) -> list[tuple[str, Style | None]] | None:
        """Lines that each fit, as Rich prints them: each line, then a line break. An empty
        line, or one that is not plain ASCII and CJK text, is left to Rich."""
        lines = plain.split("\n")
        if not _SIMPLE.fullmatch(plain) or not all(lines):
            return None
        room = self.width
        for line in lines:
            # one cell a printable ASCII character, two a wide one (_SIMPLE lets no other through)
            if 2 * len(line) - len(line.encode("ascii", "ignore")) > room:
                return None
        named = (self._named(style) if style else None) or None
        if named is None:
            return [(plain, None), ("\n", None)]
        out: list[tuple[str, Style | None]] = []
        for line in lines:
            out += [(line, named), ("\n", None)]
        return out

    def _row(self, name: str | None) -> tuple[Style, Style]:
        """A row style's name -> (the row's style, its cells' style), as Table combines them."""
        found = self._styles.get(("row", name))
        if found is None:
            null = Style.null()
            row_style = (null + self._named(name)) if name is not None else null
            found = self._styles[("row", name)] = (row_style, self.cell + row_style)
        return found

    def _gap(self, row_style: Style) -> Style:
        """The style of a blank gap between a row's cells: its background only, on the border's."""
        found = self._styles.get(("gap", row_style))
        if found is None:
            found = self._styles[("gap", row_style)] = row_style.background_style + self.border
        return found

    def _named(self, style) -> Style:
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = self._style(style)
        return found

    def _table(self, ranking: Ranking) -> list[tuple[str, Style | None]] | None:
        columns, rows, pad = ranking.columns, ranking.rows, ranking.pad
        count = len(columns)
        texts = [c[0] for c in columns]
        if not count or not all(t.isprintable() for t in texts) or not all(
                "".join(cells).isprintable() and len(cells) == count for cells, _ in rows):
            return None
        lens = ranking.lens or [[width(c) for c in cells] for cells in [texts, *(cells for cells, _ in rows)]]
        widths = [max(column) for column in zip(*lens)]
        lefts = [0] + [pad] * (count - 1)
        rights = [pad] * (count - 1) + [0]
        full = [w + lefts[i] + rights[i] for i, w in enumerate(widths)]
        if 0 in full or sum(full) + count + 1 > self.width:
            return None  # Rich widens an empty column to 1, or squeezes: let it
        right = [justify == "right" for _, justify, _ in columns]
        # A column 0 wide inside its padding renders no lines (Rich has no room to render its
        # text): the row's other cells make it one line tall, and it is blank in the cell's
        # style; a row of nothing but such cells is blank, unstyled.
        tall = any(widths)

        def laid(cells: list[str], sizes: list[int]) -> list[tuple[str, str, str]]:
            """Each cell as (left padding, text padded to its column, right padding)."""
            out = []
            for i, c in enumerate(cells):
                room = widths[i]
                if not room:
                    out.append(("", " " * full[i], ""))
                    continue
                if right[i]:
                    stripped = c.rstrip()
                    size = sizes[i] if stripped == c else width(stripped)
                    text = " " * (room - size) + stripped
                else:
                    text = c + " " * (room - sizes[i])
                out.append((" " * lefts[i], text, " " * rights[i]))
            return out

        def line(cells: list[str], sizes: list[int], style: Style | None, edges: tuple[str, str, str],
                 row_style: Style, out: list) -> None:
            left, right_, vertical = edges
            divider_style = self.border if vertical.strip() else self._gap(row_style)
            if not style and not divider_style and not self.border:
                # nothing styled: the line as one piece of text
                out.append((left + vertical.join(a + b + c for a, b, c in laid(cells, sizes)) + right_ + "\n", None))
                return
            out.append((left, self.border or None))
            for i, (lpad, text, rpad) in enumerate(laid(cells, sizes)):
                if i:
                    out.append((vertical, divider_style or None))
                if not widths[i]:
                    out.append((text, (style or None) if tall else None))
                    continue
                if lpad:
                    out.append((lpad, style or None))
                out.append((text, style or None))
                if rpad:
                    out.append((rpad, style or None))
            out += [(right_, self.border or None), ("\n", None)]

        def rule(left: str, horizontal: str, cross: str, right_: str, out: list) -> None:
            out += [(left + cross.join(horizontal * w for w in full) + right_, self.border or None), ("\n", None)]

        b, null = CUT_BOX, Style.null()
        out: list[tuple[str, Style | None]] = []
        rule(b.top_left, b.top, b.top_divider, b.top_right, out)
        line(texts, lens[0], self.header, (b.head_left, b.head_right, b.head_vertical), null, out)
        rule(b.head_row_left, b.head_row_horizontal, b.head_row_cross, b.head_row_right, out)
        last = len(rows) - 1
        for i, (cells, name) in enumerate(rows):
            row_style, style = self._row(name)
            edges = (b.foot_left, b.foot_right, b.foot_vertical) if i == last else \
                (b.mid_left, b.mid_right, b.mid_vertical)
            line(cells, lens[i + 1], style, edges, row_style, out)
            if ranking.cut_at is not None and i == ranking.cut_at - 1 and i < last:
                rule(b.row_left, b.row_horizontal, b.row_cross, b.row_right, out)
        rule(b.bottom_left, b.bottom, b.bottom_divider, b.bottom_right, out)
        return out
