"""`render_text.pipe_table` lays out the usual table itself (`_plain_pipe_table`): byte for
byte what tabulate gives for it, on drawn tables of Chinese, wide, combining and ASCII text,
spaces and numbers; anything else is still tabulate's."""

from __future__ import annotations

import wcwidth
from hypothesis import given, settings, strategies as st

from selector.reports import render_text

PRINTABLE = list("ab1. |-:") + ["张", "伟", "（", "）", "、", "％", "\u0301", "👍", "ｱ", "\u3000"]
TEXT = st.text(st.sampled_from(PRINTABLE), max_size=6)
PLAIN = st.one_of(TEXT, st.integers(-5, 123456))  # what the layout takes itself
OTHER = st.one_of(st.text(st.sampled_from(PRINTABLE + ["\t", "\n", "\u200b", "\u00ad"]), max_size=6), st.booleans(),
                  st.none(), st.just(1.5))


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
    assert render_text._plain_pipe_table(headers, rows, numeric, wcwidth.wcswidth) is not None
    assert render_text.pipe_table(headers, rows) == _tabulated(headers, rows)


@settings(max_examples=300, deadline=None)
@given(_tables(st.one_of(PLAIN, OTHER)))
def test_any_table_is_laid_out_as_tabulate_lays_it_out(table):
    headers, rows = table
    assert render_text.pipe_table(headers, rows) == _tabulated(headers, rows)


def test_what_the_layout_leaves_to_tabulate():
    numeric = [False, False]
    plain = render_text._plain_pipe_table
    assert plain(["a", "b"], [["x", "y"]], numeric, wcwidth.wcswidth) is not None
    for rows in ([["x"]], [["x", "y", "z"]], [["x", None]], [["x", True]], [["x", 1.5]], [["x\ty", "z"]],
                 [["x", "\u200b"]]):
        assert plain(["a", "b"], rows, numeric, wcwidth.wcswidth) is None, rows
    assert plain(["a\n", "b"], [], numeric, wcwidth.wcswidth) is None


def test_the_characters_measured_without_wcwidth_are_as_wide_as_wcwidth_says():
    chars = [chr(c) for c in (*range(0x20, 0x7F), *range(0x4E00, 0xA000), *range(0xFF01, 0xFF61))]
    assert all(render_text._WIDE.fullmatch(ch) for ch in chars)
    assert {ch: wcwidth.wcswidth(ch) for ch in chars} == {ch: 1 if ch.isascii() else 2 for ch in chars}
    assert not render_text._WIDE.fullmatch("\u3000") and not render_text._WIDE.fullmatch("ｱ")
