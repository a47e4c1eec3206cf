"""`csvtext.plain_rows` gives the rows `csv.reader` gives, or None (the caller then parses
with csv), for any text: drawn from the characters that matter to a CSV parser; and
`flat_cells` gives those rows' cells in one list only when every row is as wide as asked."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings, strategies as st

from selector.csvtext import flat_cells, plain_lines, plain_rows

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
    for text in ['a,"b"\n', "a\x00\n", "a\n\nb\n", "\na\n", "a\r\nb\n", "a\rb\n", "a\r\n\r\n", "abcdef\n"]:
        assert plain_rows(text, 5) is None, text


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", "a", "张伟", " B7 ", "\t"]), min_size=1, max_size=4), max_size=8),
       st.integers(1, 4))
def test_flat_cells_are_the_rows_cells_when_every_row_is_as_wide(rows, width):
    text = "".join(",".join(row) + "\n" for row in rows)
    lines = plain_lines(text, 100)
    if lines is None:  # (a row of one empty cell is an empty line: csv reads no row there)
        assert any(row == [""] for row in rows)
        return
    flat = flat_cells(lines, width)
    if rows and all(len(row) == width for row in rows):
        assert flat == [cell for row in _csv(text) for cell in row]
    else:
        assert flat is None
