"""`screen.Printer` lays out lines and ranking tables itself (a big round prints 10,000 of
them); what reaches the terminal must be what Rich prints, byte for byte, in colour or not,
whether the printer hands it to Rich (`RichSink`) or writes it itself (`BareSink`)."""

import io

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from selector.reports.bare import Screen
from selector.reports.screen import SGR, BareSink, Lines, Printer, Ranking, RichSink, Unlaid

# Latin, CJK, the bar and mark characters and spaces; and, in some tables and lines, what Rich
# treats specially: zero-width characters, combining marks, tabs, control codes, line breaks.
PLAIN = list("aZ09 .%()/-") + list("张伟得票率名次") + list("█·┃✓＝─┄") + ["é", "ｗ"]
ODD = ["\u3000", "\u200b", "\t", "\x1b", "\u0301", "\n"]
ALPHABETS = st.sampled_from([st.sampled_from(PLAIN), st.sampled_from(PLAIN + ODD)])
STYLE = st.sampled_from([None, "yellow", "bold red", "bold", "on blue"])


@st.composite
def texts(draw):
    return draw(st.text(draw(ALPHABETS), max_size=14))


@st.composite
def rankings(draw):
    text = st.text(draw(ALPHABETS), max_size=14)
    n = draw(st.integers(1, 6))
    columns = [(draw(text), draw(st.sampled_from(["left", "right"])), draw(st.sampled_from([None, "fold"])))
               for _ in range(n)]
    rows = [([draw(text) for _ in range(n)], draw(st.sampled_from([None, "yellow"])))
            for _ in range(draw(st.integers(0, 5)))]
    cut_at = draw(st.one_of(st.none(), st.integers(0, len(rows))))
    return Ranking(columns, rows, cut_at, draw(st.sampled_from([0, 1])))


# A line is (text, style name or None), printed as Rich prints Text(text, style=…).
ITEMS = st.one_of(st.none(), st.tuples(texts(), STYLE), rankings())


def consoles(width: int, colour: str | None, no_color: bool = False):
    def make():
        return Console(file=io.StringIO(), width=width, highlight=False, soft_wrap=False, markup=False,
                       emoji=False, force_terminal=colour is not None, color_system=colour, no_color=no_color)
    return make(), make()


def rich_prints(console: Console, items) -> str:
    for item in items:
        if item is None:
            console.print()
        elif isinstance(item, tuple):
            console.print(Text(item[0], style=item[1] or ""))
        else:
            console.print(item.table() if isinstance(item, Ranking) else item)
    return console.file.getvalue()


def laid_out(out: Printer, items, flush_each: bool) -> None:
    for item in items:
        out.print(*item) if isinstance(item, tuple) else out.print(item)
        if flush_each:
            out.flush()
    out.flush()


def printer_prints(console: Console, items, flush_each: bool) -> str:
    laid_out(Printer(RichSink(console)), items, flush_each)
    return console.file.getvalue()


def bare_prints(width: int, colour: str | None, items, flush_each: bool = False, no_color: bool = False) -> str:
    """What the printer writes itself; Unlaid when it needs Rich."""
    sink = BareSink(Screen(width, colour is not None, no_color))
    laid_out(Printer(sink), items, flush_each)
    return sink.text()


@settings(max_examples=400, deadline=None)
@given(st.lists(ITEMS, max_size=6), st.integers(8, 100), st.sampled_from([None, "standard", "truecolor"]),
       st.booleans())
def test_the_printer_prints_what_rich_prints(items, width, colour, flush_each):
    ours, theirs = consoles(width, colour)
    assert printer_prints(ours, items, flush_each) == rich_prints(theirs, items)


@settings(max_examples=600, deadline=None)
@given(st.lists(ITEMS, max_size=6), st.integers(8, 100), st.sampled_from([None, "standard", "truecolor"]),
       st.booleans(), st.booleans())
def test_what_the_printer_writes_itself_is_what_rich_prints(items, width, colour, flush_each, no_color):
    _, theirs = consoles(width, colour, no_color)
    try:
        ours = bare_prints(width, colour, items, flush_each, no_color)
    except Unlaid:
        event("left to Rich")
        return
    event("written without Rich")
    assert ours == rich_prints(theirs, items)


def test_what_the_printer_leaves_to_rich():
    for items in ([("on blue", "on blue")],  # a style it has no escape code for
                  [("a\tb", None)],  # a tab, which Rich expands
                  [Ranking([("名次", "right", None), ("姓名", "left", None)], [(["1", "张伟" * 20], None)], None, 1)]):
        with pytest.raises(Unlaid):
            bare_prints(40, "standard", items)
    # a line that wraps is wrapped as Rich wraps it
    _, theirs = consoles(20, None)
    line = ("全市干部大会民主推荐 · 已计票 · 应到 420 人", "bold")
    assert bare_prints(20, None, [line]) == rich_prints(theirs, [line])


