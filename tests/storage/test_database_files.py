"""What `--db` may name: a selector database, or (for init) a path that does not exist yet."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from audit_data import REC1, papers_csv, write_round


def tables(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    conn.close()
    return names


def test_another_applications_database_is_left_alone(run, tmp_path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.commit()
    conn.close()
    for args in (("status",), ("init", write_round(tmp_path)), ("audit", "verify")):
        r = run("--db", other, *args)
        assert r.exit_code == 1, r.stdout
        assert r.stderr == (f"error: {other} is not a selector database (an SQLite database of another "
                            "application): give --db a selector database, or a path that does not exist "
                            "yet to `selector init`\n")
    assert tables(other) == ["contacts"]


def test_an_empty_file_does_not_become_a_database(run, tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    r = run("--db", empty, "init", write_round(tmp_path))
    assert r.exit_code == 1
    assert f"error: {empty} is not a selector database (an empty file)" in r.stderr
    assert empty.stat().st_size == 0


def test_a_folder_or_a_text_file_is_not_a_database(run, tmp_path):
    (tmp_path / "folder.db").mkdir()
    r = run("--db", tmp_path / "folder.db", "status")
    assert r.exit_code == 1 and "is not a selector database (a folder)" in r.stderr
    (tmp_path / "notes.db").write_text("minutes of the meeting\n" * 100, encoding="utf-8")
    r = run("--db", tmp_path / "notes.db", "status")
    assert r.exit_code == 1 and "is not a selector database (not an SQLite database" in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_a_database_of_a_newer_selector_is_refused_with_the_version_it_needs(run, tmp_path):
    assert run("init", write_round(tmp_path)).exit_code == 0
    conn = sqlite3.connect("selector.db")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('selector', 'm042_future', '2031-01-01')")
    conn.execute("UPDATE selector_meta SET value = '3.1.0' WHERE key = 'needs'")
    conn.commit()
    conn.close()
    before = Path("selector.db").read_bytes()
    from selector import __version__

    for args in (("status",), ("audit", "verify"), ("init", tmp_path / "dongtai-2026.toml")):
        r = run(*args)
        assert r.exit_code == 1
        assert r.stderr == (f"error: selector.db was written by a newer selector: it needs selector "
                            f"3.1.0 or newer (this is selector {__version__}, which does not know "
                            "m042_future)\n".replace("selector.db", str(tmp_path / "selector.db")))
    assert Path("selector.db").read_bytes() == before


def test_a_refused_init_leaves_no_file_behind(run, tmp_path):
    bad = write_round(tmp_path)
    bad.write_text(bad.read_text(encoding="utf-8").replace('ratio = "1:2"', 'ratio = "3"'), encoding="utf-8")
    r = run("init", bad)
    assert r.exit_code == 1 and "ratio" in r.stderr
    assert sorted(os.listdir(tmp_path)) == ["dongtai-2026.toml"]
    good = write_round(tmp_path)
    assert run("init", good).exit_code == 0
    assert sorted(os.listdir(tmp_path)) == ["dongtai-2026.toml", "selector.db"]
    assert run("status").exit_code == 0


def test_init_does_not_start_a_new_database_beside_an_old_witness_file(run, tmp_path):
    """Its lines would all be differences against the new record, or the old record was deleted."""
    path = write_round(tmp_path)
    assert run("init", path).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    assert run("cut", "rec1", "--resolve", "P01=C02", "--reason", "常委会研究决定").exit_code == 0
    Path("selector.db").unlink()
    r = run("init", path)
    assert r.exit_code == 1
    assert r.stderr == (f"error: {tmp_path}/selector.db.witness is there but {tmp_path}/selector.db is not: "
                        "it is the witness file of an earlier database (deleted or moved?); move it away "
                        "before `selector init` makes a new database there\n")
    assert not Path("selector.db").exists()
    Path("selector.db.witness").rename("practice.witness")
    assert run("init", path).exit_code == 0
