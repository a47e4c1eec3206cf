"""Printing many small blocks at the terminal in linear time, exactly as Rich prints them.

A stage of 10,000 posts is 10,000 ranking tables and ~50,000 lines. Rich measures, pads
and wraps each of them through several layers of renderables (~3 ms a post), which is
most of `show` for a big round. `Printer` lays out itself what it can without Rich's help:

* a line of printable text (with a style or none) that fits the width: the text and a line
  break;
* a `Ranking` (`CUT_BOX`, no edge padding, one line per row, printable cells) whose columns
  fit at their natural width: every column as wide as its widest cell, cells padded left or
  right, the header in the table's header style, row styles on the cells and their padding
  (not on the column gaps), the box's rules between.

What it lays out goes to a sink, as pieces of text and their style:

* `RichSink` hands them to a Rich console as Segments (Rich turns the styles into colours
  and writes them); anything the printer does not lay out — a line that would wrap, control
  or invisible characters, a table that needs squeezing, a console that cannot show the box
  characters — is printed by Rich as before;
* `BareSink` writes them itself, with the escape codes Rich writes for the few styles a
  stage's screen uses, where `reports.bare` says Rich's console would print plainly to this
  screen: a stage's tally or cut then needs no Rich at all (importing it is ~40 ms, about
  a tenth of a million-mark tally). It wraps a line as Rich wraps it (`bare.wrap`); for
  anything else it raises `Unlaid`, and the caller prints the whole screen through Rich.

`tests/reports/test_screen.py` compares the output of both sinks with Rich's own, with and
without colour, on random tables and lines.
"""

from __future__ import annotations

from selector.reports.bare import RESET, Screen, cells, measured

# SIMPLE_HEAD, but a section break is drawn as a dashed rule: the cut line (a `rich.box.Box`).
CUT_BOX = "    \n    \n ── \n    \n ┄┄ \n ── \n    \n    \n"
BATCH = 4096  # pieces laid out before they go to the sink (a few dozen posts)
_WIDTHS: dict[str, int] = {}
# What a table's pieces are styled by (`Printer._keyed`): the border, the header row, a row's
# cells and the gaps between them (with the row's style name, or None).
BORDER, HEADER, ROW, GAP = "border", "header", "row", "gap"


def width(text: str) -> int:
    """`rich.cells.cell_len(text)`, remembered: a round prints the same names and figures often.
    Printable ASCII, Chinese text and its punctuation are measured as Rich counts them by
    `bare.cells` (a round of 10,000 posts has 60,000 names, each measured once)."""
    found = _WIDTHS.get(text)
    if found is None:
        found = cells(text)
        if found is None:
            from rich.cells import cell_len

            found = cell_len(text)
        if len(_WIDTHS) < 200_000:
            _WIDTHS[text] = found
    return found


class Unlaid(Exception):
    """A screen `BareSink` cannot print as Rich would: the caller prints it through Rich."""


class _Box:
    """The characters of a Rich box (`CUT_BOX`), by the names `rich.box.Box` gives them."""

    def __init__(self, text: str):
        top, head, head_row, mid, row, _, foot, bottom = text.splitlines()
        self.top_left, self.top, self.top_divider, self.top_right = top
        self.head_left, _, self.head_vertical, self.head_right = head
        self.head_row_left, self.head_row_horizontal, self.head_row_cross, self.head_row_right = head_row
        self.mid_left, _, self.mid_vertical, self.mid_right = mid
        self.row_left, self.row_horizontal, self.row_cross, self.row_right = row
        self.foot_left, _, self.foot_vertical, self.foot_right = foot
        self.bottom_left, self.bottom, self.bottom_divider, self.bottom_right = bottom


_CUT = _Box(CUT_BOX)


class Ranking:
    """A table of one-line cells: columns (title, justify, overflow: None for no wrap), rows
    (cells, style) and the row before which a section rule is drawn (None: no rule); where
    Rich must squeeze it, a column that does not wrap is cut as `squeezed` says ("fold",
    "ellipsis")."""

    def __init__(self, columns: list[tuple[str, str, str | None]], rows: list[tuple[list[str], str | None]],
                 cut_at: int | None, pad: int, lens: list[list[int]] | None = None, squeezed: str = "fold"):
        self.columns, self.rows, self.cut_at, self.pad = columns, rows, cut_at, pad
        # cell_len of the titles, then of each row's cells, when the caller measured them
        self.lens = lens
        self.squeezed = squeezed

    def table(self):
        """The Rich table (what Rich prints, when this module does not lay it out itself)."""
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.Box(CUT_BOX), pad_edge=False, padding=(0, self.pad))
        for title, justify, overflow in self.columns:
            table.add_column(title, justify=justify, no_wrap=overflow is None, overflow=overflow or self.squeezed)
        for i, (row, style) in enumerate(self.rows):
            if i == self.cut_at:
                table.add_section()
            table.add_row(*(Text(c) for c in row), style=style)
        return table


