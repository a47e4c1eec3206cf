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
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from selector.domain.counting import CandidateCount, InvalidMark, PostCount, StageCount
from selector.domain.cuts import PostCut
from selector.domain.model import Round, Stage
from selector.errors import DatabaseError, NoDatabase, NotFound, RuleError
from selector.storage import digest, schema
from selector.storage.clock import now
from selector.storage.records import StageRecords
from selector.storage.rows import (
    GENESIS, UnreadableRows, canonical, chain, chunk_json, csv_text_rows, rows_text, text_digest_text,
)

if TYPE_CHECKING:
    from selector.storage.intake import Intake

class Store(StageRecords):
    """The round database: the one API the service reads and writes through."""

    def __init__(self, path: str | Path, create: bool = False):
        path = Path(path)
        self.path = path
        if not create and not path.exists():
            # A mistyped --db must not leave an empty database behind and report "no round".
            raise NoDatabase(str(path))
        try:
            if not path.exists():
                # Owner-only from the first byte: the file holds every ballot of every round.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            self.conn = sqlite3.connect(str(path), timeout=30)
            if schema.pending(self.conn):
                # Under the write lock, so two commands opening a new file at once cannot both
                # migrate it; the second finds the work done.
                with self.write():
                    if schema.pending(self.conn):
                        schema.migrate(self.conn)
        except OSError as e:
            raise DatabaseError(f"cannot open the database {path}: {e.strerror}") from None
        except sqlite3.DatabaseError as e:
            raise DatabaseError(f"{path} is not a selector database ({e})") from None

    def close(self) -> None:
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
            raise RuleError(f"the database is busy ({e}): another selector command is writing; "
                            "try again when it has finished") from None
        try:
            yield self
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()

    @contextlib.contextmanager
    def savepoint(self, keep: bool = True) -> Iterator["Store"]:
        """A nested step inside `write()`: undone if it fails, and also when `keep` is False
        (a dry run reads and counts everything, then leaves the database as it was)."""
        self.conn.execute("SAVEPOINT step")
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK TO step")
            self.conn.execute("RELEASE step")
            raise
        if not keep:
            self.conn.execute("ROLLBACK TO step")
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
            raise NotFound(f"no row {key} in table {table}")

    # -- rounds --------------------------------------------------------------------
    def round_ids(self) -> list[str]:
        return [r["id"] for r in self.rounds()]

    def round_row(self, round_id: str) -> dict | None:
        rows = self.select("rounds", "id = ?", [round_id])
        return rows[0] if rows else None

    def rounds(self) -> list[dict]:
        return self.select("rounds", order_by="at, id")

    def round_file_rows(self, round_id: str) -> list[dict]:
        return self.select("round_files", "round = ?", [round_id], "name")

    def round_files(self, round_id: str) -> dict[str, bytes]:
        return {r["name"]: r["data"] for r in self.round_file_rows(round_id)}

    def save_round(self, round_: Round, main: str, sha: str, sources: dict[str, bytes]) -> None:
        self.conn.execute("INSERT INTO rounds (id, title, main, sha256, at) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO UPDATE SET title = excluded.title, main = excluded.main, "
                          "sha256 = excluded.sha256, at = excluded.at",
                          [round_.id, round_.title, main, sha, now()])
        self.conn.execute("DELETE FROM round_files WHERE round = ?", [round_.id])
        self.insert_all("round_files", (
            {"round": round_.id, "name": name, "sha256": hashlib.sha256(data).hexdigest(), "data": data}
            for name, data in sources.items()))
        for stage in round_.stages:
            self.conn.execute("INSERT OR IGNORE INTO stages (round, stage) VALUES (?, ?)",
                            [round_.id, stage.id])

    # -- events ----------------------------------------------------------------------
    def log(self, round_id: str, operator: str, command: str, stage: str | None = None,
            details: dict | None = None, files: dict[str, str] | None = None) -> int:
        """Append an event to the round's hash chain; returns its id."""
        prev = self.head(round_id)
        event = {"round": round_id, "at": now(), "operator": operator, "command": command,
                 "stage": stage, "details": details or {}, "files": files or {}}
        row = {**event, "details": canonical(event["details"]), "files": canonical(event["files"]),
               "prev": prev, "hash": chain(prev, event)}
        return self.insert("events", row)

    def head(self, round_id: str) -> str:
        """The hash of the round's last event (GENESIS before the first)."""
        last = self.conn.execute("SELECT hash FROM events WHERE round = ? ORDER BY id DESC LIMIT 1",
                                 [round_id]).fetchone()
        return last[0] if last else GENESIS

    def event_rows(self, round_id: str) -> list[dict]:
        """The round's events as stored (details and files as JSON text), oldest first."""
        return self.select("events", "round = ?", [round_id], "id")

    def triggers(self) -> set[str]:
        """The names of the database's triggers (the event log's append-only guards)."""
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}

    def event(self, event_id: int) -> dict:
        """One event as stored (details and files as JSON text)."""
        return self.select("events", "id = ?", [event_id])[0]

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
            raise NotFound(f"no stage {stage_id!r} stored for round {round_id}")
        return rows[0]

    def set_attendance(self, round_id: str, stage_id: str, present: int, issued: int) -> None:
        self.update("stages", {"round": round_id, "stage": stage_id}, {"present": present, "issued": issued})

    def certify(self, round_id: str, stage_id: str, at: str, certificate: dict) -> None:
        self.update("stages", {"round": round_id, "stage": stage_id}, {"certified_at": at,
                                                        "certificate": canonical(certificate)})

    def lock(self, round_id: str, stage_id: str) -> None:
        self.update("stages", {"round": round_id, "stage": stage_id}, {"locked_at": now()})

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
        return self.insert("batches", {**row, "at": now()})

    def intake(self, batch: int | None, header: str, chunks: Iterator, tick=None) -> "Intake":
        """The batch's rows as they stream in, each chunk stored and hashed (see `Intake`)."""
        from selector.storage.intake import Intake

        return Intake(self, batch, header, chunks, tick)

    def set_batch_size(self, batch: int, rows: int, ballots: int) -> None:
        self.update("batches", {"id": batch}, {"rows": rows, "ballots": ballots})

    def add_rows(self, batch: int, first: int, last: int, rows: list[tuple[int, list[str]]],
                 text: str | None = None, hasher=None) -> None:
        """Store a chunk of raw rows, `first`..`last` of the file: as their CSV `text` when
        given (parsed back by `stored_rows`), else as JSON. What is stored also goes to
        `hasher` (the batch's rows digest)."""
        if text is not None:
            if hasher is not None:
                hasher.add_text(text_digest_text(first, last, text))
            self.conn.execute("INSERT INTO row_chunks (batch, first_line, last_line, text) "
                              "VALUES (?, ?, ?, ?)", (batch, first, last, text))
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

    def stored_rows(self, batch: int) -> Iterator[tuple[int, list[str]]]:
        """The batch's raw rows as stored: (line, cells) in file order. Stored data that no
        longer reads raises ValueError (UnreadableRows, or JSONDecodeError)."""
        for first, _, cells, text in self.stored_chunks(batch):
            if text is not None:
                yield from csv_text_rows(first, text)
            else:
                for line, row in json.loads(cells):
                    yield line, row

    def add_papers(self, round_id: str, stage_id: str, batch: int, numbers: Iterable[str]) -> None:
        try:
            self.conn.executemany(
                "INSERT INTO papers (round, stage, ballot, batch) VALUES (?, ?, ?, ?)",
                ((round_id, stage_id, n, batch) for n in numbers))
        except sqlite3.IntegrityError:
            raise RuleError("a ballot number in this file was already tallied in another batch") from None

    def papers(self, round_id: str, stage_id: str) -> list[dict]:
        """The stage's tallied ballot numbers, each with its batch and file."""
        cur = self.conn.execute("SELECT p.ballot, p.batch, b.file FROM papers p LEFT JOIN batches b ON b.id = p.batch "
                                "WHERE p.round = ? AND p.stage = ?", [round_id, stage_id])
        return [{"ballot": ballot, "batch": batch, "file": file} for ballot, batch, file in cur]

    def tallied_numbers(self, round_id: str, stage_id: str, numbers: list[str]) -> dict[str, str]:
        """Which of `numbers` are already stored, with the file they came in."""
        found: dict[str, str] = {}
        for i in range(0, len(numbers), 500):
            part = numbers[i:i + 500]
            marks = ",".join("?" * len(part))
            for ballot, file in self.conn.execute(
                    f"SELECT p.ballot, b.file FROM papers p JOIN batches b ON b.id = p.batch "
                    f"WHERE p.round = ? AND p.stage = ? AND p.ballot IN ({marks})",
                    [round_id, stage_id, *part]):
                found[ballot] = file
        return found

    def returned(self, round_id: str, stage_id: str) -> int:
        return self.conn.execute("SELECT count(*) FROM papers WHERE round = ? AND stage = ?",
                                 [round_id, stage_id]).fetchone()[0]

    # -- result snapshots ------------------------------------------------------------------
    @staticmethod
    def snapshot_rows(round_id: str, count: StageCount) -> dict[str, list[dict]]:
        """The result-snapshot rows `save_count` writes for `count` (also what a recount expects)."""
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
            "invalid_marks": [
                {"round": round_id, "stage": sid, "post": m.post, "ballot": m.ballot,
                 "text": m.text, "reason": m.reason}
                for pc in count.posts.values() for m in pc.invalid_marks],
            # not in the results digest (digest.SNAPSHOT_TABLES): tallies before m008 have none
            "void_papers": [{"round": round_id, "stage": sid, "ballot": b, "post": p, "reason": r}
                            for b, p, r in count.voided],
        }

    def save_count(self, round_id: str, count: StageCount) -> None:
        """Replace the stage's stored results with `count` (a full recount)."""
        key = [round_id, count.stage.id]
        for table, rows in self.snapshot_rows(round_id, count).items():
            self.conn.execute(f"DELETE FROM {table} WHERE round = ? AND stage = ?", key)
            self.insert_all(table, rows)
        self.update("stages", {"round": round_id, "stage": count.stage.id}, {"void_papers": count.void_papers})

    def clear_count(self, round_id: str, stage_id: str) -> None:
        """Remove the stage's result snapshot (every batch withdrawn: nothing is counted)."""
        for table, _, _ in digest.SNAPSHOT_TABLES:
            self.conn.execute(f"DELETE FROM {table} WHERE round = ? AND stage = ?", [round_id, stage_id])
        self.update("stages", {"round": round_id, "stage": stage_id}, {"void_papers": None})

    def load_count(self, round_id: str, stage: Stage, posts, lists) -> StageCount | None:
        """The stored results of a stage, or None if it has none."""
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
                                             r.get("overvotes", 0))
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
        for r in self.select("invalid_marks", "round = ? AND stage = ?", key, "rowid"):
            pc = count.posts.get(r["post"])
            if pc is not None:
                pc.invalid_marks.append(InvalidMark(r["ballot"], r["post"], r["text"], r["reason"]))
        count.voided = [(r["ballot"], r["post"], r["reason"])
                        for r in self.select("void_papers", "round = ? AND stage = ?", key, "rowid")]
        count.returned = self.returned(round_id, stage.id)
        count.void_papers = self.stage_row(round_id, stage.id)["void_papers"] or 0
        return count

    def void_paper_rows(self, round_id: str, stage_id: str) -> list[dict]:
        return self.select("void_papers", "round = ? AND stage = ?", [round_id, stage_id], "rowid",
                           ("round", "stage", "ballot", "post", "reason"))

    # -- cuts ------------------------------------------------------------------------------
    def save_cut(self, round_id: str, stage_id: str, cuts: Iterable[PostCut], reason: str | None) -> None:
        self.insert_all("cuts", (
            {"round": round_id, "stage": stage_id, "post": c.post, "status": c.status,
             "advanced": canonical(list(c.advanced)), "decision": c.decision,
             "chosen": canonical(list(c.chosen)),
             "reason": reason if c.decision in ("resolved", "accepted-short") else None}
            for c in cuts))
        self.lock(round_id, stage_id)

    def unlock(self, round_id: str, stage_id: str) -> None:
        """Re-open a locked cut: its rows go (the reopen event records what they held)."""
        self.conn.execute("DELETE FROM cuts WHERE round = ? AND stage = ?", [round_id, stage_id])
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
        out: dict[str, list[dict]] = {}
        for table, order, columns in digest.SNAPSHOT_TABLES:
            out[table] = self.select(table, "round = ? AND stage = ?", [round_id, stage_id], order, columns)
        out["stages"] = [{"void_papers": self.stage_row(round_id, stage_id)["void_papers"]}]
        return out

    def results_digest(self, round_id: str, stage_id: str) -> str:
        """SHA-256 of the stage's stored result snapshot."""
        return digest.of(self.snapshot(round_id, stage_id))

    def inspection_rows_digest(self, file_id: int) -> str:
        """SHA-256 of an inspection file as stored: its header, then its raw rows (JSON)."""
        row = self.conn.execute("SELECT header, rows FROM inspection_files WHERE id = ?", [file_id]).fetchone()
        return digest.inspection_file(*(row if row else (None, None)))
