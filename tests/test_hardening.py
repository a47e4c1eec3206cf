"""Files that used to be counted wrong without a word, or refused at the wrong place: each
is now read correctly or refused with the row and column (the hardening issue)."""

from __future__ import annotations

from unittest import mock

import pytest

from selector.readers import tables
from selector.readers.tables import open_table
from selector.errors import BallotFileError


def refusal(path, **kw) -> str:
    with pytest.raises(BallotFileError) as e:
        with open_table(path, **kw) as table:
            for _ in table.rows:
                pass
    return e.value.message


# -- error positions (item 10) ------------------------------------------------------------

def test_mixed_encodings_name_the_line_where_utf8_stops(tmp_path):
    # Lines 1-2 are UTF-8 (as GB18030 they break at once, on line 1); line 3 was pasted in
    # from a GBK file: line 3 is where the file stops being what it started as.
    path = tmp_path / "mixed.csv"
    path.write_bytes("票号,审计局局长\r\n1,张伟\r\n".encode() + "2,王芳\r\n".encode("gbk")
                     + "3,李娜\r\n".encode())
    message = refusal(path)
    assert message.startswith(f"{path}: line 3: "), message
    assert "mixed" in message and "d5" not in message.split("(")[0]


BLOCKS = pytest.mark.parametrize("block", [tables.BLOCK, 3, 16])  # small blocks: cuts everywhere


@BLOCKS
def test_a_quote_never_closed_names_the_row_it_opened_on(tmp_path, block):
    path = tmp_path / "quote.csv"
    path.write_text('ballot,P01\n1,"张伟\n' + "".join(f"{i},王芳\n" for i in range(3, 200)),
                    encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        message = refusal(path)
    assert message.startswith(f"{path}: row 2: "), message
    assert "quote" in message


@BLOCKS
def test_a_quote_closed_in_the_wrong_place_names_the_row_it_opened_on(tmp_path, block):
    # The quote opened on row 2 runs on until line 131, where a stray quote ends it badly.
    path = tmp_path / "quote.csv"
    path.write_text('ballot,P01\n1,"张伟\n' + "".join(f"{i},王芳\n" for i in range(3, 131))
                    + '131,a"b\n132,x\n', encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        message = refusal(path)
    assert message.startswith(f"{path}: row 2: "), message
    assert "line 131" in message


@BLOCKS
def test_a_stray_quote_inside_a_row_names_that_row(tmp_path, block):
    path = tmp_path / "quote.csv"
    path.write_text('ballot,P01\n1,张伟\n2,"王"芳\n3,李娜\n', encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        assert refusal(path).startswith(f"{path}: row 3: unreadable CSV")
