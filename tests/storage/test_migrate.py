"""Schema upgrades: a blank database, and a frozen database from the first release."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from selector.storage.schema import migrations
from selector.storage.store import Store

# Made once with the first release (commit f6d6b53, schema m001_initial only): a round
# stored and one batch of rec1 tallied. Never regenerate it with newer code.
FROZEN = Path(__file__).resolve().parent.parent / "data" / "m001-dongtai.sql"


def schema(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    conn.close()
    return dict(rows)


def test_blank_database_gets_every_migration(tmp_path):
    store = Store(tmp_path / "new.db", create=True)
    assert [m.name for m in migrations.applied(store.db)] == [m.name for m in migrations._migrations]
    assert not migrations.pending(store.db)


def test_frozen_first_schema_upgrades_and_keeps_its_record(tmp_path, run):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(FROZEN.read_text(encoding="utf-8"))
    conn.close()
    assert [m.name for m in migrations.applied(Database(old))] == ["m001_initial"]

    store = Store(old)  # opening migrates
    assert not migrations.pending(store.db)
    store.close()
    assert schema(old) == schema(Store(tmp_path / "fresh.db", create=True).path)
    # The old record still verifies, and the upgraded database takes new work.
    r = run("--db", old, "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "1 stage recounted from 6 stored ballots" in r.stdout
    (tmp_path / "rec1-b.csv").write_bytes("票号,审计局局长,统计局局长\r\n0007,王芳,陈静\r\n".encode("gb18030"))
    assert run("--db", old, "tally", "rec1", tmp_path / "rec1-b.csv").exit_code == 0
    assert run("--db", old, "audit", "verify").exit_code == 0
