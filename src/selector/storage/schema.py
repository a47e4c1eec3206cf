"""The database schema, as named migrations (sqlite-utils `Migrations`).

Never edit a migration that has shipped: add a new one to MIGRATIONS. `tests/storage/test_migrate.py`
upgrades a frozen copy of the first schema.

Opening a database only asks `pending` (a query or two on sqlite-utils' `_sqlite_migrations`);
sqlite-utils itself is imported by `migrations()`, when there is something to apply.
"""

from __future__ import annotations

import sqlite3

SET = "selector"  # the migration set's name in _sqlite_migrations


def m001_initial(db):
    db["rounds"].create({"id": str, "title": str, "main": str, "sha256": str, "at": str}, pk="id")
    db["round_files"].create({"round": str, "name": str, "sha256": str, "data": bytes},
                             pk=("round", "name"))
    db["stages"].create({"round": str, "stage": str, "present": int, "issued": int,
                         "void_papers": int, "locked_at": str, "certified_at": str, "certificate": str},
                        pk=("round", "stage"))
    db["batches"].create({"id": int, "round": str, "stage": str, "file": str, "sha256": str,
                          "encoding": str, "layout": str, "sheet": str, "header": str,
                          "rows": int, "ballots": int, "event": int, "at": str}, pk="id")
    db["batches"].create_index(["round", "stage", "sha256"], unique=True)
    db["rows"].create({"batch": int, "line": int, "cells": str}, pk=("batch", "line"))
    db["papers"].create({"round": str, "stage": str, "ballot": str, "batch": int},
                        pk=("round", "stage", "ballot"))
    db["post_results"].create({"round": str, "stage": str, "post": str, "returned": int,
                               "void": int, "blank": int, "weighted_valid": str,
                               "overvotes": int}, pk=("round", "stage", "post"))
    db["results"].create({"round": str, "stage": str, "post": str, "candidate": str,
                          "votes": int, "weighted": str, "no": int, "abstain": int,
                          "invalid": int, "by_category": str},
                         pk=("round", "stage", "post", "candidate"))
    db["invalid_marks"].create({"round": str, "stage": str, "post": str, "ballot": str,
                                "text": str, "reason": str})
    db["invalid_marks"].create_index(["round", "stage"])
    db["cuts"].create({"round": str, "stage": str, "post": str, "status": str, "advanced": str,
                       "decision": str, "chosen": str, "reason": str},
                      pk=("round", "stage", "post"))
    db["events"].create({"id": int, "round": str, "at": str, "operator": str, "command": str,
                         "stage": str, "details": str, "files": str, "prev": str, "hash": str},
                        pk="id")
    db["events"].create_index(["round"])


def m002_inspect_notice(db):
    # Inspection files as read (rows as JSON), then what they say: findings per candidate
    # and check, and 民主测评 papers with one grade per candidate column.
    db["inspection_files"].create({"id": int, "round": str, "stage": str, "kind": str, "file": str,
                                   "sha256": str, "encoding": str, "sheet": str, "header": str,
                                   "rows": str, "event": int, "at": str}, pk="id")
    db["inspection_files"].create_index(["round", "stage", "sha256"], unique=True)
    db["findings"].create({"round": str, "stage": str, "candidate": str, "check_name": str,
                           "verdict": str, "note": str, "file": int, "line": int},
                          pk=("round", "stage", "candidate", "check_name"))
    db["evaluation_papers"].create({"round": str, "stage": str, "ballot": str, "file": int,
                                    "void": str}, pk=("round", "stage", "ballot"))
    db["evaluation_grades"].create({"round": str, "stage": str, "ballot": str, "candidate": str,
                                    "grade": str, "unclear": int},
                                   pk=("round", "stage", "ballot", "candidate"))
    db["notices"].create({"round": str, "stage": str, "start": str, "end": str,
                          "working_days": int, "calendar": str, "warning": str, "at": str},
                         pk=("round", "stage"))
    db["complaints"].create({"round": str, "stage": str, "number": int, "received": str,
                             "candidate": str, "summary": str, "named": int, "outcome": str,
                             "note": str, "until": str, "at": str, "resolved_at": str},
                            pk=("round", "stage", "number"))