def test_a_line_longer_in_characters_than_the_width_loses_its_trailing_space_as_in_rich():
    # Rich drops trailing space from a line longer than the width counted in characters, even
    # when its cells fit (combining marks): such a line is left to Rich, or wrapped as it wraps.
    line = ("e\u0301" * 6 + "   ", None)
    ours, theirs = consoles(10, None)
    assert printer_prints(ours, [line], False) == rich_prints(theirs, [line]) == "e\u0301" * 6 + "\n"
    with pytest.raises(Unlaid):  # (bare does not measure combining marks)
        bare_prints(10, None, [line])


def test_the_styles_written_without_rich_are_the_codes_rich_writes():
    for name in SGR:
        for no_color in (False, True):
            _, theirs = consoles(40, "truecolor", no_color)
            assert bare_prints(40, "truecolor", [("张伟 ok", name)], no_color=no_color) == \
                rich_prints(theirs, [("张伟 ok", name)]), (name, no_color)


RANKING = Ranking([("名次", "right", None), ("姓名", "left", None), ("", "left", "fold")],
                  [(["1", "张伟", "✓"], None), (["2", "李强", "＝ 得票相同"], "yellow"),
                   (["3", "王芳", ""], None)], 1, 1)


def test_a_plain_ranking_and_lines_take_the_fast_path():
    ours, theirs = consoles(60, "truecolor")
    out = Printer(RichSink(ours))
    items = [None, ("P01 审计局局长", "bold"), ("valid 4", None), RANKING, ("ok", "bold red")]
    for item in items:
        made = out._line(*item) if isinstance(item, tuple) else out._table(item) if item is not None else []
        assert made is not None
        out.print(*item) if isinstance(item, tuple) else out.print(item)
    out.flush()
    assert ours.file.getvalue() == rich_prints(theirs, items)
    assert "\x1b[33m" in ours.file.getvalue()  # the tied row in yellow, as Rich draws it
    assert bare_prints(60, "truecolor", items) == ours.file.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7e),
                                  st.characters(min_codepoint=0x4e00, max_codepoint=0x9fff),
                                  st.sampled_from("（）·、\u3000\u200b\t\x07éА")), max_size=12))
def test_a_width_is_what_rich_measures(text):
    # printable ASCII and CJK ideographs are measured without Rich; anything else by Rich
    from rich.cells import cell_len

    from selector.reports.screen import _WIDTHS, width

    _WIDTHS.pop(text, None)
    assert width(text) == cell_len(text)


def test_names_and_figures_measure_as_rich_does():
    from rich.cells import cell_len

    from selector.reports.screen import width

    for text in ("张伟", "欧阳建国", "C000123", "12.50%", "审计局局长（1）", "", "李\u200b娜", "█▌", "ＡＢ"):
        assert width(text) == cell_len(text), text


LINE = st.text(st.sampled_from(list("aZ09 .:()B") + list("张伟（）：无效标记") + ["\u3000", "é"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=8), st.integers(8, 60), st.sampled_from([None, "standard"]), STYLE)
def test_a_block_of_lines_prints_as_rich_prints_it(lines, width, colour, style):
    # a stage's invalid marks are one Text of many lines: laid out here when every line fits
    block, after = ("\n".join(lines), style), ("after", None)
    ours, theirs = consoles(width, colour)
    assert printer_prints(ours, [block, after], False) == rich_prints(theirs, [block, after])
    ours, theirs = consoles(width, colour)  # the same lines as `Lines` (terminal._lines)
    plain = (block[0], None)
    assert printer_prints(ours, [Lines(lines), after], False) == rich_prints(theirs, [plain, after])
    for items, shown in (([block, after], [block, after]), ([Lines(lines), after], [plain, after])):
        try:  # written without Rich, unless a word must be folded or a character is not measured
            ours = bare_prints(width, colour, items)
        except Unlaid:
            event("left to Rich")
            continue
        event("written without Rich")
        assert ours == rich_prints(consoles(width, colour)[1], shown)


def test_a_long_list_of_invalid_marks_takes_the_fast_path():
    ours, theirs = consoles(80, None)
    lines = [f"  票号 B{n:06d} 的无效标记：张丽（不符合 P01 的任职条件）" for n in range(2000)]
    block = "\n".join(lines)
    assert Printer(RichSink(ours))._line(block, None) == [(block, None), ("\n", None)]
    assert printer_prints(ours, [Lines(lines)], False) == rich_prints(theirs, [(block, None)])
    assert bare_prints(80, None, [Lines(lines)]) == ours.file.getvalue()