class Lines:
    """Lines printed as one block, as Rich prints their Text joined by line breaks; a
    `Printer` lays out thousands (a stage's invalid marks) without making that Text."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def __rich__(self):
        from rich.text import Text

        return Text("\n".join(self.lines))


class _Segments:
    """Segments made here, printed through the console like any renderable."""

    def __init__(self, segments: list):
        self.segments = segments

    def __rich_console__(self, console, options):
        return self.segments


class RichSink:
    """A Rich console: styles are Rich's `Style`s, pieces go to it as Segments, and what the
    printer does not lay out is printed by Rich."""

    def __init__(self, console):
        options = console.options
        self.console = console
        self.fast = not options.legacy_windows and not options.ascii_only
        self.width = console.width
        # Without colours (output to a file or pipe) a style adds nothing to the text.
        self.plain = console.color_system is None

    def style(self, key):
        """A style name, or a table's (kind, row style name), as the `Style` Rich would use."""
        from rich.style import Style

        get = self.console.get_style  # style names -> Style, as Text.render looks them up
        if isinstance(key, str):
            return get(key)
        # What Table._render combines: the border style, the header cells' style, each row's
        # cell style (column style + row style). A cell's padding takes the cell's style (the
        # Padding's own, "none", adds nothing); the gap between cells only the row's background.
        kind, name = key
        border = get("none") + get("")  # Table(style="none", border_style=None)
        if kind == BORDER:
            return border
        if kind == HEADER:
            return get(get("table.header") + get("")) + Style.null()  # header row: no row style
        row = Style.null() + get(name) if name is not None else Style.null()
        return get("") + row if kind == ROW else row.background_style + border  # Column(style="")

    def write(self, pieces: list[tuple[str, object]]) -> None:
        """Runs of unstyled text become one Segment (styled text keeps its own: each is
        coloured on its own, as Rich does); every line is within the width, so Rich has
        nothing to crop (`crop=False` skips measuring again)."""
        from rich.segment import Segment

        if self.plain:
            segments = [Segment("".join(text for text, _ in pieces))]
        else:
            segments, run = [], []
            for text, style in pieces:
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

    def show(self, item, style: str | None = None) -> None:
        """Print what the printer did not lay out, as Rich prints it."""
        if item is None:
            self.console.print()
        elif isinstance(item, str):
            from rich.text import Text

            self.console.print(Text(item, style=style or ""))
        else:
            self.console.print(item.table() if isinstance(item, Ranking) else item)

    def rich(self, draw) -> None:
        draw(self.console)


# The escape codes Rich writes for the styles a stage's screen uses: (attributes, colour).
SGR = {"bold": ("1", ""), "red": ("", "31"), "yellow": ("", "33"), "bold red": ("1", "31")}


class BareSink:
    """The text itself, for a screen `bare.Screen.detect` found (Rich would print plainly to
    it): styles are the escape codes Rich writes for them (`SGR`; colours left out under
    NO_COLOR, as Rich leaves them out); `text()` is the whole screen."""

    fast = True

    def __init__(self, screen: Screen):
        self.screen, self.width, self.plain = screen, screen.width, not screen.styled
        self.out: list[str] = []

    def style(self, key) -> str | None:
        """The escape code for a style name, or a table's (kind, row style name); None for
        none (the border, and the gaps between cells: no style here has a background)."""
        kind, name = (None, key) if isinstance(key, str) else key
        if kind == HEADER:
            name = "bold"  # the default theme's table.header
        if name is None:
            return None
        if name not in SGR:
            raise Unlaid(name)
        if kind in (BORDER, GAP):
            return None
        attributes, colour = SGR[name]
        return ";".join(c for c in (attributes, "" if self.screen.no_color else colour) if c) or None

    def write(self, pieces: list[tuple[str, str | None]]) -> None:
        if self.plain:
            self.out.append("".join(text for text, _ in pieces))
        else:
            self.out.append("".join(f"\x1b[{style}m{text}{RESET}" if style and text else text
                                    for text, style in pieces))

    def show(self, item, style: str | None = None) -> None:
        """A line or block the printer did not lay out: wrapped as Rich wraps it; Unlaid for
        what only Rich prints (a table to squeeze, a stacked ranking, …)."""
        if isinstance(item, Lines):
            item = "\n".join(item.lines)
        wrapped = self.screen.text(item, self.style(style) if style else None) if isinstance(item, str) else None
        if wrapped is None:
            raise Unlaid(item)
        self.out += wrapped

    def rich(self, draw) -> None:
        raise Unlaid(draw)

    def text(self) -> str:
        return "".join(self.out)


