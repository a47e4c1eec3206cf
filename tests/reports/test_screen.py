"""`screen.Printer` lays out lines and ranking tables itself (a big round prints 10,000 of
them); what reaches the terminal must be what Rich prints, byte for byte, in colour or not."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from selector.reports.screen import Lines, Printer, Ranking

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


ITEMS = st.one_of(st.none(), texts(), st.builds(lambda t, s: Text(t, style=s), texts(), STYLE), rankings())


def consoles(width: int, colour: str | None):
    def make():
        return Console(file=io.StringIO(), width=width, highlight=False, soft_wrap=False, markup=False,
                       emoji=False, force_terminal=colour is not None, color_system=colour)
    return make(), make()


def rich_prints(console: Console, items) -> str:
    for item in items:
        console.print(*(() if item is None else (item.table() if isinstance(item, Ranking) else item,)))
    return console.file.getvalue()


def printer_prints(console: Console, items, flush_each: bool) -> str:
    out = Printer(console)
    for item in items:
        out.print(item)
        if flush_each:
            out.flush()
    out.flush()
    return console.file.getvalue()


@settings(max_examples=400, deadline=None)
@given(st.lists(ITEMS, max_size=6), st.integers(8, 100), st.sampled_from([None, "standard", "truecolor"]),
       st.booleans())
def test_the_printer_prints_what_rich_prints(items, width, colour, flush_each):
    ours, theirs = consoles(width, colour)
    assert printer_prints(ours, items, flush_each) == rich_prints(theirs, items)


def test_a_plain_ranking_and_lines_take_the_fast_path():
    ours, theirs = consoles(60, "truecolor")
    out = Printer(ours)
    ranking = Ranking([("名次", "right", None), ("姓名", "left", None), ("", "left", "fold")],
                      [(["1", "张伟", "✓"], None), (["2", "李强", "＝ 得票相同"], "yellow"),
                       (["3", "王芳", ""], None)], 1, 1)
    items = [None, Text("P01 审计局局长", style="bold"), "valid 4", ranking, Text("ok", style="bold red")]
    for item in items:
        made = out._line(Text(item) if isinstance(item, str) else item) if isinstance(item, (str, Text)) \
            else out._table(item) if item is not None else []
        assert made is not None
        out.print(item)
    out.flush()
    assert ours.file.getvalue() == rich_prints(theirs, items)
    assert "\x1b[33m" in ours.file.getvalue()  # the tied row in yellow, as Rich draws it


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


def test_the_full_width_ranges_the_block_path_measures_are_two_cells_in_rich():
    from rich.cells import cell_len

    from selector.reports.screen import _SIMPLE

    for code in [*range(0x20, 0x7F), *range(0x4E00, 0xA000), *range(0xFF01, 0xFF61)]:
        assert _SIMPLE.fullmatch(chr(code)), hex(code)
        assert cell_len(chr(code)) == (1 if code < 0x7F else 2), hex(code)


LINE = st.text(st.sampled_from(list("aZ09 .:()B") + list("张伟（）：无效标记") + ["\u3000", "é"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=8), st.integers(8, 60), st.sampled_from([None, "standard"]), STYLE)
def test_a_block_of_lines_prints_as_rich_prints_it(lines, width, colour, style):
    # a stage's invalid marks are one Text of many lines: laid out here when every line fits
    block = Text("\n".join(lines), style=style)
    ours, theirs = consoles(width, colour)
    assert printer_prints(ours, [block, "after"], False) == rich_prints(theirs, [block, "after"])
    ours, theirs = consoles(width, colour)  # the same lines as `Lines` (terminal._lines)
    assert printer_prints(ours, [Lines(lines), "after"], False) == rich_prints(theirs, [block.plain, "after"])


def test_a_long_list_of_invalid_marks_takes_the_fast_path():
    ours, theirs = consoles(80, None)
    lines = [f"  票号 B{n:06d} 的无效标记：张丽（不符合 P01 的任职条件）" for n in range(2000)]
    block = Text("\n".join(lines))
    assert Printer(ours)._line(block) == [(block.plain, None), ("\n", None)]
    assert printer_prints(ours, [Lines(lines)], False) == rich_prints(theirs, [block])
