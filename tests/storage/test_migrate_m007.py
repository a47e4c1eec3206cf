"""m007_corrections upgrades an old database: its record verifies as before, and a batch tallied
before the upgrade can be withdrawn and its file tallied again."""

from __future__ import annotations

import sqlite3

from selector.storage.schema import MIGRATIONS, pending
from selector.storage.store import Store
from test_migrate import frozen


def test_m007_upgrades_the_frozen_first_schema(tmp_path, run):
    old = frozen(tmp_path, stop_before="m007_corrections")
    assert pending(sqlite3.connect(old)) == [m.__name__ for m in MIGRATIONS[6:]]

    store = Store(old)  # opening migrates
    assert pending(store.conn) == []
    columns = {t: [r[1] for r in store.conn.execute(f"PRAGMA table_info({t})")]
               for t in ("batches", "inspection_files", "complaints")}
    assert all("withdrawn" in c for c in columns.values())
    assert columns["inspection_files"][-3:] == ["unit", "expected", "present"]  # m010_inspection
    assert [b["withdrawn"] for b in store.batches("dongtai-2026", "rec1", withdrawn=True)] == [None]
    store.close()

    # the old record verifies exactly as it did before the upgrade
    r = run("--db", old, "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == ("round dongtai-2026: 2 events chained (head a22bf1ab4b4ff83b1280c38fcf18bad4d5aba02bf"
                                "e20f2de4a28f39c28466bd0), 1 stage recounted from 6 stored ballots, 0 cuts "
                                "rechecked, 0 files re-hashed: all hold")
    # the batch tallied by the first release is withdrawn, its ballot numbers and file freed
    r = run("--db", old, "tally", "rec1", "--withdraw", "rec1-a.csv", "--reason", "录入有误")
    assert r.exit_code == 0, r.stderr
    assert run("--db", old, "audit", "verify").exit_code == 0
    (tmp_path / "rec1-a.csv").write_bytes("票号,审计局局长,统计局局长\r\n0001,王芳,陈静\r\n".encode("gb18030"))
    r = run("--db", old, "tally", "rec1", tmp_path / "rec1-a.csv")
    assert r.exit_code == 0, r.stderr
    r = run("--db", old, "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "1 stage recounted from 1 stored ballots, 1 correction rechecked" in r.stdout
