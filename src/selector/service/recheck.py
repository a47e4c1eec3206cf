"""What `audit verify` checks with: the report of differences, and the comparisons every
stage handler's re-check uses (stored rows against expected ones, a stored file's rows
against the original file, a file found by name and hash)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from selector.domain.model import natural
from selector.errors import BallotFileError, SelectorError
from selector.storage.rows import GENESIS, UnreadableRows, damage


@dataclass(frozen=True)
class Problem:
    """One difference: where, and what — text, and the refusal that stopped a check (worded
    by the CLI like any refusal)."""

    where: str
    parts: tuple[str | SelectorError, ...]


@dataclass
class Times:
    """Each stored `at` against the event that wrote it. Since m006 a command writes one time
    (Store.stamp), so from event `exact_from` on the two must be equal; a row of an earlier
    event need only lie between the times of the events around it (it was written during
    that command, a moment before or after its event)."""

    log: list[dict] = field(default_factory=list)
    exact_from: int = 1

    def check(self, report: "Report", where: str, column: str, value, event: dict) -> None:
        if value == event["at"]:
            return
        said = f"{event['command']} event #{event['id']}"
        if event["id"] >= self.exact_from:
            report.add(where, f"{column} is {value!r} but {said} was written at {event['at']!r}")
            return
        at = next((i for i, e in enumerate(self.log) if e["id"] == event["id"]), None)
        low = self.log[at - 1]["at"] if at else ""
        high = self.log[at + 1]["at"] if at is not None and at + 1 < len(self.log) else "~"
        if not (isinstance(value, str) and low <= value <= high):
            report.add(where, f"{column} is {value!r}, outside the times of the events around {said} "
                              f"({low or 'the start'} to {high if high != '~' else 'now'})")


@dataclass
class Report:
    round: str
    events: int = 0
    head: str = GENESIS
    stages: list[str] = field(default_factory=list)
    ballots: int = 0
    cuts: int = 0
    files: int = 0
    inspections: int = 0  # inspection files re-read
    notices: int = 0
    complaints: int = 0
    corrections: int = 0  # correction events rechecked (withdrawals, re-openings, revocations)
    anchors: int = 0  # record hashes kept outside the database found in the chain
    problems: list[Problem] = field(default_factory=list)
    times: Times = field(default_factory=Times)  # how stored times are held to the log

    def add(self, where: str, *parts: str | SelectorError) -> None:
        self.problems.append(Problem(where, parts))


@contextlib.contextmanager
def unreadable(report: Report, where: str):
    """Stored data edited into something that no longer decodes is a difference, not a crash:
    bad JSON, text that is not UTF-8, a damaged page of the file (one short line each)."""
    try:
        yield
    except (json.JSONDecodeError, UnreadableRows, SelectorError) as e:
        report.add(where, f"stored data no longer reads ({type(e).__name__}: ",
                   e if isinstance(e, SelectorError) else str(e), "); checks of this part stopped here")
    except sqlite3.DatabaseError as e:
        what = damage(e)
        if what is None:
            raise
        report.add(where, f"stored data no longer reads ({what}); checks of this part stopped here")


def compare_table(report: Report, where: str, table: str, key: tuple[str, ...],
                  expected: list[dict], stored: list[dict]) -> None:
    """Rows a table should hold against the rows it holds, matched by `key`."""
    def index(rows):
        out: dict[tuple, list[dict]] = {}
        for r in rows:
            out.setdefault(tuple(r.get(k) for k in key), []).append(r)
        return out

    want, have = index(expected), index(stored)
    for k in sorted(set(want) | set(have), key=lambda t: tuple(natural(str(x)) for x in t)):
        name = f"{where}: table {table}, row {'/'.join(str(x) for x in k)}"
        a, b = want.get(k, []), have.get(k, [])
        if not b:
            report.add(name, "missing from the database (the recount has it)")
        elif not a:
            report.add(name, "in the database but not in the recount")
        elif len(a) != len(b):
            report.add(name, f"{len(b)} rows in the database, {len(a)} on recount")
        else:
            for ra, rb in zip(a, b):
                for col in ra:
                    if ra[col] != rb.get(col):
                        report.add(name, f"{col} is {rb.get(col)!r} in the database, "
                                         f"{ra[col]!r} on recount")


def compare_rows(report: Report, where: str, header: str, stored: Iterator[tuple[int, list[str]]],
                 path: Path, encoding: str | None, sheet: str | None, header_where: str | None = None) -> None:
    """A stored header (JSON) and raw rows against the original file, row by row."""
    from selector.readers.tables import open_table

    try:
        table = open_table(path, encoding=encoding, sheet=sheet)
    except BallotFileError as e:
        report.add(where, "the original file no longer reads: ", e)
        return
    if json.loads(header) != table.header:
        report.add(header_where or where, f"header is {header} in the database, {table.header} in the file")
    with table:
        rows = list(table.rows)
    for line, cells in rows:
        kept = next(stored, None)
        if kept != (line, cells):
            report.add(f"{where}, row {line}", f"{_cells_text(kept[1]) if kept else 'missing'} in the "
                                               f"database, {_cells_text(cells)} in the file")
            if kept is not None and kept[0] != line:
                return  # rows out of step: one difference says it
    for line, cells in stored:
        report.add(f"{where}, row {line}", f"{_cells_text(cells)} in the database, not in the file")


def _cells_text(cells: list[str]) -> str:
    return ",".join(cells)


def find_original(found: dict[str, list[Path]], folder: Path, file: str, sha: str, verb: str,
                  name: str, report: Report) -> Path | None:
    """The file under `folder` named `file` whose SHA-256 is `sha`; a difference if none is."""
    paths = found.get(file, [])
    if not paths:
        report.add(name, f"not found under {folder}")
        return None
    hashes = {p: sha256(p) for p in paths}
    report.files += 1
    original = next((p for p, h in hashes.items() if h == sha), None)
    if original is None:
        shown = ", ".join(f"{p} {h[:12]}…" for p, h in hashes.items())
        report.add(name, f"changed since it was {verb}: sha256 {shown}, {verb} {sha[:12]}…")
    return original


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
