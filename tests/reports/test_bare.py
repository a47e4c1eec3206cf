"""`reports.bare` lets screens print without Rich: what reaches the terminal must be what Rich
prints, byte for byte, styled or not (the status screen here, held to a Rich table; lines
and rankings in test_screen.py), and the width and styling must be what Rich's Console
would choose in the same environment."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from selector.reports import bare, terminal
from selector.reports.screen import BareSink, Printer, RichSink, Unlaid
from selector.i18n import _
from selector.reports.common import STATUS_COLUMNS, eligibility_lines, status_screen

from support import ROOT

ROUND = ('[round]\nid = "r"\ntitle = "乡镇党委换届"\norganizer = "中共某市委组织部"\n\n'
         '[[post]]\nid = "P01"\ntitle = "审计局局长"\nseats = 1\n\n'
         '[[candidate]]\nid = "C001"\nname = "张伟"\n\n'
         '[[stage]]\nid = "rec1"\nkind = "recommend"\ntitle = "民主推荐"\nelectorate = 10\n')

KNOWN = [(0x20, 0x7E), (0xA1, 0xAC), (0xAE, 0x2FF), (0x2010, 0x2027), (0x2500, 0x259F), (0x2713, 0x2713),
         (0x3001, 0x3029), (0x3030, 0x303E), (0x4E00, 0x9FFF), (0xFF01, 0xFF60)]


def test_every_character_measured_here_measures_as_in_rich():
    for first, last in KNOWN:
        for code in range(first, last + 1):
            ch = chr(code)
            assert bare.cells(ch) == cell_len(ch), hex(code)
    for odd in ("\t", "\x1b", "\u200b", "\u0301", "\u302a", "\u00a0", "\u2028", "\u2030", "😀", "\u3000"):
        assert bare.cells("张" + odd) is None, repr(odd)
        assert not bare.measured("张" + odd) and not bare.measured("a" + odd), repr(odd)
    assert bare.measured("票号 B000009 的无效标记：蔡涛（不符合 P05 的任职条件）é─") and bare.measured("a b")


WORDS = st.sampled_from(["rec1", "P06", "张建华(兴仁镇)", "于", "2011-06-28", "确定为推荐、提名人选", "·",
                         "选任职位，不设试用期", "notice：", "a", "appointed", "probation", "（试用期）",
                         "Müller", "全市干部大会民主推荐", "x" * 12,
                         # no line holds these: Rich folds them
                         "、".join(f"C{n:03d}" for n in range(30)), "王秀英（C011）、蔡勇（C033）、" * 6])
SPACES = st.sampled_from([" ", "  ", " " * 3])


@st.composite
def lines(draw, max_words=8):
    words = draw(st.lists(WORDS, max_size=max_words))
    out = draw(st.sampled_from(["", " "]))
    for w in words:
        out += w + draw(SPACES)
    return out if draw(st.booleans()) else out.rstrip()


def rich_console(width: int, styled: bool) -> Console:
    # the options of cli.plain.console
    return Console(file=io.StringIO(), width=width, highlight=False, soft_wrap=False, markup=False, emoji=False,
                   force_terminal=styled, color_system="standard" if styled else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=4), st.integers(2, 90), st.booleans(), st.booleans())
def test_text_wraps_as_rich_wraps_it(text_lines, width, styled, bold):
    from rich.text import Text

    text = "\n".join(text_lines)
    ours = bare.Screen(width, styled).text(text, "1" if bold else None)
    console = rich_console(width, styled)
    console.print(Text(text, style="bold" if bold else ""))
    assert "".join(ours) == console.file.getvalue()  # a word wider than the line folded, as Rich folds it


STATES = st.sampled_from(["waiting", "ready", "tallied", "locked", "inspecting", "open", "sitting", "decided"])
TITLES = st.sampled_from(["全市干部大会民主推荐", "全委会民主推荐", "考察对象公示", "考察", "市委常委会讨论决定",
                          "拟任人选道德品行鉴定", "市委全委会票决", "任前公示", "", "Vote of the committee",
                          "党工委书记/管委会主任（兼）"])


@st.composite
def status_rows(draw):
    rows = []
    for i in range(draw(st.integers(1, 9))):
        issued = draw(st.one_of(st.none(), st.integers(0, 2000)))
        appointees = draw(st.lists(st.fixed_dictionaries({
            "post": st.sampled_from(["P01", "P26"]), "name": st.sampled_from(["季雪芳", "张建华(兴仁镇)", "Li Wei"]),
            "appointed": st.just("2011-06-28"),
            "probation_until": st.sampled_from([None, "2012-06-27"])}), max_size=3))
        rows.append({"stage": draw(st.sampled_from(["rec1", "rec2", "preview", "inspect", "vote1", "notice"])) + str(i),
                     "state": draw(STATES), "certified": draw(st.booleans()),
                     "batches": draw(st.integers(0, 120)), "returned": draw(st.integers(0, 100000)),
                     "present": None if issued is None else draw(st.integers(0, issued)), "issued": issued,
                     "title": draw(TITLES), "next": None, "appointees": appointees})
    if draw(st.booleans()):
        rows[draw(st.integers(0, len(rows) - 1))]["next"] = "selector tally rec1 FILE"
    return rows


ELIGIBILITY = st.sampled_from([None, {
    "at": "2011-05-01", "max_age": 45, "min_years_in_post": 2,
    "standings": [{"candidate": "C012", "name": "倪德明", "excluded": True, "exceptional": None,
                   "breaches": [{"rule": "age", "value": 47, "limit": 45}]},
                  {"candidate": "C031", "name": "王锋", "excluded": False, "exceptional": "基层一线工作突出",
                   "breaches": [{"rule": "years_in_post", "value": 1, "limit": 2}]}]}])


def rich_status(console: Console, round_title: str, round_id: str, rows: list[dict], found: dict | None) -> None:
    """The status as Rich itself prints it, its table a `box.SIMPLE_HEAD` Table: the reference."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"{round_id} · {round_title}", style="bold"))
    if eligibility_lines(found):
        console.print(Text("\n".join(eligibility_lines(found))))
    cells, appointees, (last, bold) = status_screen(rows)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col, right in STATUS_COLUMNS[:-1]:
        table.add_column(_(col), no_wrap=True, justify="right" if right else "left")
    table.add_column(_(STATUS_COLUMNS[-1][0]), overflow="fold")
    for row in cells:
        table.add_row(*row[:-1], Text(row[-1]))
    console.print(table)
    if appointees:
        console.print(Text("\n".join(appointees)))
    console.print(Text(last, style="bold" if bold else ""))


