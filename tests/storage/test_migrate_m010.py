"""m010_inspection upgrades a database made before the 2019 inspection rules: its round file
says `backfill = true` and its inspection backfilled by itself, and it keeps reading and
verifying (tests/data/m008-qidong-backfill.sql: made by the release before, with a 纪检 veto on
王芳 (C02) and 刘洋 (C04) backfilled on P01)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from selector.storage.schema import MIGRATIONS, pending
from selector.storage.store import Store

OLD = Path(__file__).resolve().parent.parent / "data" / "m008-qidong-backfill.sql"


def test_an_automatic_backfill_stored_before_reads_as_the_decision_it_stood_for(tmp_path, run):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(OLD.read_text(encoding="utf-8"))
    conn.close()
    assert pending(sqlite3.connect(db)) == [m.__name__ for m in MIGRATIONS[8:]]  # all after m008
    Store(db).close()  # opening migrates
    assert pending(sqlite3.connect(db)) == []
    r = run("--db", db, "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "2 cuts rechecked" in r.stdout and "all hold" in r.stdout
    r = run("--db", db, "show", "inspect", "--json")
    assert r.exit_code == 0, r.stderr
    p01 = next(p for p in json.loads(r.stdout)["posts"] if p["post"] == "P01")
    assert (p01["struck"], p01["backfilled"], p01["advanced"]) == (["C02"], ["C04"], ["C01", "C03", "C04"])
    assert p01["held"] is False and p01["status"] == "ok"
    # the round stored with its `backfill` key still opens, and the pipeline goes on
    r = run("--db", db, "status")
    assert r.exit_code == 0 and "vote1" in r.stdout
