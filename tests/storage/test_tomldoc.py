"""A round file's TOML document is stored beside its bytes (table round_docs, m017) and read
back when the round is opened, instead of parsing the file again (issue 17: ~9 ms of every
command). The stored text must give back the very document — every value of its type, the
dates and times too — and a round opened from it must be the round the file gives."""

from __future__ import annotations

import math
import sqlite3
import tomllib
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from selector.readers import roundfile
from selector.service.rounds import load_round
from selector.storage import tomldoc
from selector.storage.schema import pending
from selector.storage.store import Store
from support import good_round
from test_migrate import frozen

# -- the stored text gives the document back --------------------------------------------------

offsets = st.integers(-24 * 60 + 1, 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
times = st.one_of(st.dates(), st.times(), st.datetimes(), st.datetimes(timezones=st.just(timezone.utc) | offsets))
texts = st.text(st.sampled_from(['张', '伟', '"', '\\', '\n', 'a', '1', '-', ':', 'T', '😀', '\x00', ' ']), max_size=12)
keys = st.sampled_from(['id', 'P', '0', '张', 'times', 'doc', 'format', '"', '.', '$', '']) | texts
scalars = st.one_of(texts, st.integers(-2**70, 2**70), st.floats(), st.booleans(), times)
documents = st.dictionaries(keys, st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                                               | st.dictionaries(keys, inner, max_size=4), max_leaves=20),
                            max_size=6)


def typed(value):
    """A value as comparable data that tells its types apart (NaN equals NaN here; a datetime's offset counts)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    if isinstance(value, (datetime, time)):
        return type(value).__name__, value.isoformat(), value.utcoffset()
    return type(value).__name__, value


@settings(max_examples=300, deadline=None)
@given(documents)
def test_the_stored_text_gives_the_document_back(doc):
    assert typed(tomldoc.document(tomldoc.text(doc))) == typed(doc)


def test_every_kind_of_toml_value_comes_back_of_its_type():
    doc = tomllib.loads('''
        title = "海门市 2011 年公推公选"
        at = 2011-06-28
        opened = 2011-06-28T09:30:00+08:00
        utc = 2011-06-28T01:30:00Z
        local = 2011-06-28T09:30:00.123456
        start = 09:30:00
        share = 0.5
        big = 123_456_789_012_345_678_901
        odd = [nan, inf, -inf, -0.0]
        flags = [true, false]
        "times" = "2011-06-28"
        [[stage]]
        id = "vote1"
        dates = [2011-06-14, 2011-06-16]
        [stage.cut]
        ratio = "1:2"
        [[stage]]
        id = "rec1"
        "format" = { "doc" = 07:00:00 }
        ''')
    back = tomldoc.document(tomldoc.text(doc))
    assert typed(back) == typed(doc)
    assert type(back["at"]) is date and type(back["start"]) is time
    assert back["opened"].utcoffset() == timedelta(hours=8) and back["utc"].tzinfo == timezone.utc
    assert back["times"] == "2011-06-28"  # a string that reads like a date stays a string
    assert type(back["stage"][0]["dates"][1]) is date and type(back["stage"][1]["format"]["doc"]) is time


@pytest.mark.parametrize("stored", ["x", "[]", '{"format": 2, "doc": {}, "times": []}', '{"format": 1, "doc": []}',
                                    '{"format": 1, "doc": {"a": "2011"}, "times": [[["a"], "date"]]}',
                                    '{"format": 1, "doc": {"a": 1}, "times": [[["b", "c"], "date"]]}',
                                    '{"format": 1, "doc": {"a": 1}, "times": [[[], "date"]]}'])
def test_a_text_this_version_cannot_read_is_not_read(stored):
    assert tomldoc.document(stored) is None


# -- the round is opened from it ----------------------------------------------------------------

def test_init_stores_the_document_and_opening_the_round_reads_it(tmp_path, run, monkeypatch):
    path = good_round(tmp_path)
    assert run("init", path).exit_code == 0
    store = Store(tmp_path / "selector.db")
    (stored,) = store.conn.execute("SELECT doc FROM round_docs").fetchone()
    assert stored == tomldoc.text(tomllib.loads(path.read_text("utf-8")))
    expected, _, _ = roundfile.load(path)

    def no_toml():
        raise AssertionError("the round file was parsed again")

    monkeypatch.setattr(roundfile, "_toml", no_toml)
    assert load_round(store, None) == expected
    assert run("status").exit_code == 0
    # Without its document (or with one this version cannot read) the file is parsed, as before.
    monkeypatch.undo()
    for sql in ("UPDATE round_docs SET doc = 'x'", "DELETE FROM round_docs"):
        with store.write():
            store.conn.execute(sql)
        assert load_round(store, None) == expected
    store.close()


def test_an_amended_round_keeps_the_document_of_its_file_alone(tmp_path, run):
    path = good_round(tmp_path)
    assert run("init", path).exit_code == 0
    path.write_text(path.read_text("utf-8").replace('title = "审计局局长"', 'title = "审计局长"'), "utf-8")
    assert run("init", path).exit_code == 0
    store = Store(tmp_path / "selector.db")
    assert store.conn.execute("SELECT doc FROM round_docs").fetchall() == [
        (tomldoc.text(tomllib.loads(path.read_text("utf-8"))),)]
    store.close()


def test_verify_finds_a_document_that_is_not_the_files(tmp_path, run):
    assert run("init", good_round(tmp_path)).exit_code == 0
    assert run("audit", "verify").exit_code == 0
    conn = sqlite3.connect(tmp_path / "selector.db")
    with conn:
        conn.execute("UPDATE round_docs SET doc = replace(doc, '\"seats\":1', '\"seats\":2')")
    conn.close()
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "table round_docs, row round.toml: does not match the round file it was read from" in r.stderr
    assert "the stored round files were changed; nothing was recounted" in r.stderr


def test_m017_reads_the_rounds_stored_before_it(tmp_path, run):
    old = frozen(tmp_path, stop_before="m017_round_docs")
    assert pending(sqlite3.connect(old)) == ["m017_round_docs"]
    with sqlite3.connect(old) as conn:
        ((main, data),) = conn.execute("SELECT f.name, f.data FROM rounds r JOIN round_files f "
                                       "ON f.round = r.id AND f.name = r.main").fetchall()
    store = Store(old)  # opening migrates
    assert pending(store.conn) == []
    assert store.round_doc_text("dongtai-2026") == tomldoc.text(tomllib.loads(data.decode("utf-8-sig")))
    assert load_round(store, None) == roundfile.from_sources(main, store.round_files("dongtai-2026"))
    store.close()
    assert run("--db", old, "audit", "verify").exit_code == 0