def m003_audit(db):
    # The event log is append-only (SPEC §5). A trigger does not stop someone who edits the
    # file by hand (the hash chain and `audit verify` catch that); it stops any code path,
    # ours or a plugin's, from rewriting history by mistake.
    for action in ("UPDATE", "DELETE"):
        db.execute(f"""
            CREATE TRIGGER IF NOT EXISTS events_no_{action.lower()} BEFORE {action} ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""")


def m004_row_chunks(db):
    # Raw rows in chunks: one database row per run of file lines (`cells` is the JSON array
    # of [line, cells] pairs), not one per line; a million single-line inserts cost more
    # than the rest of a tally. Every cell is still stored as read (Store.stored_rows).
    import json

    db["row_chunks"].create({"batch": int, "first_line": int, "last_line": int, "cells": str},
                            pk=("batch", "first_line"))
    insert = "INSERT INTO row_chunks (batch, first_line, last_line, cells) VALUES (?, ?, ?, ?)"
    chunk: list[str] = []
    batch = first = last = None
    for b, line, cells in db.execute("SELECT batch, line, cells FROM rows ORDER BY batch, line"):
        if chunk and (b != batch or len(chunk) >= 1000):
            db.execute(insert, [batch, first, last, "[" + ", ".join(chunk) + "]"])
            chunk = []
        if not chunk:
            batch, first = b, line
        last = line
        try:
            json.loads(cells)
            text = cells  # kept byte for byte
        except (TypeError, ValueError):
            text = json.dumps(cells, ensure_ascii=False)  # a row that no longer read stays so
        chunk.append(f"[{line}, {text}]")
    if chunk:
        db.execute(insert, [batch, first, last, "[" + ", ".join(chunk) + "]"])
    db["rows"].drop()



def m005_row_text(db):
    # A CSV file's rows are kept as the text they were read from (`text`, a run of whole rows;
    # `cells` NULL), parsed again by the same CSV reader when read back: storing a million rows
    # as JSON cost more than parsing them. XLSX rows, and every earlier chunk, keep `cells`.
    db.execute("ALTER TABLE row_chunks ADD COLUMN text TEXT")


def m006_record_anchors(db):
    # What the record keeps about itself: `needs`, the selector version that last migrated the
    # file (a database with a migration this version does not know is refused with it), and
    # `exact_times_from`, the first event written since every row a command writes takes that
    # command's one time (Store.write): from it on, each stored `at` must equal its event's;
    # rows of earlier events need only lie between their neighbouring events' times.
    db["selector_meta"].create({"key": str, "value": str}, pk="key")
    first = (db.execute("SELECT max(id) FROM events").fetchone()[0] or 0) + 1
    db["selector_meta"].insert({"key": "exact_times_from", "value": str(first)})


