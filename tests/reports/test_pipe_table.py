"""`render_text.pipe_table` lays out the usual table itself (`_plain_pipe_table`): byte for
byte what tabulate gives for it, on drawn tables of Chinese, wide, combining and ASCII text,
spaces and numbers; anything else is still tabulate's."""

from __future__ import annotations

import wcwidth
from hypothesis import given, settings, strategies as st

from selector.reports import render_text

PRINTABLE = list("ab1. |-:") + ["张", "伟", "（", "）", "、", "《", "％", "\u3000"]
TEXT = st.text(st.sampled_from(PRINTABLE), max_size=6)
PLAIN = st.one_of(TEXT, st.integers(-5, 123456))  # what the layout takes itself
# a combining accent, an emoji, halfwidth katakana, a middle dot, a virama (0 wide alone, 2
# before a space), a tone mark, control and invisible characters: tabulate's
ODD = ["\u0301", "👍", "ｱ", "·", "\u0a4d", "\u302a", "\t", "\n", "\u200b", "\u00ad"]
OTHER = st.one_of(st.text(st.sampled_from(PRINTABLE + ODD), max_size=6), st.booleans(), st.none(), st.just(1.5))


def _tabulated(headers, rows):
    real = render_text._plain_pipe_table
    try:
        render_text._plain_pipe_table = lambda *a: None
        return render_text.pipe_table(headers, rows)
    finally:
        render_text._plain_pipe_table = real


def _tables(cell):
    return st.integers(1, 4).flatmap(lambda n: st.tuples(
        st.lists(TEXT, min_size=n, max_size=n), st.lists(st.lists(cell, min_size=n, max_size=n), max_size=5)))


@settings(max_examples=600, deadline=None)
@given(_tables(PLAIN))
def test_the_usual_table_is_laid_out_as_tabulate_lays_it_out(table):
    headers, rows = table
    numeric = [bool(rows) and all(isinstance(r[i], int) for r in rows) for i in range(len(headers))]
    assert render_text._plain_pipe_table(headers, rows, numeric) is not None
    assert render_text.pipe_table(headers, rows) == _tabulated(headers, rows)


@settings(max_examples=300, deadline=None)
@given(_tables(st.one_of(PLAIN, OTHER)))
def test_any_table_is_laid_out_as_tabulate_lays_it_out(table):
    headers, rows = table
    assert render_text.pipe_table(headers, rows) == _tabulated(headers, rows)


def test_what_the_layout_leaves_to_tabulate():
    numeric = [False, False]
    plain = render_text._plain_pipe_table
    assert plain(["a", "b"], [["x", "张伟"]], numeric) is not None
    for rows in ([["x"]], [["x", "y", "z"]], [["x", None]], [["x", True]], [["x", 1.5]], [["x\ty", "z"]],
                 [["x", "\u200b"]], [["x", "\u0a4d"]], [["阿依古丽·买买提", "y"]]):
        assert plain(["a", "b"], rows, numeric) is None, rows
    assert plain(["a\n", "b"], [], numeric) is None


def test_the_characters_measured_without_wcwidth_are_as_wide_as_wcwidth_says_wherever_they_stand():
    taken = [chr(c) for c in range(0x110000) if render_text._WIDE.fullmatch(chr(c))]
    assert len(taken) == 95 + 42 + 15 + 20992 + 96  # ASCII, 3000-3029, 3030-303E, CJK, fullwidth
    width = {ch: 1 if ch.isascii() else 2 for ch in taken}
    assert {ch: wcwidth.wcswidth(ch) for ch in taken} == width
    assert {ch: (wcwidth.wcswidth(ch + " "), wcwidth.wcswidth(" " + ch)) for ch in taken} == \
        {ch: (w + 1, w + 1) for ch, w in width.items()}  # padded, as tabulate measures a cell
