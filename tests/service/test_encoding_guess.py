"""A tally reads a CSV file as UTF-8 from what its first piece shows, without decoding the
rest first (`open_table(guess=True)`). A file that is not UTF-8 throughout is then read again
whole, its encoding told from every byte: whatever the file, the tally ends exactly as one
that decoded every byte first (the same exit, screen, error line and stored record). A UTF-8
file's chunks are stored from its bytes (`tables._Utf8Text`): the record is the one storing
their text makes."""

from __future__ import annotations

import codecs
import sqlite3
from unittest import mock

import pytest

from selector.readers import tables

ROUND = ('[round]\nid = "r"\ntitle = "乡镇党委换届"\norganizer = "中共某市委组织部"\n\n'
         '[[post]]\nid = "P01"\ntitle = "审计局局长"\nseats = 1\n\n'
         + "".join(f'[[candidate]]\nid = "C00{i}"\nname = "{name}"\n\n' for i, name in enumerate(("叶平", "谢伟", "张伟"), 1))
         + '[[stage]]\nid = "rec1"\nkind = "recommend"\ntitle = "民主推荐"\nelectorate = 1000\n')


def _gbk_read_as_utf8_at_first() -> bytes:
    # GBK whose first pieces also read as UTF-8 (叶平 d2b6 c6bd, 谢伟 d0bb ceb0: two-byte
    # sequences): guessed UTF-8; 张伟 further on is not UTF-8, and the file is GBK throughout
    rows = "".join(f"B{i:04d},{('叶平', '谢伟')[i % 2]}\r\n" for i in range(1, 400))
    return ("ballot,P01\r\n" + rows + "B0400,张伟\r\n").encode("gbk")


def _utf8_refused_early_then_gbk() -> bytes:
    # UTF-8 with a ballot number twice on rows 2 and 3, and a GBK line pasted in far below
    # (past what the first reads decode): not UTF-8 throughout, so the refusal is the one a
    # tally reading it as GB18030 gives
    rows = "B0001,张伟\r\n" + "".join(f"B{i:04d},谢伟\r\n" for i in range(1, 3000))
    return ("ballot,P01\r\n" + rows).encode() + "B3000,张伟\r\n".encode("gbk")


def _utf8() -> bytes:
    rows = "".join(f"B{i:04d},{('叶平', '张伟')[i % 2]}\r\n" for i in range(1, 400))
    return ("ballot,P01\r\n" + rows).encode()


def _dump(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [line for line in conn.iterdump() if "_sqlite_migrations" not in line]


@pytest.mark.parametrize("make", [_gbk_read_as_utf8_at_first, _utf8_refused_early_then_gbk, _utf8])
def test_a_tally_ends_as_one_that_decoded_every_byte_first(run, tmp_path, monkeypatch, make):
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    ballots = tmp_path / "rec1.csv"
    ballots.write_bytes(make())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    ends = []
    for shown in (tables.UTF8_SHOWN, float("inf")):  # (inf: nothing is guessed)
        db = tmp_path / f"{shown}.db"
        monkeypatch.setenv("SELECTOR_DB", str(db))
        assert run("init", tmp_path / "r.toml").exit_code == 0
        opened: list[tuple] = []  # (guess asked, then whether the table was guessed, or None if it was not opened)
        open_table = tables.open_table

        def spy(*args, guess=False, **options):
            opened.append((guess, None))
            table = open_table(*args, guess=guess, **options)
            opened[-1] = (guess, table.guessed)
            return table

        with mock.patch.object(tables, "CHUNK", 256), mock.patch.object(tables, "BLOCK", 300), \
                mock.patch.object(tables, "UTF8_SHOWN", shown), \
                mock.patch.object(tables, "open_table", spy):
            result = run("tally", "rec1", ballots, "--present", "900", "--issued", "900")
        ends.append((result.exit_code, result.stdout.replace(str(db), "DB"), result.stderr, _dump(db), opened))
    (code, stdout, stderr, dump, opened), (*same, told) = ends
    assert (code, stdout, stderr, dump) == tuple(same)
    assert not any(guessed for _, guessed in told)
    if make is _utf8:
        assert code == 0 and opened == [(True, True)]  # read once, on the guess
    elif make is _gbk_read_as_utf8_at_first:
        # the guess is wrong (found as its first block is read): read again, as GB18030
        assert code == 0 and opened == [(True, None), (False, False)]
        with sqlite3.connect(tmp_path / f"{tables.UTF8_SHOWN}.db") as conn:
            assert conn.execute("SELECT encoding FROM batches").fetchall() == [("gb18030",)]
    else:
        # refused on a guess, before the bytes that are not UTF-8: checked, and read again
        assert code == 1 and opened == [(True, True), (False, False)] and stderr.count("\n") == 1


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_a_chunk_stored_from_its_bytes_is_the_text_stored(run, tmp_path, monkeypatch, bom):
    """The record is the same whether SQLite is given a chunk's bytes (cast to TEXT) or its
    text: the rows, their digests, the screen."""
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    ballots = tmp_path / "rec1.csv"
    rows = "".join(f"B{i:04d},{('叶平', '张伟', '𠀀明', '')[i % 4]}\r\n" for i in range(1, 400))
    ballots.write_bytes(bom + ("ballot,P01\r\n" + rows).encode())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    ends = []
    for given in (True, False):
        db = tmp_path / f"{given}.db"
        monkeypatch.setenv("SELECTOR_DB", str(db))
        assert run("init", tmp_path / "r.toml").exit_code == 0
        with mock.patch.object(tables, "BLOCK", 300), \
                mock.patch.object(tables._Utf8Text, "take", tables._Utf8Text.take if given else lambda self, n: None):
            result = run("tally", "rec1", ballots, "--present", "900", "--issued", "900")
        assert result.exit_code == 0, result.stderr
        ends.append((result.stdout.replace(str(db), "DB"), _dump(db)))
        with sqlite3.connect(db) as conn:
            assert {t for (t,) in conn.execute("SELECT typeof(text) FROM row_chunks")} == {"text"}
            assert "".join(t for (t,) in conn.execute("SELECT text FROM row_chunks ORDER BY first_line")) \
                == ballots.read_bytes().decode("utf-8-sig")
        assert run("audit", "verify").exit_code == 0
    assert ends[0] == ends[1]