def m007_corrections(db):
    # Corrections keep what they undo. A withdrawn ballot batch or inspection file stays stored
    # (rows and all, still hashed) with the id of the event that withdrew it; only live ones
    # must be unique by content, so the same file can be tallied again after its withdrawal.
    # A complaint entered in error is kept too, marked the same way (its number is not reused).
    for table in ("batches", "inspection_files"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN withdrawn INTEGER")
        db.execute(f"DROP INDEX IF EXISTS idx_{table}_round_stage_sha256")
        db.execute(f"CREATE UNIQUE INDEX idx_{table}_live_sha256 ON {table} (round, stage, sha256) "
                   "WHERE withdrawn IS NULL")
    db.execute("ALTER TABLE complaints ADD COLUMN withdrawn INTEGER")


def m008_void_papers(db):
    """Which papers (or posts on a paper) were void and why, for `show` and the sheets."""
    db["void_papers"].create({"round": str, "stage": str, "ballot": str, "post": str, "reason": str})
    db["void_papers"].create_index(["round", "stage"])


def m010_inspection(db):
    """民主测评 per unit (its name, 应到 and 实到 on the evaluation file's row) and the recorded
    decisions on concerns (keep or strike, with the reason and the concerns settled)."""
    for column, kind in (("unit", "TEXT"), ("expected", "INTEGER"), ("present", "INTEGER")):
        db.execute(f"ALTER TABLE inspection_files ADD COLUMN {column} {kind}")
    db["settlements"].create({"round": str, "stage": str, "candidate": str, "decision": str, "reason": str,
                              "concerns": str, "event": int, "at": str})
    db["settlements"].create_index(["round", "stage"])


def m011_eligibility(db):
    """Marks a post counted by the shared-name rule (a name two roster people share, placed on
    the only one of them on the post's list): the tally says which rule placed them."""
    db.execute("ALTER TABLE post_results ADD COLUMN by_list INTEGER NOT NULL DEFAULT 0")


def m012_decide(db):
    """Sittings of a decide stage (讨论决定) and re-votes (再次投票) of a vote stage: each one's
    date, attendance, how it voted, the record file as given (`source`) and its items as read
    (JSON: post, nominee, counts, recused, deferred); a secret ballot's papers file, when the
    counts were made from it, as given (bytes)."""
    db["sittings"].create({"round": str, "stage": str, "number": int, "date": str, "present": int,
                           "method": str, "file": str, "sha256": str, "source": str, "items": str,
                           "papers_file": str, "papers_sha256": str, "papers": bytes,
                           "event": int, "at": str}, pk=("round", "stage", "number"))


def m013_notices(db):
    """Issue 12: a notice's end date given by the clerk (with the reason, where the calendar
    has no schedule), and the appointments a closed 任前公示 records, with the 试用期's end."""
    db.execute("ALTER TABLE notices ADD COLUMN end_reason TEXT")
    db["appointments"].create({"round": str, "stage": str, "post": str, "candidate": str, "appointed": str,
                               "probation_until": str, "at": str}, pk=("round", "stage", "post", "candidate"))


def m009_counts(db):
    """A stage recorded from counts (totals, or a 谈话调研推荐): its batch is the counts file
    (layout "totals", `ballots` = papers returned), and here the papers returned — people
    talked to (实谈) — per category ("" for a stage without categories)."""
    db["counted"].create({"batch": int, "category": str, "returned": int}, pk=("batch", "category"))


def m014_flat_batches(db):
    """Each invalid mark and void paper says the batch it came in (NULL: stored before), so a
    batch appends its own rows and the results digest chains them a batch at a time (see
    digest.marks_chain) instead of rewriting and hashing every earlier batch's again."""
    for table in ("invalid_marks", "void_papers"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN batch INTEGER")


def m015_marks_by_post(db):
    """An index of each stage's invalid marks by post: a later batch's tally counts the marks
    before it per post (Store.load_count(marks=False)) from the index, not the table."""
    db.execute("CREATE INDEX idx_invalid_marks_post ON invalid_marks (round, stage, post)")


def m016_papers_by_number(db):
    """The tallied ballot numbers in one B-tree keyed by (round, stage, ballot) — a table
    WITHOUT ROWID — instead of a table and its primary key's index: a tally writes each
    number once, not twice (issue 17: a 33,334-paper file's numbers 11.6 → 8.9 ms). The rows
    and the order a stage's numbers are read in (by number) stay as they were."""
    db.execute("CREATE TABLE papers_by_number (round TEXT, stage TEXT, ballot TEXT, batch INTEGER, "
               "PRIMARY KEY (round, stage, ballot)) WITHOUT ROWID")
    db.execute("INSERT INTO papers_by_number (round, stage, ballot, batch) "
               "SELECT round, stage, ballot, batch FROM papers")
    db.execute("DROP TABLE papers")
    db.execute("ALTER TABLE papers_by_number RENAME TO papers")


def m017_round_docs(db):
    """Each stored round file's TOML document, read once (`storage.tomldoc`), keyed by the
    file's SHA-256: opening a round reads it instead of parsing the file again (issue 17). A
    round stored before this is read here; a file that cannot be (none was stored so) is
    parsed as before whenever the round is opened."""
    import tomllib

    from selector.storage import tomldoc

    db.execute("CREATE TABLE round_docs (sha256 TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID")
    for sha, data in db.execute("SELECT f.sha256, f.data FROM rounds r JOIN round_files f "
                                "ON f.round = r.id AND f.name = r.main").fetchall():
        try:
            doc = tomllib.loads(bytes(data).decode("utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError, TypeError):
            continue
        db.execute("INSERT OR IGNORE INTO round_docs (sha256, doc) VALUES (?, ?)", [sha, tomldoc.text(doc)])


MIGRATIONS = (m001_initial, m002_inspect_notice, m003_audit, m004_row_chunks, m005_row_text,
              m006_record_anchors, m007_corrections, m008_void_papers, m009_counts, m010_inspection,
              m011_eligibility, m012_decide, m013_notices, m014_flat_batches, m015_marks_by_post,
              m016_papers_by_number, m017_round_docs)


def applied(conn: sqlite3.Connection) -> set[str] | None:
    """Names of the selector migrations applied to the database; None when it holds none (an
    empty file, or another application's database)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone():
        return None
    done = {name for (name,) in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [SET])}
    return done or None


def unknown(done: set[str]) -> list[str]:
    """Applied migrations this version does not know (the database is newer than it)."""
    return sorted(done - {m.__name__ for m in MIGRATIONS})


def needs(conn: sqlite3.Connection) -> str | None:
    """The selector version a database says it needs (None when it does not say)."""
    try:
        return meta(conn, "needs")
    except sqlite3.OperationalError:  # no selector_meta: older than m006
        return None


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of `selector_meta` (None when absent)."""
    row = conn.execute("SELECT value FROM selector_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def shape(conn: sqlite3.Connection) -> dict[str, dict]:
    """The schema as comparable values: table -> {"columns": (name, type, notnull, pk)…,
    "indexes": {(unique, columns)…}}; trigger -> its SQL with runs of white space as one."""
    out: dict[str, dict] = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN "
                                        "('table', 'trigger') AND name NOT LIKE 'sqlite_%'"):
        if kind == "trigger":
            out[f"trigger {name}"] = {"sql": " ".join(str(sql).split())}
            continue
        columns = tuple((c[1], str(c[2]).upper(), c[3], c[5])
                        for c in conn.execute(f'PRAGMA table_info("{name}")'))
        indexes = set()
        for _, index, unique, _, _ in conn.execute(f'PRAGMA index_list("{name}")'):
            indexes.add((bool(unique), tuple(c[2] for c in conn.execute(f'PRAGMA index_info("{index}")'))))
        out[f"table {name}"] = {"columns": columns, "indexes": indexes}
    return out


def expected_shape() -> dict[str, dict]:
    """The shape every migration together makes (a new database in memory)."""
    conn = sqlite3.connect(":memory:")
    try:
        migrate(conn)
        return shape(conn)
    finally:
        conn.close()


def pending(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations not yet applied to the database, in order."""
    done = applied(conn) or set()
    return [m.__name__ for m in MIGRATIONS if m.__name__ not in done]


def migrations():
    """The sqlite-utils `Migrations` set of MIGRATIONS."""
    from selector.storage import sqlite_utils_db  # noqa: F401  (sqlite-utils without pandas)
    from sqlite_utils.migrations import Migrations

    out = Migrations(SET)
    for fn in MIGRATIONS:
        out()(fn)
    return out


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the pending migrations (callers hold the write lock)."""
    steps = migrations()
    from sqlite_utils import Database

    steps.apply(Database(conn, execute_plugins=False))
    from selector import __version__

    conn.execute("INSERT OR REPLACE INTO selector_meta (key, value) VALUES ('needs', ?)", [__version__])
