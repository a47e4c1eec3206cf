"""m016_papers_by_number keeps every tallied ballot number, now in a table WITHOUT ROWID
keyed by (round, stage, ballot): a number tallied before the upgrade is still refused, and
one withdrawn is freed."""

from __future__ import annotations

import sqlite3

from selector.storage.schema import pending
from selector.storage.store import Store
from test_migrate import frozen


def test_m016_keeps_the_ballot_numbers(tmp_path, run):
    old = frozen(tmp_path, stop_before="m016_papers_by_number")
    assert pending(sqlite3.connect(old))[0] == "m016_papers_by_number"
    with sqlite3.connect(old) as conn:
        before = sorted(conn.execute("SELECT round, stage, ballot, batch FROM papers"))
    assert len(before) == 6

    store = Store(old)  # opening migrates
    assert pending(store.conn) == []
    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'papers'").fetchone()[0]
    assert sql.endswith("WITHOUT ROWID")
    assert store.conn.execute("SELECT round, stage, ballot, batch FROM papers").fetchall() == before
    assert store.tallied_numbers("dongtai-2026", "rec1", [b for _, _, b, _ in before]) == {
        b: "rec1-a.csv" for _, _, b, _ in before}
    store.close()

    r = run("--db", old, "tally", "rec1", "--withdraw", "rec1-a.csv", "--reason", "录入有误")
    assert r.exit_code == 0, r.stderr
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0
