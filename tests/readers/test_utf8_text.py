"""A UTF-8 file's text is read by `tables._Utf8Text`, which keeps the bytes it decoded so that
a chunk is stored as the file holds it (SQLite need not encode it again). Its reads must be
exactly `io.TextIOWrapper`'s, and each take exactly the UTF-8 of the characters taken,
wherever its pieces of bytes cut a character."""

from __future__ import annotations

import codecs
import io
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from selector.readers import tables
from selector.readers.tables import _Utf8Text
from test_fuzz import FUZZ

# ASCII, two- and three-byte characters, one of four bytes (a character outside the BMP)
TEXT = st.text(alphabet=st.sampled_from(list("ab,\r\n é张伟𠀀")), max_size=60)


def _wrapper(data: bytes, encoding: str = "utf-8") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="strict", newline="\n")


@FUZZ
@given(text=TEXT, bom=st.booleans(), sig=st.booleans(), piece=st.integers(1, 9),
       steps=st.lists(st.tuples(st.integers(1, 12), st.integers(0, 12)), max_size=12))
@example(text="张伟", bom=False, sig=False, piece=1, steps=[(1, 1), (1, 1)])
@example(text="", bom=True, sig=True, piece=1, steps=[])
def test_reads_are_the_wrappers_and_takes_their_bytes(text, bom, sig, piece, steps):
    """`sig`: read as "utf-8-sig" (a BOM left out), else as "utf-8" (a BOM is a character)."""
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    ours, theirs = _Utf8Text(io.BytesIO(data), sig=sig), _wrapper(data, "utf-8-sig" if sig else "utf-8")
    read = taken = ""
    with mock.patch.object(_Utf8Text, "PIECE", piece):
        for size, take in steps:  # (as `_csv_chunks` does: a take never passes what was read)
            got = ours.read(size)
            assert got == theirs.read(size)
            read += got
            n = min(take, len(read) - len(taken))
            assert ours.take(n) == read[len(taken):len(taken) + n].encode("utf-8")
            taken += read[len(taken):len(taken) + n]
        assert ours.read(100) == theirs.read(100)
        assert ours.read(1) == ""


@pytest.mark.parametrize("data", [b"ab\xe5\xbc", b"ab\xff,cd", "张伟".encode("gb18030")])
def test_bytes_that_are_not_utf8_raise_as_the_wrapper_does(data):
    with pytest.raises(UnicodeDecodeError):
        _wrapper(data).read(10)
    with pytest.raises(UnicodeDecodeError), mock.patch.object(_Utf8Text, "PIECE", 2):
        _Utf8Text(io.BytesIO(data)).read(10)


def test_a_gb18030_file_is_stored_from_its_text(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes("票号,审计局局长\r\n0001,张伟\r\n".encode("gb18030"))
    with tables.open_table(path) as table:
        chunks = list(table.chunks)
    assert table.encoding == "gb18030"
    assert [c.raw for c in chunks] == [None]  # (SQLite encodes its text: the file's bytes are not UTF-8)
