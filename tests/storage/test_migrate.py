"""Schema upgrades: a blank database, and a frozen database from the first release."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from selector import __version__
from selector.storage.schema import MIGRATIONS, meta, migrations, pending
from selector.storage.store import Store

# Made once with the first release (commit f6d6b53, schema m001_initial only): a round
# stored and one batch of rec1 tallied. Never regenerate it with newer code.
FROZEN = Path(__file__).resolve().parent.parent / "data" / "m001-dongtai.sql"


def schema(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    conn.close()
    return dict(rows)


def fresh(path: Path) -> Path:
    """A new database with every migration (and nothing stored)."""
    store = Store(path, create=True)
    with store.write():
        pass  # the first commit gives the new file its name
    store.close()
    return path


def test_blank_database_gets_every_migration(tmp_path):
    store = Store(fresh(tmp_path / "new.db"))
    assert [m.name for m in migrations().applied(Database(store.conn))] == [m.__name__ for m in MIGRATIONS]
    assert pending(store.conn) == []
    assert meta(store.conn, "exact_times_from") == "1"


def frozen(tmp_path: Path, stop_before: str | None = None) -> Path:
    """The frozen first-release database in `tmp_path`, migrated up to `stop_before` (a
    migration's name) when given."""
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(FROZEN.read_text(encoding="utf-8"))
    conn.close()
    if stop_before:
        migrations().apply(Database(old), stop_before=stop_before)
    return old


def test_frozen_first_schema_upgrades_and_keeps_its_record(tmp_path, run):
    old = frozen(tmp_path)
    assert [m.name for m in migrations().applied(Database(old))] == ["m001_initial"]
    assert pending(sqlite3.connect(old)) == [m.__name__ for m in MIGRATIONS[1:]]

    store = Store(old)  # opening migrates
    assert pending(store.conn) == []
    # m006: the two events written before it keep the looser check of their rows' times
    assert meta(store.conn, "exact_times_from") == "3"
    assert meta(store.conn, "needs") == __version__
    store.close()
    assert schema(old) == schema(fresh(tmp_path / "fresh.db"))
    # The old record still verifies, and the upgraded database takes new work.
    r = run("--db", old, "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "1 stage recounted from 6 stored ballots" in r.stdout
    (tmp_path / "rec1-b.csv").write_bytes("票号,审计局局长,统计局局长\r\n0007,王芳,陈静\r\n".encode("gb18030"))
    assert run("--db", old, "tally", "rec1", tmp_path / "rec1-b.csv").exit_code == 0
    assert run("--db", old, "audit", "verify").exit_code == 0
    # A row written before m006 need only lie between its neighbouring events' times …
    conn = sqlite3.connect(old)
    conn.execute("UPDATE batches SET at = '2026-05-28T20:26:39+00:00' WHERE id = 1")
    conn.commit()
    r = run("--db", old, "audit", "verify")
    assert r.exit_code == 3
    assert ("stage rec1: table batches, row 1 (rec1-a.csv): at is '2026-05-28T20:26:39+00:00', outside "
            "the times of the events around tally event #2 (2026-05-28T20:26:40+00:00 to "
            "2026-05-28T20:26:40+00:00)") in r.stderr
    # … while one written since must carry its event's time exactly.
    conn.execute("UPDATE batches SET at = '2026-05-28T20:26:39+00:00' WHERE id = 2")
    conn.execute("UPDATE batches SET at = '2026-05-28T20:26:40+00:00' WHERE id = 1")
    conn.commit()
    conn.close()
    r = run("--db", old, "audit", "verify")
    assert r.stderr.splitlines()[1:] == [
        "  stage rec1: table batches, row 2 (rec1-b.csv): at is '2026-05-28T20:26:39+00:00' but tally "
        "event #3 was written at '2026-05-28T20:26:40+00:00'"]


def test_row_chunks_migration_keeps_every_row_as_stored(tmp_path):
    """m004 moves one-row-per-line `rows` into chunks of 1,000 lines per batch, each row's JSON
    byte for byte; a row that no longer read as JSON stays a visible difference."""
    import json

    from selector.storage import digest

    path = tmp_path / "old.db"
    db = Database(path)
    migrations().apply(db, stop_before="m004_row_chunks")
    rows = [(1, line, json.dumps([f"{line:04d}", "审计局局长", "张伟"], ensure_ascii=False))
            for line in range(2, 2502)]
    rows += [(2, 2, '["0001", "统计局局长", "王\\"芳"]'), (2, 3, "0002,刘洋")]
    db.execute("INSERT INTO batches (id, header) VALUES (1, '[\"票号\"]'), (2, '[\"票号\"]')")
    db.conn.executemany("INSERT INTO rows (batch, line, cells) VALUES (?, ?, ?)", rows)
    hashed = {b: digest.RowsHasher('["票号"]') for b in (1, 2)}
    for b, line, cells in rows:
        hashed[b].add(line, cells)
    db.conn.commit()
    db.close()

    store = Store(path)  # opening migrates
    assert "rows" not in Database(store.conn).table_names()
    chunks = store.conn.execute("SELECT batch, first_line, last_line FROM row_chunks "
                                "ORDER BY batch, first_line").fetchall()
    assert chunks == [(1, 2, 1001), (1, 1002, 2001), (1, 2002, 2501), (2, 2, 3)]
    assert [(line, json.dumps(cells, ensure_ascii=False)) for line, cells in store.stored_rows(1)] \
        == [(line, cells) for b, line, cells in rows if b == 1]
    assert store.rows_digest(1) == hashed[1].hexdigest()  # logged digests still hold
    assert list(store.stored_rows(2)) == [(2, ["0001", "统计局局长", '王"芳']), (3, "0002,刘洋")]
    assert store.rows_digest(2) != hashed[2].hexdigest()  # the garbage row still shows
