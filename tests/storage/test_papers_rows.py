"""A batch's ballot numbers are stored in one statement (a JSON array read by SQLite's
`json_each`), each exactly as given; an SQLite without its JSON functions stores the same
rows one by one, and a number already tallied is refused either way. The table keeps them by
number (WITHOUT ROWID, m016): a file's own order is its stored rows'."""

from __future__ import annotations

import sqlite3

import pytest

from selector.errors import RuleError
from selector.storage.store import Store

from audit_data import write_round

NUMBERS = ["003", "001", "B-17", "００２", "票号 9", "'; DROP TABLE papers; --", "\"quoted\"", "反斜杠\\"]


class _NoJson:
    """A connection whose SQLite has no JSON functions (the rest passes through)."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, sql, *args):
        if "json_each" in sql:
            raise sqlite3.OperationalError("no such table: json_each")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.mark.parametrize("json_functions", [True, False])
def test_ballot_numbers_are_stored_as_given(run, tmp_path, json_functions):
    assert run("--db", tmp_path / "s.db", "init", write_round(tmp_path)).exit_code == 0
    store = Store(tmp_path / "s.db")
    if not json_functions:
        store.conn = _NoJson(store.conn)
    store.add_papers("r", "rec1", 1, dict.fromkeys(NUMBERS))
    store.add_papers("r", "rec1", 2, ["004"])
    rows = store.conn.execute("SELECT round, stage, ballot, batch FROM papers").fetchall()
    assert rows == sorted([("r", "rec1", n, 1) for n in NUMBERS] + [("r", "rec1", "004", 2)])
    with pytest.raises(RuleError, match="already tallied in another batch"):
        store.add_papers("r", "rec1", 3, ["005", "001"])


def test_many_numbers_are_stored_in_parts(run, tmp_path):
    assert run("--db", tmp_path / "s.db", "init", write_round(tmp_path)).exit_code == 0
    store = Store(tmp_path / "s.db")
    numbers = [f"B{i:06d}" for i in range(10_001, 0, -1)]  # three parts, the last of one number
    store.add_papers("r", "rec1", 1, dict.fromkeys(numbers))
    assert [n for (n,) in store.conn.execute("SELECT ballot FROM papers")] == sorted(numbers)
