"""The round database: rounds, raw ballot rows, result snapshots, cuts and the event log.

Everything that writes runs inside `Store.write()`: one `BEGIN IMMEDIATE` transaction, so a
command either happens whole or not at all, and two commands on one file queue up.

Reads and writes are plain SQL through the few helpers below (`select`, `insert`, …);
sqlite-utils is imported only when the file needs migrating (`schema.migrate`), which keeps
it (≈ 70 ms of imports) out of every command a clerk runs on an existing database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from fractions import Fraction
from itertools import islice
from operator import itemgetter
from pathlib import Path

from selector import __version__
from selector.domain.counting import CandidateCount, InvalidMark, PostCount, StageCount
from selector.domain.cuts import DECIDED, PostCut
from selector.domain.model import Round, Stage
from selector.errors import (
    CreatedMeanwhile, DatabaseError, NewerDatabase, NoDatabase, NotFound, NotSelectorDatabase, RuleError,
    SelectorError, WitnessWithoutDatabase,
)
from selector.storage import digest, events, schema, tomldoc, witness
from selector.storage.clock import now
from selector.storage.records import StageRecords
from selector.storage.rows import (
    GENESIS, UnreadableRows, canonical, chain, chunk_json, csv_text_rows, rows_text,
    tolerant_text,
)

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from selector.storage.intake import Intake

# The page size of a new database (an existing one keeps its own). A tally stores its file's
# text, tens of KiB a chunk, and every page is a write of its own: with 32 KiB pages a 1M-mark
# file takes an eighth of the writes SQLite's 4 KiB pages take (issue 17: storing and
# committing a 1M-mark tally 70 → 58 ms wide, 134 → 105 ms long). A command's own reads and
# writes are a few pages either way; an empty database is 1.6 MB.
PAGE_SIZE = 32_768

# An invalid mark's columns in the snapshot (digest.SNAPSHOT_TABLES): `mark_rows`' keys.
MARK_COLUMNS = next(columns for table, _, columns in digest.SNAPSHOT_TABLES if table == "invalid_marks")

# Each stored round with its main file (`f`): the file a round's TOML document is read from.
_MAIN_FILES = "rounds r JOIN round_files f ON f.round = r.id AND f.name = r.main"

# What SQLite says when a write fails, in the clerk's words.
WRITE_FAILURES = (
    ("database or disk is full", "the disk is full"),
    ("readonly database", "the database file or its folder is read-only"),
    ("unable to open database file", "its folder cannot be written to (read-only?)"),
    ("disk I/O error", "the disk reported an I/O error"),
)


class Store(StageRecords):
    """The round database: the one API the service reads and writes through."""

    def __init__(self, path: str | Path, create: bool = False):
        """Open the selector database at `path`. Only a selector database is opened (never an
        empty file or another application's SQLite file, which migrating would fill with
        tables), and one written by a newer selector is refused. With `create` (init alone), a
        path that does not exist yet gets a new database, built in a temporary file beside it
        that takes the name at the first commit: a refused init leaves no file behind."""
        path = Path(path)
        self.path = path
        self._unpublished: Path | None = None  # the temporary file of a new database
        self._clock: str | None = None  # the time of the write under way (see `stamp`)
        self._witness: list[str] = []  # witness lines of the write under way
        if path.exists():
            self.conn = self._open_existing(path)
        elif not create:
            # A mistyped --db must not leave an empty database behind and report "no round".
            raise NoDatabase(str(path))
        else:
            self.conn = self._create(path)

    def _open_existing(self, path: Path) -> sqlite3.Connection:
        if path.is_dir():
            raise NotSelectorDatabase(str(path), "folder")
        try:
            if path.stat().st_size == 0:
                raise NotSelectorDatabase(str(path), "empty")
            conn = sqlite3.connect(str(path), timeout=30)
        except OSError as e:
            raise DatabaseError("cannot open the database {path}: {reason}", path=str(path),
                                reason=e.strerror) from None
        except sqlite3.DatabaseError as e:
            raise DatabaseError("cannot open the database {path}: {reason}", path=str(path),
                                reason=str(e)) from None
        try:
            applied = schema.applied(conn)
            if applied is None:
                raise NotSelectorDatabase(str(path), "foreign")
            unknown = schema.unknown(applied)
            if unknown:
                raise NewerDatabase(str(path), schema.needs(conn), __version__, unknown[0])
            if schema.pending(conn):
                # Under the write lock, so two commands opening an old file at once cannot both
                # migrate it; the second finds the work done.
                self.conn = conn
                with self.write():
                    if schema.pending(conn):
                        schema.migrate(conn)
        except sqlite3.DatabaseError as e:
            conn.close()
            if "locked" in str(e) or "busy" in str(e):
                raise self._cannot_write(e) from None
            why = "unreadable" if "not a database" in str(e) or "encrypted" in str(e) else "damaged"
            raise NotSelectorDatabase(str(path), why, str(e)) from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _create(self, path: Path) -> sqlite3.Connection:
        if witness.path_of(path).exists():
            # Its lines would all fail against a new record (or the old record was deleted).
            raise WitnessWithoutDatabase(str(path), str(witness.path_of(path)))
        work = path.with_name(f".{path.name}.new-{os.getpid()}-{os.urandom(4).hex()}")
        try:
            # Owner-only from the first byte: the file holds every ballot of every round.
            os.close(os.open(work, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except OSError as e:
            raise DatabaseError("cannot create the database {path}: {reason}", path=str(path),
                                reason=e.strerror) from None
        self._unpublished = work
        try:
            self.conn = sqlite3.connect(str(work), timeout=30)
            self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # (before the first table)
            self.conn.execute("BEGIN IMMEDIATE")
            schema.migrate(self.conn)
            self.conn.commit()
        except BaseException as e:
            self._discard()
            if isinstance(e, sqlite3.DatabaseError):
                raise DatabaseError("cannot create the database {path}: {reason}", path=str(path),
                                    reason=str(e)) from None
            raise
        return self.conn

    def _publish(self) -> None:
        """Give a new database its name, after its first commit: never over a file another
        command created at that path meanwhile."""
        work, path = self._unpublished, self.path
        self.conn.close()
        try:
            try:
                os.link(work, path)
            except FileExistsError:
                raise
            except OSError:  # a filesystem without hard links (FAT on a USB stick)
                if path.exists():
                    raise FileExistsError(path) from None
                os.rename(work, path)
        except FileExistsError:
            self._discard()
            raise CreatedMeanwhile("{path} was created by another command meanwhile; nothing was "
                                   "stored in it by this one", path=str(path)) from None
        except OSError as e:
            self._discard()
            raise DatabaseError("cannot create the database {path}: {reason}", path=str(path),
                                reason=e.strerror) from None
        self._discard()
        # Reopened under its own name, so later transactions journal beside it.
        self.conn = sqlite3.connect(str(path), timeout=30)

    def _discard(self) -> None:
        """Remove the temporary file of a new database (and its journal)."""
        work, self._unpublished = self._unpublished, None
        with contextlib.suppress(Exception):
            self.conn.close()
        for name in (work, Path(f"{work}-journal")):
            with contextlib.suppress(OSError):
                os.unlink(name)

    def close(self) -> None:
        if self._unpublished is not None:
            self._discard()  # created, never written: nothing is left behind
        else:
            self.conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator["Store"]:
        """One IMMEDIATE transaction: all of it lands, or none of it."""
        if self.conn.in_transaction:
            yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise self._cannot_write(e) from None
        self._clock, self._witness = now(), []
        try:
            yield self
            self._commit()
        except sqlite3.Error as e:
            with contextlib.suppress(sqlite3.Error):
                self.conn.rollback()
            if type(e) in (sqlite3.OperationalError, sqlite3.DatabaseError):
                # disk full, read-only file or folder, I/O error, busy: one line, not a traceback
                raise self._cannot_write(e) from None
            raise
        except BaseException:
            self.conn.rollback()
            raise
        else:
            if self._unpublished is not None:
                self._publish()
        finally:
            self._clock, self._witness = None, []

    def _commit(self) -> None:
        """Commit, with the witness lines of the anchored events written first (a failure to
        write them refuses the whole command); they are taken back if the commit fails."""
        path, before = self.witness_path, None
        if self._witness:
            try:
                before = witness.append(path, self._witness)
            except OSError as e:
                raise DatabaseError("cannot write the witness file {path}: {reason}; nothing was "
                                    "changed", path=str(path), reason=e.strerror) from None
        try:
            self.conn.commit()
        except BaseException:
            if before is not None:
                with contextlib.suppress(OSError):
                    witness.truncate(path, before)
            raise

    @property
    def witness_path(self) -> Path:
        """The witness file beside the database (see storage/witness.py)."""
        return witness.path_of(self.path)

    def witness_lines(self) -> list[str] | None:
        """The witness file's lines, or None when there is none."""
        try:
            return self.witness_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return None

    def _cannot_write(self, error: sqlite3.Error) -> SelectorError:
        """The refusal for a write the database did not take (the transaction is rolled back)."""
        text = str(error)
        if "locked" in text or "busy" in text:
            return RuleError("the database is busy ({reason}): another selector command is writing; "
                             "try again when it has finished", reason=text)
        for known, reason in WRITE_FAILURES:
            if known in text:
                text = reason
                break
        return DatabaseError("cannot write the database {path}: {reason}; nothing was changed",
                             path=str(self.path), reason=text[:120])

    def stamp(self) -> str:
        """The time every row and event of the write under way records: one per command, so
        `audit verify` can hold each stored `at` to its event's."""
        return self._clock or now()

    @contextlib.contextmanager
    def read(self) -> Iterator["Store"]:
        """One read transaction: every query inside sees the database as it was at the first
        one. A command that commits meanwhile waits (busy timeout) until it ends, so a long
        read such as `audit verify` never sees half of another command's work."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.rollback()

    @contextlib.contextmanager
    def savepoint(self, keep: bool = True) -> Iterator["Store"]:
        """A nested step inside `write()`: undone if it fails, and also when `keep` is False
        (a dry run reads and counts everything, then leaves the database as it was)."""
        self.conn.execute("SAVEPOINT step")
        queued = len(self._witness)
        try:
            yield self
        except BaseException:
            del self._witness[queued:]
            # A full disk or an I/O error may have rolled the whole transaction back already:
            # then there is no savepoint left, and the error that did it is the one to report.
            with contextlib.suppress(sqlite3.OperationalError):
                self.conn.execute("ROLLBACK TO step")
                self.conn.execute("RELEASE step")
            raise
        if not keep:
            self.conn.execute("ROLLBACK TO step")
            del self._witness[queued:]
        self.conn.execute("RELEASE step")

    # -- plain SQL over whole rows ---------------------------------------------------------
    def select(self, table: str, where: str = "1", params: Iterable = (), order_by: str | None = None,
               columns: Iterable[str] | None = None) -> list[dict]:
        """Rows of `table` as dicts (column -> value)."""
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        cur = self.conn.execute(f'SELECT {cols} FROM "{table}" WHERE {where}'
                                + (f" ORDER BY {order_by}" if order_by else ""), list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur]

    def insert(self, table: str, row: dict) -> int:
        """Insert one row; returns its rowid."""
        cols = ", ".join(f'"{c}"' for c in row)
        return self.conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(row))})',
                                 list(row.values())).lastrowid

    def insert_all(self, table: str, rows: Iterable[dict]) -> None:
        """Insert rows that all have the same columns."""
        rows = list(rows)
        if rows:
            names = list(rows[0])
            cols = ", ".join(f'"{c}"' for c in names)
            self.conn.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(names))})',
                                  [[r[c] for c in names] for r in rows])

    def update(self, table: str, key: dict, values: dict) -> None:
        """Set `values` on the row whose columns equal `key`; the row must exist."""
        sets = ", ".join(f'"{c}" = ?' for c in values)
        where = " AND ".join(f'"{c}" = ?' for c in key)
        cur = self.conn.execute(f'UPDATE "{table}" SET {sets} WHERE {where}', [*values.values(), *key.values()])
        if cur.rowcount != 1:
            raise NotFound("no row {key} in table {table}", key=str(key), table=table)

    # -- rounds --------------------------------------------------------------------
    def round_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM rounds ORDER BY at, id")]

    def logged_round_ids(self) -> list[str]:
        """The rounds the event log holds events of (a round's row may have been deleted)."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT round FROM events ORDER BY round")]

    def round_row(self, round_id: str) -> dict | None:
        rows = self.select("rounds", "id = ?", [round_id])
        return rows[0] if rows else None

    def rounds(self) -> list[dict]:
        return self.select("rounds", order_by="at, id")

    def round_file_rows(self, round_id: str) -> list[dict]:
        return self.select("round_files", "round = ?", [round_id], "name")

    def round_files(self, round_id: str) -> dict[str, bytes]:
        return {r["name"]: r["data"] for r in self.round_file_rows(round_id)}

    def round_doc(self, round_id: str) -> dict | None:
        """The TOML document stored for the round's main file (`storage.tomldoc`); None when
        there is none this version can read (the file is then parsed again)."""
        stored = self.round_doc_text(round_id)
        return None if stored is None else tomldoc.document(stored)

    def round_doc_text(self, round_id: str) -> str | None:
        """The round's main file's document as stored (`audit verify` holds it to the file)."""
        row = self.conn.execute(f"SELECT d.doc FROM {_MAIN_FILES} JOIN round_docs d ON d.sha256 = f.sha256 "
                                "WHERE r.id = ?", [round_id]).fetchone()
        return row[0] if row else None

    def save_round(self, round_: Round, main: str, sha: str, sources: dict[str, bytes], doc: dict) -> None:
        """Store a round: its row, its files' bytes, and `doc`, the main file's TOML document."""
        self.conn.execute("INSERT INTO rounds (id, title, main, sha256, at) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO UPDATE SET title = excluded.title, main = excluded.main, "
                          "sha256 = excluded.sha256, at = excluded.at",
                          [round_.id, round_.title, main, sha, self.stamp()])
        self.conn.execute("DELETE FROM round_files WHERE round = ?", [round_.id])
        self.insert_all("round_files", (
            {"round": round_.id, "name": name, "sha256": hashlib.sha256(data).hexdigest(), "data": data}
            for name, data in sources.items()))
        for stage in round_.stages:
            self.conn.execute("INSERT OR IGNORE INTO stages (round, stage) VALUES (?, ?)",
                            [round_.id, stage.id])
        self.conn.execute("INSERT OR IGNORE INTO round_docs (sha256, doc) SELECT sha256, ? FROM round_files "
                          "WHERE round = ? AND name = ?", [tomldoc.text(doc), round_.id, main])
        self.conn.execute(f"DELETE FROM round_docs WHERE sha256 NOT IN (SELECT f.sha256 FROM {_MAIN_FILES})")

    # -- events ----------------------------------------------------------------------
    def log(self, round_id: str, operator: str, command: str, stage: str | None = None,
            details: dict | None = None, files: dict[str, str] | None = None) -> int:
        """Append an event to the round's hash chain; returns its id."""
        prev = self.head(round_id)
        event = {"round": round_id, "at": self.stamp(), "operator": operator, "command": command,
                 "stage": stage, "details": details or {}, "files": files or {}}
        row = {**event, "details": canonical(event["details"]), "files": canonical(event["files"]),
               "prev": prev, "hash": chain(prev, event)}
        event_id = self.insert("events", row)
        if command in events.ANCHORED:
            self._witness.append(witness.line(row["hash"], round_id, event_id, row["at"], command, stage))
        return event_id

    def head(self, round_id: str) -> str:
        """The hash of the round's last event (GENESIS before the first)."""
        last = self.conn.execute("SELECT hash FROM events WHERE round = ? ORDER BY id DESC LIMIT 1",
                                 [round_id]).fetchone()
        return last[0] if last else GENESIS

    def event_rows(self, round_id: str) -> list[dict]:
        """The round's events as stored (details and files as JSON text), oldest first. Text
        that is not UTF-8 comes back as a `NotText` value (for `audit verify` to report)."""
        self.conn.text_factory = tolerant_text
        try:
            return self.select("events", "round = ?", [round_id], "id")
        finally:
            self.conn.text_factory = str

    def schema_shape(self) -> tuple[dict[str, dict], dict[str, dict]]:
        """(the database's tables, indexes and triggers, what the migrations make): see
        schema.shape. A dropped unique index would let a ballot file be tallied twice."""
        return schema.shape(self.conn), schema.expected_shape()

    def exact_times_from(self) -> tuple[int | None, int]:
        """(the first event whose rows' times must equal its own — None when the stored value
        is not a number —, the id the next event would get); see m006."""
        top = (self.conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0) + 1
        try:
            value = schema.meta(self.conn, "exact_times_from")
        except sqlite3.OperationalError:  # the table was dropped (the schema check names it)
            return None, top
        try:
            return int(value), top
        except (TypeError, ValueError):
            return None, top

    def event(self, event_id: int) -> dict:
        """One event as stored (details and files as JSON text)."""
        return self.select("events", "id = ?", [event_id])[0]

    def last_event(self, round_id: str, stage_id: str, commands: tuple[str, ...]) -> dict | None:
        """The details of the stage's last event of one of `commands`, or None."""
        row = self.conn.execute(f"SELECT details FROM events WHERE round = ? AND stage = ? AND command IN "
                                f"({', '.join('?' * len(commands))}) ORDER BY id DESC LIMIT 1",
                                [round_id, stage_id, *commands]).fetchone()
        return json.loads(row[0]) if row else None

    def last_change(self, round_id: str) -> str | None:
        return self.conn.execute("SELECT max(at) FROM events WHERE round = ?", [round_id]).fetchone()[0]

    def events(self, round_id: str) -> list[dict]:
        out = []
        for r in self.select("events", "round = ?", [round_id], "id"):
            out.append({**r, "details": json.loads(r["details"]), "files": json.loads(r["files"])})
        return out

    # -- stage state -------------------------------------------------------------------
    def stage_row(self, round_id: str, stage_id: str) -> dict:
        rows = self.select("stages", "round = ? AND stage = ?", [round_id, stage_id])
        if not rows:
            raise NotFound("no stage {stage!r} stored for round {round}", stage=stage_id, round=round_id)
        return rows[0]

    def set_attendance(self, round_id: str, stage_id: str, present: int, issued: int) -> None:
        self.update("stages", {"round": round_id, "stage": stage_id}, {"present": present, "issued": issued})

    def certify(self, round_id: str, stage_id: str, at: str, certificate: dict) -> None:
        self.update("stages", {"round": round_id, "stage": stage_id}, {"certified_at": at,
                                                        "certificate": canonical(certificate)})

    def lock(self, round_id: str, stage_id: str) -> None:
        self.update("stages", {"round": round_id, "stage": stage_id}, {"locked_at": self.stamp()})

    # -- batches and raw rows -------------------------------------------------------------
    def batches(self, round_id: str, stage_id: str, withdrawn: bool = False) -> list[dict]:
        """The stage's live batches in order; with `withdrawn`, every batch ever tallied (a
        withdrawn one has the id of the event that withdrew it in `withdrawn`)."""
        return self.select("batches", "round = ? AND stage = ?" + ("" if withdrawn else " AND withdrawn IS NULL"),
                           [round_id, stage_id], "id")

    def tallied_batches(self, round_id: str) -> int:
        """How many ballot files the round has tallied (and not withdrawn), over all its stages."""
        return self.conn.execute("SELECT count(*) FROM batches WHERE round = ? AND withdrawn IS NULL",
                                 [round_id]).fetchone()[0]

    def drop_papers(self, batch: int) -> None:
        """Free a withdrawn batch's ballot numbers (its stored rows stay, and say what they were)."""
        self.conn.execute("DELETE FROM papers WHERE batch = ?", [batch])

    def mark_withdrawn(self, table: str, key: dict, event: int) -> None:
        """Mark a batch, inspection file or complaint withdrawn by `event` (it stays stored)."""
        self.update(table, key, {"withdrawn": event})

    def add_batch(self, row: dict) -> int:
        return self.insert("batches", {**row, "at": self.stamp()})

    def intake(self, batch: int | None, header: str, chunks: Iterator, tick=None) -> "Intake":
        """The batch's rows as they stream in, each chunk stored and hashed (see `Intake`)."""
        from selector.storage.intake import Intake

        return Intake(self, batch, header, chunks, tick)

    def set_batch_event(self, batches: list[int], event: int) -> None:
        """The tally event that recorded these batches."""
        for batch in batches:
            self.update("batches", {"id": batch}, {"event": event})

    def set_batch_size(self, batch: int, rows: int, ballots: int) -> None:
        self.update("batches", {"id": batch}, {"rows": rows, "ballots": ballots})

    def add_rows(self, batch: int, first: int, last: int, rows: list[tuple[int, list[str]]],
                 text: str | None = None, hasher=None, raw: bytes | None = None) -> None:
        """Store a chunk of raw rows, `first`..`last` of the file: as their CSV `text` when
        given (parsed back by `stored_rows`), else as JSON. What is stored also goes to
        `hasher` (the batch's rows digest). `raw`: the text's UTF-8 as the file holds it,
        stored as that text without SQLite encoding it again."""
        if text is not None:
            if raw is None:
                self.conn.execute("INSERT INTO row_chunks (batch, first_line, last_line, text) "
                                  "VALUES (?, ?, ?, ?)", (batch, first, last, text))
            else:  # (SQLite takes a BLOB cast to TEXT as the database's UTF-8, byte for byte)
                self.conn.execute("INSERT INTO row_chunks (batch, first_line, last_line, text) "
                                  "VALUES (?, ?, ?, CAST(? AS TEXT))", (batch, first, last, raw))
            if hasher is not None:  # (after the insert: the text's UTF-8 is made once)
                hasher.add_csv(first, last, text, raw)
            return
        text = rows_text(rows)
        if hasher is not None:
            hasher.add_text(text)
        self.conn.execute("INSERT INTO row_chunks (batch, first_line, last_line, cells) "
                          "VALUES (?, ?, ?, ?)", (batch, first, last, chunk_json(text)))

    def stored_chunks(self, batch: int) -> Iterator[tuple[int, int, str | None, str | None]]:
        """(first line, last line, cells JSON, CSV text) of each stored chunk, in file order;
        a chunk holding both or neither (a hand edit) raises UnreadableRows."""
        for first, last, cells, text in self.conn.execute(
                "SELECT first_line, last_line, cells, text FROM row_chunks WHERE batch = ? "
                "ORDER BY first_line", [batch]):
            if not ((type(cells) is str and text is None) or (cells is None and type(text) is str)):
                what = "both CSV text and JSON cells" if cells is not None and text is not None \
                    else "no CSV text or JSON cells"
                raise UnreadableRows(f"row chunk {first}–{last} holds {what}")
            yield first, last, cells, text

    def stored_rows(self, batch: int, bounds: list | None = None) -> Iterator[tuple[int, list[str]]]:
        """The batch's raw rows as stored: (line, cells) in file order. Stored data that no
        longer reads raises ValueError (UnreadableRows, or JSONDecodeError). With `bounds`, a
        chunk whose `last_line` is not the line of its last row is added to it as (first
        line, last line, line of the last row)."""
        for first, last, cells, text in self.stored_chunks(batch):
            rows = csv_text_rows(first, text) if text is not None else iter(json.loads(cells))
            held = first  # a text chunk of the header alone ends where it starts
            for line, row in rows:
                held = line
                yield line, row
            if bounds is not None and held != last:
                bounds.append((first, last, held))

    def add_papers(self, round_id: str, stage_id: str, batch: int, numbers: Iterable[str]) -> None:
        # A statement over a JSON array of the numbers, in their order, for each 5,000: a
        # row per paper bound from Python was 4x slower (issue 17: 33,334 papers, ~40 ms).
        numbers = iter(numbers)
        try:
            while part := list(islice(numbers, 5_000)):
                try:
                    self.conn.execute(
                        "INSERT INTO papers (round, stage, ballot, batch) SELECT ?, ?, value, ? FROM json_each(?)",
                        (round_id, stage_id, batch, json.dumps(part, ensure_ascii=False)))
                except sqlite3.OperationalError as e:  # SQLite built without its JSON functions (not a full disk)
                    if "json_each" not in str(e):
                        raise
                    self.conn.executemany("INSERT INTO papers (round, stage, ballot, batch) VALUES (?, ?, ?, ?)",
                                          ((round_id, stage_id, n, batch) for n in part))
        except sqlite3.IntegrityError:
            raise RuleError("a ballot number in this file was already tallied in another batch") from None

    def paper_batches(self, round_id: str, stage_id: str) -> Iterator[tuple[str, int]]:
        """(ballot number, batch) of each of the stage's tallied papers, as the rows are read
        (a stage of 333,334 papers as dicts was 70 MiB)."""
        return iter(self.conn.execute("SELECT ballot, batch FROM papers WHERE round = ? AND stage = ?",
                                      [round_id, stage_id]))

    def papers(self, round_id: str, stage_id: str) -> list[dict]:
        """The stage's tallied ballot numbers, each with its batch and file."""
        cur = self.conn.execute("SELECT p.ballot, p.batch, b.file FROM papers p LEFT JOIN batches b ON b.id = p.batch "
                                "WHERE p.round = ? AND p.stage = ?", [round_id, stage_id])
        return [{"ballot": ballot, "batch": batch, "file": file} for ballot, batch, file in cur]

    def tallied_numbers(self, round_id: str, stage_id: str, numbers: Iterable[str]) -> dict[str, str]:
        """Which of `numbers` are already stored, with the file they came in (asked 500 at a
        time, as they come: no list of a file's 333,334 numbers; not asked at all when the stage
        has no paper stored, as before its first batch)."""
        found: dict[str, str] = {}
        if self.conn.execute("SELECT 1 FROM papers WHERE round = ? AND stage = ? LIMIT 1",
                             [round_id, stage_id]).fetchone() is None:
            return found
        numbers = iter(numbers)
        while part := list(islice(numbers, 500)):
            marks = ",".join("?" * len(part))
            for ballot, file in self.conn.execute(
                    f"SELECT p.ballot, b.file FROM papers p JOIN batches b ON b.id = p.batch "
                    f"WHERE p.round = ? AND p.stage = ? AND p.ballot IN ({marks})",
                    [round_id, stage_id, *part]):
                found[ballot] = file
        return found

    def returned(self, round_id: str, stage_id: str) -> int:
        """Papers returned: the ballots of the stage's batches not withdrawn (a batch of papers
        stores one `papers` row each; a counts file's batch says how many were returned).
        Summed over the batches, not counted over the papers: a stage of a million papers
        would count them on every tally and status (issue 17: flat batches)."""
        return self.conn.execute("SELECT coalesce(sum(ballots), 0) FROM batches WHERE round = ? AND stage = ? "
                                 "AND withdrawn IS NULL", [round_id, stage_id]).fetchone()[0]

    def add_counted(self, batch: int, returned: dict[str | None, int]) -> None:
        """Papers returned (people talked to) per category, for a counts file's batch."""
        self.insert_all("counted", [{"batch": batch, "category": c or "", "returned": n} for c, n in returned.items()])

    def counted(self, batch: int) -> dict[str | None, int]:
        """A counts batch's papers returned per category (None: the stage has no categories)."""
        return {r["category"] or None: r["returned"] for r in self.select("counted", "batch = ?", [batch], "rowid")}

    # -- result snapshots ------------------------------------------------------------------
    @staticmethod
    def fixed_rows(round_id: str, count: StageCount) -> dict[str, list[dict]]:
        """The snapshot's tables of a fixed size (posts × candidates): post_results, results."""
        sid = count.stage.id
        return {
            "post_results": [
                {"round": round_id, "stage": sid, "post": pid, "returned": pc.returned,
                 "void": pc.void, "blank": pc.blank, "weighted_valid": str(pc.weighted_valid),
                 "overvotes": pc.overvotes} for pid, pc in count.posts.items()],
            "results": [
                {"round": round_id, "stage": sid, "post": pid, "candidate": cid,
                 "votes": cc.votes, "weighted": str(cc.weighted), "no": cc.no, "abstain": cc.abstain,
                 "invalid": cc.invalid, "by_category": canonical(cc.by_category) if cc.by_category else "{}"}
                for pid, pc in count.posts.items() for cid, cc in sorted(pc.counts.items())],
        }

    @staticmethod
    def snapshot_rows(round_id: str, count: StageCount) -> dict[str, list[dict]]:
        """The result-snapshot rows `save_count` writes for `count` (also what a recount expects)."""
        sid = count.stage.id
        return {
            **Store.fixed_rows(round_id, count),
            "invalid_marks": list(Store.mark_rows(round_id, sid, count.invalid_marks())),
            # not in the results digest (digest.SNAPSHOT_TABLES): tallies before m008 have none
            "void_papers": list(Store.void_rows(round_id, sid, count.voided)),
        }

    def save_count(self, round_id: str, count: StageCount,
                   batch_of: dict[str, int] | None = None) -> dict[str, list]:
        """Replace the stage's stored results with `count` (a full recount). `batch_of` (ballot
        number -> batch) gives each invalid mark and void paper its batch: they are stored a
        batch after another, as tallying the batches one by one (`append_count`) stores them.
        Returns the fixed rows (`fixed_rows`) and, as "invalid_marks", the count's
        InvalidMarks in the order stored (for `count_digest`). The marks and void papers go
        in as tuples, never as dicts (~50,000 marks at 10M: issue 17, memory that streams)."""
        key = [round_id, count.stage.id]
        saved: dict[str, list] = self._write_fixed(round_id, count)
        marks = count.invalid_marks()
        voided = list(count.voided)
        batch = (batch_of or {}).get
        if batch_of is not None:  # stable: each batch's rows in the order counted
            marks.sort(key=lambda m: batch(m.ballot) or 0)
            voided.sort(key=lambda v: batch(v[0]) or 0)
        for table in ("invalid_marks", "void_papers"):
            self.conn.execute(f"DELETE FROM {table} WHERE round = ? AND stage = ?", key)
        self._add_marks(key, ((m, batch(m.ballot)) for m in marks), ((v, batch(v[0])) for v in voided))
        self._save_totals(round_id, count)
        saved["invalid_marks"] = marks
        return saved

    def append_count(self, round_id: str, count: StageCount,
                     added: list[tuple[int, list[InvalidMark], list[tuple]]]) -> dict[str, list[dict]]:
        """Store `count`, the stage's stored count with batches added: its fixed-size tables
        rewritten, and `added` — each new batch's invalid marks and void papers — appended
        after the rows stored before, which stay as they are. Returns the fixed rows."""
        key = [round_id, count.stage.id]
        fixed = self._write_fixed(round_id, count)
        for batch, marks, voided in added:
            self._add_marks(key, ((m, batch) for m in marks), ((v, batch) for v in voided))
        self._save_totals(round_id, count)
        return fixed

    def _write_fixed(self, round_id: str, count: StageCount) -> dict[str, list[dict]]:
        """The count's fixed-size tables (`fixed_rows`) in place of the stage's stored ones."""
        fixed = self.fixed_rows(round_id, count)
        for table, rows in fixed.items():
            self.conn.execute(f"DELETE FROM {table} WHERE round = ? AND stage = ?", [round_id, count.stage.id])
            self.insert_all(table, rows)
        return fixed

    def _add_marks(self, key: list[str], marks: Iterable[tuple[InvalidMark, int | None]],
                   voided: Iterable[tuple[tuple, int | None]]) -> None:
        """Append invalid marks and void papers, each with its batch, as tuples (never dicts:
        ~50,000 marks at 10M)."""
        self.conn.executemany(
            "INSERT INTO invalid_marks (round, stage, post, ballot, text, reason, batch) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((*key, m.post, m.ballot, m.text, m.reason, batch) for m, batch in marks))
        self.conn.executemany(
            "INSERT INTO void_papers (round, stage, ballot, post, reason, batch) VALUES (?, ?, ?, ?, ?, ?)",
            ((*key, b, p, r, batch) for (b, p, r), batch in voided))

    @staticmethod
    def chain_added(head: str, added: list[tuple[int, list[InvalidMark], list[tuple]]]) -> str:
        """The marks chain's head after `append_count(…, added)` (digest.marks_chain), from
        the head before it."""
        for batch, marks, voided in added:
            if marks or voided:
                head = digest.marks_link(head, batch, [[m.post, m.ballot, m.text, m.reason] for m in marks],
                                         [list(v) for v in voided])
        return head

    def _save_totals(self, round_id: str, count: StageCount) -> None:
        for pid, pc in count.posts.items():  # not in the snapshot digest: the recount checks it
            if pc.by_list:
                self.conn.execute("UPDATE post_results SET by_list = ? WHERE round = ? AND stage = ? AND post = ?",
                                  [pc.by_list, round_id, count.stage.id, pid])
        self.update("stages", {"round": round_id, "stage": count.stage.id}, {"void_papers": count.void_papers})

    def clear_count(self, round_id: str, stage_id: str) -> None:
        """Remove the stage's result snapshot (every batch withdrawn: nothing is counted)."""
        for table in ("post_results", "results", "invalid_marks", "void_papers"):
            self.conn.execute(f"DELETE FROM {table} WHERE round = ? AND stage = ?", [round_id, stage_id])
        self.update("stages", {"round": round_id, "stage": stage_id}, {"void_papers": None})

    def load_count(self, round_id: str, stage: Stage, posts, lists, marks: bool = True) -> StageCount | None:
        """The stored results of a stage, or None if it has none. Without `marks`, each post's
        invalid marks are counted (`PostCount.marks_before`), not read: a tally adds batches
        after them and needs none of them."""
        key = [round_id, stage.id]
        rows = {r["post"]: r for r in self.select("post_results", "round = ? AND stage = ?", key)}
        if not rows:
            return None
        # The same few numbers and category counts recur in every post: parse each text once
        # (Fractions are immutable; every candidate gets its own by_category dict).
        fractions: dict[str, Fraction] = {}
        categories: dict[str, dict] = {}

        def fraction(text: str) -> Fraction:
            found = fractions.get(text)
            if found is None:
                found = fractions[text] = Fraction(text)
            return found

        count = StageCount(stage, {})
        for post in posts:
            r = rows.get(post.id, {})
            count.posts[post.id] = PostCount(post, tuple(lists.get(post.id, ())), r.get("returned", 0),
                                             r.get("void", 0), r.get("blank", 0),
                                             fraction(r.get("weighted_valid", "0")), {}, [],
                                             r.get("overvotes", 0), by_list=r.get("by_list") or 0)
        for post, candidate, votes, weighted, by_category, no, abstain, invalid in self.conn.execute(
                'SELECT post, candidate, votes, weighted, by_category, no, abstain, invalid FROM results '
                'WHERE round = ? AND stage = ?', key):
            pc = count.posts.get(post)
            if pc is not None:
                parsed = categories.get(by_category)
                if parsed is None:
                    parsed = categories[by_category] = json.loads(by_category)
                pc.counts[candidate] = CandidateCount(
                    votes, fraction(weighted), dict(parsed) if type(parsed) is dict else json.loads(by_category),
                    no, abstain, invalid)
        if not marks:
            for post, n in self.conn.execute("SELECT post, count(*) FROM invalid_marks WHERE round = ? AND stage = ? "
                                             "GROUP BY post", key):
                if post in count.posts:
                    count.posts[post].marks_before = n
        else:  # each post's invalid marks in the order stored (a stage of many batches holds many)
            lists_of = {pid: pc.invalid_marks for pid, pc in count.posts.items()}
            for post, ballot, text, reason in self.conn.execute(
                    "SELECT post, ballot, text, reason FROM invalid_marks WHERE round = ? AND stage = ? "
                    "ORDER BY rowid", key):
                found = lists_of.get(post)
                if found is not None:
                    found.append(InvalidMark(ballot, post, text, reason))
        count.voided = self.conn.execute("SELECT ballot, post, reason FROM void_papers WHERE round = ? AND stage = ? "
                                         "ORDER BY rowid", key).fetchall()
        count.returned = self.returned(round_id, stage.id)
        count.void_papers = self.stage_row(round_id, stage.id)["void_papers"] or 0
        return count

    def placed_by_list(self, round_id: str, stage_id: str) -> dict[str, int]:
        """Each post's marks counted by the shared-name rule, as stored (posts with any)."""
        return dict(self.conn.execute("SELECT post, by_list FROM post_results WHERE round = ? AND stage = ? "
                                      "AND by_list != 0", [round_id, stage_id]).fetchall())

    def filed_batches(self, round_id: str, stage_id: str) -> Iterator[tuple[str, tuple, int, str]]:
        """(table, row key, batch, ballot) of each invalid mark (key: post, ballot, text) and
        void paper (key: ballot, post) of the stage that names its batch."""
        key = [round_id, stage_id]
        for post, ballot, text, batch in self.conn.execute(
                "SELECT post, ballot, text, batch FROM invalid_marks WHERE round = ? AND stage = ? "
                "AND batch IS NOT NULL", key):
            yield "invalid_marks", (post, ballot, text), batch, ballot
        for ballot, post, batch in self.conn.execute(
                "SELECT ballot, post, batch FROM void_papers WHERE round = ? AND stage = ? "
                "AND batch IS NOT NULL", key):
            yield "void_papers", (ballot, post), batch, ballot

    # -- cuts ------------------------------------------------------------------------------
    def save_cut(self, round_id: str, stage_id: str, cuts: Iterable[PostCut], reason: str | None) -> None:
        self.insert_all("cuts", (
            {"round": round_id, "stage": stage_id, "post": c.post, "status": c.status,
             "advanced": canonical(list(c.advanced)), "decision": c.decision,
             "chosen": canonical(list(c.chosen)),
             "reason": reason if c.decision in DECIDED else None}
            for c in cuts))
        self.lock(round_id, stage_id)

    def unlock(self, round_id: str, stage_id: str) -> None:
        """Re-open a locked cut: its rows go (the reopen event records what they held)."""
        self.conn.execute("DELETE FROM cuts WHERE round = ? AND stage = ?", [round_id, stage_id])
        # a re-opened notice's appointments are recorded again when it closes again
        self.conn.execute("DELETE FROM appointments WHERE round = ? AND stage = ?", [round_id, stage_id])
        self.update("stages", {"round": round_id, "stage": stage_id}, {"locked_at": None})

    def revoke(self, round_id: str, stage_id: str) -> None:
        """Withdraw a stage's certificate (the revoke event records what it said)."""
        self.update("stages", {"round": round_id, "stage": stage_id}, {"certified_at": None, "certificate": None})

    def corrections(self, round_id: str, stage_id: str) -> list[dict]:
        """The stage's correction events (those whose details say what they `undid`), oldest first."""
        out = []
        for r in self.select("events", "round = ? AND stage = ? AND json_extract(details, '$.undid') IS NOT NULL",
                             [round_id, stage_id], "id"):
            out.append({**r, "details": json.loads(r["details"]), "files": json.loads(r["files"])})
        return out

    def locked_cut(self, round_id: str, stage_id: str) -> dict[str, dict] | None:
        """post -> stored cut row (advanced decoded), or None while the stage has no locked cut."""
        rows = self.select("cuts", "round = ? AND stage = ?", [round_id, stage_id])
        if not rows:
            return None
        return {r["post"]: {**r, "advanced": json.loads(r["advanced"]), "chosen": json.loads(r["chosen"])}
                for r in rows}

    # -- digests (what the log records, so `audit verify` can prove the stored data) -------------
    def rows_digest(self, batch: int) -> str:
        """The rows digest of a batch as stored now (see digest.RowsHasher)."""
        header = self.conn.execute("SELECT header FROM batches WHERE id = ?", [batch]).fetchone()
        return digest.stored_rows(header[0] if header else None, self.stored_chunks(batch))

    def snapshot(self, round_id: str, stage_id: str) -> dict[str, list[dict]]:
        """The stage's stored result snapshot, table by table, in a fixed order."""
        out = self.fixed_snapshot(round_id, stage_id)
        out["invalid_marks"] = list(self.snapshot_stream(round_id, stage_id, "invalid_marks"))
        out["stages"] = [{"void_papers": self.stage_row(round_id, stage_id)["void_papers"]}]
        return out

    def fixed_snapshot(self, round_id: str, stage_id: str) -> dict[str, list[dict]]:
        """The snapshot's tables of a fixed size (post_results, results) as stored, as `snapshot`
        reads them."""
        return {table: self.select(table, "round = ? AND stage = ?", [round_id, stage_id], order, columns)
                for table, order, columns in digest.SNAPSHOT_TABLES if table != "invalid_marks"}

    def snapshot_stream(self, round_id: str, stage_id: str, table: str, order: str | None = None
                        ) -> Iterator[dict]:
        """The stored rows of one table of the snapshot (SNAPSHOT_TABLES, or void_papers) as
        `snapshot` reads them (void papers in the order stored), one at a time from the cursor; `order`
        instead of the table's own."""
        columns, cur = self.snapshot_cursor(round_id, stage_id, table, order)
        for row in cur:
            yield dict(zip(columns, row))

    def snapshot_cursor(self, round_id: str, stage_id: str, table: str, order: str | None = None
                        ) -> tuple[tuple[str, ...], sqlite3.Cursor]:
        """The columns and the cursor of `snapshot_stream`, its rows as tuples."""
        if table == "void_papers":
            own, columns = "rowid", ("round", "stage", "ballot", "post", "reason")
        else:
            own, columns = next((o, c) for t, o, c in digest.SNAPSHOT_TABLES if t == table)
        names = ", ".join(f'"{c}"' for c in columns)
        return columns, self.conn.execute(
            f'SELECT {names} FROM "{table}" WHERE round = ? AND stage = ? ORDER BY {order or own}', [round_id, stage_id])

    def results_digest(self, round_id: str, stage_id: str, chained: bool = False) -> str:
        """SHA-256 of the stage's stored result snapshot; `chained`: in the chained form
        (digest.chained), which tally events with `marks_sha256` record. The same bytes as
        `digest.of(self.snapshot(…))`, with the invalid marks hashed as the cursor gives them."""
        stages = [{"void_papers": self.stage_row(round_id, stage_id)["void_papers"]}]
        if not chained:
            columns, marks = self.snapshot_cursor(round_id, stage_id, "invalid_marks")
            return digest.of({**self.fixed_snapshot(round_id, stage_id), "stages": stages,
                              "invalid_marks": digest.Rows(marks, columns)})
        return digest.chained({**self.fixed_snapshot(round_id, stage_id), "stages": stages},
                              self.marks_head(round_id, stage_id))

    def marks_head(self, round_id: str, stage_id: str) -> str:
        """The head of the marks chain over the stage's stored invalid marks and void papers."""
        key = [round_id, stage_id]
        return digest.marks_chain(
            self.conn.execute("SELECT batch, post, ballot, text, reason FROM invalid_marks "
                              "WHERE round = ? AND stage = ? ORDER BY batch, rowid", key),
            self.conn.execute("SELECT batch, ballot, post, reason FROM void_papers "
                              "WHERE round = ? AND stage = ? ORDER BY batch, rowid", key))

    @staticmethod
    def mark_rows(round_id: str, stage_id: str, marks: Iterable[InvalidMark]) -> Iterator[dict]:
        """Invalid marks as the snapshot's rows (`snapshot_rows`), one at a time."""
        for m in marks:
            yield {"round": round_id, "stage": stage_id, "post": m.post, "ballot": m.ballot,
                   "text": m.text, "reason": m.reason}

    @staticmethod
    def void_rows(round_id: str, stage_id: str, voided: Iterable[tuple]) -> Iterator[dict]:
        """A count's void papers (`StageCount.voided`) as stored rows (`snapshot_stream`), one at a time."""
        for b, p, r in voided:
            yield {"round": round_id, "stage": stage_id, "ballot": b, "post": p, "reason": r}

    @staticmethod
    def count_digest(round_id: str, count: StageCount, rows: dict[str, list] | None = None,
                     head: str | None = None) -> str:
        """`results_digest` of the snapshot `save_count(round_id, count)` stores (`rows`, what
        it returned: its invalid marks as InvalidMarks, in the order stored), made
        from the count, not read back: the same rows in the order `snapshot` reads them. With
        `head` (the marks chain's head after the count's batches), `results_digest(chained=True)`:
        then `rows` need only hold the fixed tables."""
        if not rows:
            rows = Store.fixed_rows(round_id, count)
            if head is None:
                rows["invalid_marks"] = count.invalid_marks()
        snapshot = {"post_results": sorted(rows["post_results"], key=itemgetter("post")),
                    "results": sorted(rows["results"], key=itemgetter("post", "candidate")),
                    "stages": [{"void_papers": count.void_papers}]}
        if head is not None:
            return digest.chained(snapshot, head)
        # rowid: the order inserted; each mark as the tuple of its row's columns (MARK_COLUMNS)
        sid = count.stage.id
        snapshot["invalid_marks"] = digest.Rows(((round_id, sid, m.post, m.ballot, m.text, m.reason)
                                                 for m in rows["invalid_marks"]), MARK_COLUMNS)
        return digest.of(snapshot)

    def inspection_rows_digest(self, file_id: int) -> str:
        """SHA-256 of an inspection file as stored: its header, then its raw rows (JSON)."""
        row = self.conn.execute("SELECT header, rows FROM inspection_files WHERE id = ?", [file_id]).fetchone()
        return digest.inspection_file(*(row if row else (None, None)))
