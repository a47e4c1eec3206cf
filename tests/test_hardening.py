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


# -- paths that are not files (item 9) ------------------------------------------------------

def test_a_fifo_is_named_as_such(tmp_path):
    import os

    path = tmp_path / "ballots.csv"
    os.mkfifo(path)
    assert refusal(path) == f"{path}: is a FIFO (named pipe), not a file: give the ballot file itself"


def test_a_device_is_named_as_such():
    assert refusal("/dev/zero") == "/dev/zero: is a device, not a file: give the ballot file itself"


def test_a_symbolic_link_loop_is_named_as_such(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    message = refusal(tmp_path / "a.csv")
    assert message.startswith(f"{tmp_path / 'a.csv'}: a symbolic link loop"), message


def test_a_dangling_symbolic_link_is_named_as_such(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "gone.csv")
    message = refusal(tmp_path / "a.csv")
    assert message.startswith(f"{tmp_path / 'a.csv'}: a symbolic link to a missing file"), message


def test_a_missing_file_and_a_folder(tmp_path):
    assert refusal(tmp_path / "nope.csv") == f"{tmp_path / 'nope.csv'}: no such file"
    assert refusal(tmp_path) == f"{tmp_path}: is a folder, not a ballot file"


def test_the_tally_command_names_a_fifo(run, tmp_path):
    import os

    from support import good_round

    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    os.mkfifo(tmp_path / "p.csv")
    result = run("tally", "rec1", "p.csv", "--present", "20", "--issued", "20")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: p.csv: is a FIFO (named pipe), not a file: give the ballot file itself"


def test_a_file_that_cannot_be_read_says_why(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("ballot,P01\n1,张伟\n", encoding="utf-8")
    denied = PermissionError(13, "Permission denied")
    with mock.patch.object(tables, "file_digest", side_effect=denied):
        assert refusal(path) == f"{path}: cannot read it (Permission denied)"