class Printer:
    """`print` as `console.print` does, for many blocks, to a sink (`RichSink`, `BareSink`);
    `flush` after each block (the pieces laid out so far go to the sink in one call)."""

    def __init__(self, sink):
        self.sink = sink
        self.fast, self.width = sink.fast, sink.width
        self.pending: list[tuple[str, object]] = []
        self._styles: dict = {}
        self.border = self._keyed((BORDER, None))
        self.header = self._keyed((HEADER, None))

    # -- the public side -------------------------------------------------------------------
    def print(self, item=None, style: str | None = None) -> None:
        """Print a line (a str, in the style named), a Ranking, Lines or any renderable (the
        sink prints it); None prints an empty line."""
        if item is None:
            if self.fast:
                self.pending.append(("\n", None))
            else:
                self.sink.show(None)
            return
        if self.fast:
            made = None
            if isinstance(item, str):
                made = self._line(item, style)
            elif isinstance(item, Ranking):
                made = self._table(item)
            elif isinstance(item, Lines):
                made = self._block("\n".join(item.lines), None) if item.lines else None
            if made is not None:
                self.pending += made
                return
        self.flush()
        self.sink.show(item, style)

    def rich(self, draw) -> None:
        """`draw(console)`: a screen only Rich prints (the sink raises Unlaid if it has no Rich)."""
        self.flush()
        self.sink.rich(draw)

    def flush(self, done: bool = True) -> None:
        """Hand what was laid out to the sink (with `done=False`, only once a batch has
        piled up)."""
        if not self.pending or (not done and len(self.pending) < BATCH):
            return
        pending, self.pending = self.pending, []
        self.sink.write(pending)

    # -- laying out ------------------------------------------------------------------------
    def _line(self, plain: str, style: str | None) -> list[tuple[str, object]] | None:
        if "\n" in plain:  # a block of lines (a stage's invalid marks: one line each)
            return self._block(plain, style)
        if not plain.isprintable() or width(plain) > self.width:
            return None
        if len(plain) > self.width and plain[-1].isspace():
            return None  # Rich drops the trailing space of a line longer than the width in characters
        return [(plain, self._keyed(style) if style else None), ("\n", None)]

    def _block(self, plain: str, style: str | None) -> list[tuple[str, object]] | None:
        """Lines that each fit, as Rich prints them: each line, then a line break. An empty
        line, or one holding a character `bare.cells` does not measure, is left to the sink."""
        lines = plain.split("\n")
        if not all(lines) or not measured(plain.replace("\n", " ")):
            return None
        room = self.width
        if 2 * max(map(len, lines)) > room:  # (no character takes more than two cells)
            for line in lines:
                if 2 * len(line) > room and cells(line) > room:
                    return None
        named = self._keyed(style) if style else None
        if named is None:
            return [(plain, None), ("\n", None)]
        out: list[tuple[str, object]] = []
        for line in lines:
            out += [(line, named), ("\n", None)]
        return out

    def _keyed(self, key):
        """The sink's style for a style name or a table's (kind, row style name); None for
        one that adds nothing."""
        try:
            return self._styles[key]
        except KeyError:
            found = self._styles[key] = self.sink.style(key) or None
            return found

    def _table(self, ranking: Ranking) -> list[tuple[str, object]] | None:
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

        def line(cells: list[str], sizes: list[int], style, edges: tuple[str, str, str], gap, out: list) -> None:
            left, right_, vertical = edges
            divider_style = self.border if vertical.strip() else gap
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

        b = _CUT
        out: list[tuple[str, object]] = []
        rule(b.top_left, b.top, b.top_divider, b.top_right, out)
        line(texts, lens[0], self.header, (b.head_left, b.head_right, b.head_vertical), self._keyed((GAP, None)), out)
        rule(b.head_row_left, b.head_row_horizontal, b.head_row_cross, b.head_row_right, out)
        last = len(rows) - 1
        for i, (row, name) in enumerate(rows):
            edges = (b.foot_left, b.foot_right, b.foot_vertical) if i == last else \
                (b.mid_left, b.mid_right, b.mid_vertical)
            line(row, lens[i + 1], self._keyed((ROW, name)), edges, self._keyed((GAP, name)), out)
            if ranking.cut_at is not None and i == ranking.cut_at - 1 and i < last:
                rule(b.row_left, b.row_horizontal, b.row_cross, b.row_right, out)
        rule(b.bottom_left, b.bottom, b.bottom_divider, b.bottom_right, out)
        return out
