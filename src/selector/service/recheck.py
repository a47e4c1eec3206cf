"""What `audit verify` checks with: the report of differences, and the comparisons every
stage handler's re-check uses (stored rows against expected ones, a stored file's rows
against the original file, a file found by name and hash)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path
from itertools import zip_longest
from typing import Callable, Iterable, Iterator

from selector.domain.model import natural
from selector.errors import BallotFileError, SelectorError
from selector.i18n import N_
from selector.records import dataclass, field
from selector.storage.rows import GENESIS, UnreadableRows, damage


class At:
    """Where a difference is: a template (the English text, and the message id the CLI looks
    up in the interface language's catalog) and its fields — `At("stage {stage}: table
    {table}, row {row}", stage="rec1", table="results", row="P01/C01")`. Table and column
    names are fields, as the database spells them."""

    __slots__ = ("template", "fields")

    def __init__(self, template: str, **fields):
        self.template, self.fields = template, fields

    def english(self) -> str:
        return self.template.format(**_english(self.fields))

    def __repr__(self) -> str:
        return f"At({self.english()!r})"


@dataclass(frozen=True)
class Problem:
    """One difference: where (a template), what (a template) and the fields both are filled
    from. A field may be the refusal that stopped a check (a SelectorError), worded by the CLI
    like any refusal."""

    where: str
    message: str
    fields: dict = field(default_factory=dict)

    def english(self) -> str:
        """The line in English: "stage rec1: table results, row P01/C01: votes is 5 …"."""
        fields = _english(self.fields)
        return f"{self.where.format(**fields)}: {self.message.format(**fields)}"


def _english(fields: dict) -> dict:
    return {k: v.message if isinstance(v, SelectorError) else v for k, v in fields.items()}


@dataclass
class Times:
    """Each stored `at` against the event that wrote it. Since m006 a command writes one time
    (Store.stamp), so from event `exact_from` on the two must be equal; a row of an earlier
    event need only lie between the times of the events around it (it was written during
    that command, a moment before or after its event)."""

    log: list[dict] = field(default_factory=list)
    exact_from: int = 1

    def check(self, report: "Report", where: At, column: str, value, event: dict) -> None:
        if value == event["at"]:
            return
        said = {"column": column, "value": value, "command": event["command"], "event": event["id"]}
        if event["id"] >= self.exact_from:
            report.add(where, N_("{column} is {value!r} but {command} event #{event} was written at {at!r}"),
                       **said, at=event["at"])
            return
        at = next((i for i, e in enumerate(self.log) if e["id"] == event["id"]), None)
        low = self.log[at - 1]["at"] if at else ""
        high = self.log[at + 1]["at"] if at is not None and at + 1 < len(self.log) else "~"
        if not (isinstance(value, str) and low <= value <= high):
            if low and high != "~":
                message = N_("{column} is {value!r}, outside the times of the events around {command} event "
                             "#{event} ({low} to {high})")
            elif low:
                message = N_("{column} is {value!r}, outside the times of the events around {command} event "
                             "#{event} ({low} to now)")
            elif high != "~":
                message = N_("{column} is {value!r}, outside the times of the events around {command} event "
                             "#{event} (the start to {high})")
            else:
                message = N_("{column} is {value!r}, outside the times of the events around {command} event "
                             "#{event} (the start to now)")
            report.add(where, message, **said, low=low, high=high)


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
    sittings: int = 0  # sittings (讨论决定, re-votes) re-read
    corrections: int = 0  # correction events rechecked (withdrawals, re-openings, revocations)
    anchors: int = 0  # record hashes kept outside the database found in the chain
    totals: list[str] = field(default_factory=list)  # stages recorded from totals: re-read, no papers to recount
    problems: list[Problem] = field(default_factory=list)
    times: Times = field(default_factory=Times)  # how stored times are held to the log

    def add(self, where: At, message: str, **fields) -> None:
        """A difference at `where`: `message` is a template (mark it `N_("…")`: the English
        text and the message id), filled from `fields` and the place's own fields."""
        clash = sorted(k for k in where.fields.keys() & fields.keys() if where.fields[k] != fields[k])
        if clash:
            raise ValueError(f"the place and the message give different values for {clash}")
        self.problems.append(Problem(where.template, message, {**where.fields, **fields}))


@contextlib.contextmanager
def unreadable(report: Report, where: At):
    """Stored data edited into something that no longer decodes is a difference, not a crash:
    bad JSON, text that is not UTF-8, a damaged page of the file (one short line each)."""
    try:
        yield
    except (json.JSONDecodeError, UnreadableRows, SelectorError) as e:
        report.add(where, N_("stored data no longer reads ({kind}: {error}); checks of this part stopped here"),
                   kind=type(e).__name__, error=e if isinstance(e, SelectorError) else str(e))
    except sqlite3.DatabaseError as e:
        what = damage(e)
        if what is None:
            raise
        report.add(where, N_("stored data no longer reads ({what}); checks of this part stopped here"), what=what)


def compare_table(report: Report, stage: str, table: str, key: tuple[str, ...],
                  expected: list[dict], stored: list[dict]) -> None:
    """Rows a table of `stage` should hold against the rows it holds, matched by `key`."""
    def index(rows):
        out: dict[tuple, list[dict]] = {}
        for r in rows:
            out.setdefault(tuple(r.get(k) for k in key), []).append(r)
        return out

    def same(k) -> bool:
        a, b = want[k], have.get(k)
        return b is not None and len(a) == len(b) and all(ra[col] == rb.get(col) for ra, rb in zip(a, b) for col in ra)

    want, have = index(expected), index(stored)
    # only the rows that differ are sorted (natural keys for every row of a large table: ~100 MiB)
    differ = [k for k in want if not same(k)] + [k for k in have if k not in want]
    for k in sorted(differ, key=lambda t: tuple(natural(str(x)) for x in t)):
        name = At("stage {stage}: table {table}, row {row}", stage=stage, table=table,
                  row="/".join(str(x) for x in k))
        a, b = want.get(k, []), have.get(k, [])
        if not b:
            report.add(name, N_("missing from the database (the recount has it)"))
        elif not a:
            report.add(name, N_("in the database but not in the recount"))
        elif len(a) != len(b):
            report.add(name, N_("{stored} rows in the database, {expected} on recount"), stored=len(b),
                       expected=len(a))
        else:
            for ra, rb in zip(a, b):
                for col in ra:
                    if ra[col] != rb.get(col):
                        report.add(name, N_("{column} is {stored!r} in the database, {expected!r} on recount"),
                                   column=col, stored=rb.get(col), expected=ra[col])


def compare_walked(report: Report, stage: str, table: str, key: tuple[str, ...],
                   walk: Callable[[], tuple[Iterable[dict], Iterable[dict]]],
                   whole: Callable[[], tuple[list[dict], list[dict]]]) -> None:
    """compare_table for a table too large to hold twice (a stage's invalid marks at 10M
    marks): `walk()` gives the expected and the stored rows both in the order of `key` (each
    key's rows in the order stored), and they are compared a row at a time. Only when a row
    differs, or one side has more, `whole()` gives both as compare_table takes them, which
    reports every difference as it always has."""
    try:
        expected, stored = walk()
        for want, have in zip_longest(expected, stored):
            if want is None or have is None or any(want[col] != have.get(col) for col in want):
                break
        else:
            return
        del expected, stored
    except TypeError:  # keys that do not sort: compared whole
        pass
    compare_table(report, stage, table, key, *whole())


def compare_rows(report: Report, where: At, line: str, header: str, stored: Iterator[tuple[int, list[str]]],
                 path: Path, encoding: str | None, sheet: str | None, header_where: At | None = None) -> None:
    """A stored header (JSON) and raw rows against the original file, row by row. `line` is
    the template of a row of `where` (its fields and `{line}`)."""
    from selector.readers.tables import open_table

    try:
        table = open_table(path, encoding=encoding, sheet=sheet)
    except BallotFileError as e:
        report.add(where, N_("the original file no longer reads: {error}"), error=e)
        return
    if json.loads(header) != table.header:
        report.add(header_where or where, N_("header is {stored} in the database, {found} in the file"),
                   stored=header, found=table.header)
    with table:
        rows = list(table.rows)
    for number, cells in rows:
        kept = next(stored, None)
        if kept != (number, cells):
            at = At(line, **where.fields, line=number)
            if kept:
                report.add(at, N_("{stored} in the database, {found} in the file"), stored=_cells_text(kept[1]),
                           found=_cells_text(cells))
            else:
                report.add(at, N_("missing in the database, {found} in the file"), found=_cells_text(cells))
            if kept is not None and kept[0] != number:
                return  # rows out of step: one difference says it
    for number, cells in stored:
        report.add(At(line, **where.fields, line=number), N_("{stored} in the database, not in the file"),
                   stored=_cells_text(cells))


def _cells_text(cells: list[str]) -> str:
    return ",".join(cells)


def find_original(found: dict[str, list[Path]], folder: Path, file: str, sha: str, changed: str,
                  name: At, report: Report) -> Path | None:
    """The file under `folder` named `file` whose SHA-256 is `sha`; a difference if none is
    (`changed`: its message, with the hashes found as `{found}` and the one stored as `{sha}`)."""
    paths = found.get(file, [])
    if not paths:
        report.add(name, N_("not found under {folder}"), folder=folder)
        return None
    hashes = {p: sha256(p) for p in paths}
    report.files += 1
    original = next((p for p, h in hashes.items() if h == sha), None)
    if original is None:
        shown = ", ".join(f"{p} {h[:12]}…" for p, h in hashes.items())
        report.add(name, changed, found=shown, sha=sha[:12])
    return original


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