@settings(max_examples=200, deadline=None)
@given(status_rows(), ELIGIBILITY, st.sampled_from(["海门市乡镇党委换届公推公选", "Demo round 2026", "x" * 70]),
       st.integers(30, 140), st.booleans())
def test_the_status_screen_is_what_rich_prints(rows, found, title, width, styled):
    console = rich_console(width, styled)
    rich_status(console, title, "haimen-2011", rows, found)
    expected = console.file.getvalue()
    console = rich_console(width, styled)  # through the printer, to Rich
    out = Printer(RichSink(console))
    terminal.status(out, title, "haimen-2011", rows, found)
    out.flush()
    assert console.file.getvalue() == expected
    sink = BareSink(bare.Screen(width, styled))  # written without Rich
    out = Printer(sink)
    try:
        terminal.status(out, title, "haimen-2011", rows, found)
        out.flush()
    except Unlaid:
        pass
    else:
        assert sink.text() == expected
        return
    # Rich alone: only when its table must be squeezed or a word is wider than the line
    cells, appointees, (last, _bold) = status_screen(rows)
    grid = [[_(t) for t, _r in STATUS_COLUMNS], *cells]
    natural = sum(max(cell_len(c) for c in column) for column in zip(*grid)) + 2 * len(grid[0]) - 2 + len(grid[0]) + 1
    texts = [f"haimen-2011 · {title}", *eligibility_lines(found), *appointees, last]
    assert natural > width or any(cell_len(w.rstrip()) > width for t in texts for w in re.findall(r"\s*\S+\s*", t))


ENVIRONMENTS = [{}, {"TERM": "xterm-256color"}, {"TERM": "dumb"}, {"TERM": "unknown"}, {"NO_COLOR": "1"},
                {"FORCE_COLOR": "1"}, {"FORCE_COLOR": ""}, {"TTY_COMPATIBLE": "0"}, {"TTY_COMPATIBLE": "1"},
                {"TTY_COMPATIBLE": "1", "TERM": "dumb"}, {"COLUMNS": "100"}, {"COLUMNS": "wide"},
                {"LINES": "30"}, {"LINES": "30", "TERM": "dumb", "FORCE_COLOR": "1"}, {"COLUMNS": "0"},
                {"COLUMNS": " 7"}, {"COLUMNS": "100", "LINES": "40", "TERM": "dumb", "FORCE_COLOR": "1"},
                {"COLUMNS": "100", "TERM": "dumb", "TTY_COMPATIBLE": "1"}]


class Stream(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8"):
        super().__init__()
        self.tty, self._encoding = tty, encoding

    def isatty(self):
        return self.tty

    @property
    def encoding(self):
        return self._encoding


@pytest.mark.skipif(os.name != "posix", reason="bare prints on POSIX systems only")
@pytest.mark.parametrize("environ", ENVIRONMENTS, ids=str)
@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("width", [None, 77])
def test_the_screen_is_the_one_rich_would_print_to(environ, tty, width):
    stream = Stream(tty)
    screen = bare.Screen.detect(width, environ, stream)
    console = Console(file=stream, width=width, _environ=environ)
    assert (screen.width, screen.styled, screen.no_color) == (console.width, console.color_system is not None,
                                                              console.no_color)


def test_rich_prints_when_the_output_is_not_utf8():
    assert bare.Screen.detect(80, {}, Stream(False, "gb18030")) is None
    assert bare.Screen.detect(80, {}, Stream(False, "utf-8")) is not None


@pytest.mark.parametrize("columns", ["80", "30"])  # 30: the table is squeezed, Rich prints it
def test_a_closed_pipe_ends_status_as_rich_ends_it(tmp_path, columns):
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SELECTOR_DB": str(tmp_path / "r.db"),
           "COLUMNS": columns, "SELECTOR_LANG": "en"}
    subprocess.run([sys.executable, "-m", "selector", "init", str(tmp_path / "r.toml")], env=env, check=True,
                   capture_output=True)
    run = subprocess.Popen([sys.executable, "-m", "selector", "status"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    run.stdout.close()  # nobody reads: the first write finds the pipe closed
    err = run.stderr.read()
    assert run.wait() == 1 and err == b""
