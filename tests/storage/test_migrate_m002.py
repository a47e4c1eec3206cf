"""m002_inspect_notice upgrades a database made by the first schema."""

import sqlite3

from sqlite_utils import Database

from selector.storage.schema import migrations, pending
from selector.storage.store import Store


def test_m002_upgrades_a_first_schema_database(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations().apply(db, stop_before="m002_inspect_notice")
    assert "findings" not in db.table_names() and "rounds" in db.table_names()
    db.conn.close()
    store = Store(path)
    names = set(Database(store.conn).table_names())
    assert {"inspection_files", "findings", "evaluation_papers", "evaluation_grades", "notices",
            "complaints"} <= names
    assert pending(store.conn) == []
    store.close()
