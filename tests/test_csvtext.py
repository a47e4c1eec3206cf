"""`csvtext.plain_rows` gives the rows `csv.reader` gives, or None (the caller then parses
with csv), for any text: drawn from the characters that matter to a CSV parser; and
`flat_rows` gives those rows' cells in one list only when every row is as wide as asked."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings, strategies as st

from selector.csvtext import flat_rows, plain_rows, plain_text

# separators, both line ends, a quote, NUL, spaces, letters, Chinese, other line separators
# csv does not end a row at
PIECES = st.sampled_from([",", "\n", "\r\n", "\r", '"', "\x00", " ", "a", "B7", "张伟", "\u2028", "\x1c", "\x85",
                          "\t", ",,"])


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.integers(1, 12))
def test_plain_text_splits_as_csv_reads_it(text, longest):
    rows = plain_rows(text, longest)
    if rows is not None:
        assert rows == _csv(text)
        assert max(map(len, (c for r in rows for c in r)), default=0) <= longest


def test_what_is_not_plain_is_left_to_csv():
    assert plain_rows("a,b\r\nc,d\r\n", 10) == [["a", "b"], ["c", "d"]]
    assert plain_rows("a,b\nc,d", 10) == [["a", "b"], ["c", "d"]]
    assert plain_rows("", 10) == []
    for text in ['a,"b"\n', "a\x00\n", "a\r\nb\n", "a\rb\n", "abcdef\n", "a\nabcdef"]:
        assert plain_rows(text, 5) is None, text


def test_an_empty_line_is_a_row_of_no_cell_as_csv_reads_it():
    for text in ["a\n\nb\n", "\na\n", "a\r\n\r\n", "\n", "\r\n\r\n,\r\n"]:
        assert plain_rows(text, 5) == _csv(text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=30), st.integers(1, 40),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_a_line_longer_than_the_longest_is_never_plain(lengths, longest, end, last_end):
    """The line lengths are bounded without splitting the text (a line end in every stretch
    of longest // 2 characters); the bound must never let a longer line through, nor refuse
    text whose lines all fit."""
    text = end.join("a" * (n + 1) for n in lengths) + (end if last_end else "")
    found = plain_text(text, longest)
    assert (found is not None) == (max(lengths) + 1 <= longest)
    if found is not None:
        assert found == ("\r\n" if "\r" in text else "\n", len(lengths))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", "a", "张伟", " B7 ", "\t"]), max_size=4), max_size=8),
       st.integers(2, 4), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_flat_rows_are_the_rows_cells_when_every_row_is_as_wide(rows, width, end, last_end):
    text = end.join(",".join(row) for row in rows) + (end if last_end else "")
    found = plain_text(text, 100)
    assert found is not None
    rows = _csv(text)
    assert found[1] == len(rows)
    flat = flat_rows(text, *found, width)
    if all(len(row) == width for row in rows):
        assert flat == [cell for row in rows for cell in row]
    else:
        assert flat is None
    assert flat_rows(text, *found, 1) is None  # (one cell a row: left to csv)
