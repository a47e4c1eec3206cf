"""`audit verify` proves three things about a round's database, years after the count:
1. the event log is one unbroken hash chain;
2. the stored rows, results, cuts and certificates are the ones the log says were written
   (digests and details recorded in the tally, cut and certify events);
3. the results follow from the stored raw rows: every stage handler re-checks itself with
   the same code its commands use, and every cut is made again with the recorded decisions.
With `files`, the original ballot and inspection files are re-hashed too. Nothing here
prints or exits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path

from selector.audit import anchors
from selector.domain.cuts import Decisions
from selector.errors import (
    ConfigError, NotAFolder, NotFound, RuleError, VerifyFailed,
)
from selector.service.recheck import Report, Times, unreadable
from selector.service.rounds import OpenRound, choose_round
from selector.storage import events
from selector.storage.rows import GENESIS, NotText, chain, damage
from selector.storage.store import Store


def verify(store: Store, round_id: str | None, files: Path | None = None,
           heads: list[str] | None = None) -> Report:
    """Check the chain, the stored data against the log, and a full recount; the anchors kept
    outside the database (`heads`: hashes or files of them, and the witness file) against
    the chain.

    Returns the report when everything holds; raises VerifyFailed naming every difference.
    Everything is read in one transaction: a command committing meanwhile waits for it."""
    with store.read():
        return _verify(store, round_id, files, heads or [])


def _verify(store: Store, round_id: str | None, files: Path | None, heads: list[str]) -> Report:
    # A round whose row was deleted still has its events: it is checked (and found tampered).
    with _damaged(store, Report(round_id or str(store.path))):
        ids = sorted(set(store.round_ids()) | set(store.logged_round_ids()))
    round_id = choose_round(store, round_id, ids)
    if files is not None and not files.is_dir():
        raise NotAFolder(str(files))
    given = anchors.given(heads, round_id)
    report = Report(round_id)
    with _damaged(store, report):
        log = _check_chain(store, round_id, report)
        anchors.check(report, log, given, anchors.witnessed(store, round_id, report), store.witness_path)
        _check_schema(store, report)
        report.times = _times(store, log, report)
        open_ = None
        with unreadable(report, f"round {round_id}"):
            open_ = _check_round(store, round_id, log, report)
        if open_ is not None:
            recounts = {}
            for stage in open_.round.stages:
                with unreadable(report, f"stage {stage.id}"):
                    handler = open_.handler(stage)
                    if handler.capability != "ballots":
                        _check_unsigned(store.stage_row(open_.id, stage.id), stage, report)
                    recounts[stage.id] = handler.recheck(log, report)
            for stage in open_.round.stages:
                with unreadable(report, f"stage {stage.id}: table cuts"):
                    _check_cut(open_, stage, log, recounts.get(stage.id), report)
            if files is not None:
                _check_files(open_, files, report)
    if report.problems:
        raise VerifyFailed(report)
    return report


@contextlib.contextmanager
def _damaged(store: Store, report: Report):
    """A damaged file met outside any one part's checks: one line, and verify stops there."""
    try:
        yield
    except sqlite3.DatabaseError as e:
        what = damage(e)
        if what is None:
            raise
        report.add(f"database {store.path}", f"{what}; nothing more was checked")
        raise VerifyFailed(report) from None


def _check_chain(store: Store, round_id: str, report: Report) -> list[dict]:
    """Every event's hash, and its link to the one before; returns the decodable events."""
    prev, out = GENESIS, []
    rows = store.event_rows(round_id)  # as stored: JSON not decoded
    for r in rows:
        where = f"event #{r['id']} ({r['command']}{' ' + str(r['stage']) if r['stage'] else ''})"
        bad = [k for k, v in r.items() if isinstance(v, NotText)]
        if bad:
            report.add(where, f"column {', '.join(bad)} holds text that is not UTF-8 (edited, or "
                              "the file is damaged)")
            prev = r["hash"]
            continue
        try:
            event = {**{k: r[k] for k in ("round", "at", "operator", "command", "stage")},
                     "details": json.loads(r["details"]), "files": json.loads(r["files"])}
        except (json.JSONDecodeError, TypeError):
            report.add(where, "details or files are not the JSON that was hashed")
            prev = r["hash"]
            continue
        if r["prev"] != prev:
            report.add(where, "does not link to the event before it (an event was removed, "
                              "inserted or reordered)")
        elif chain(r["prev"], event) != r["hash"]:
            report.add(where, "its content does not match its hash (the event was edited)")
        prev = r["hash"]
        out.append({**event, "id": r["id"], "hash": r["hash"]})
    report.events, report.head = len(rows), prev
    return out


def _check_schema(store: Store, report: Report) -> None:
    """The tables, indexes and triggers against what the migrations make: a dropped unique
    index or append-only guard changes no row, but lets the next command write what it
    should refuse."""
    have, want = store.schema_shape()
    for name, expected in sorted(want.items()):
        kind, _, bare = name.partition(" ")
        found = have.get(name)
        if kind == "trigger":
            if found is None:
                report.add("table events", f"the append-only guard (trigger {bare}) was removed")
            elif found != expected:
                report.add("table events", f"the append-only guard (trigger {bare}) was changed")
            continue
        where = f"table {bare}"
        if found is None:
            report.add(where, "missing from the database")
            continue
        if found["columns"] != expected["columns"]:
            report.add(where, f"its columns are ({', '.join(c[0] for c in found['columns'])}), not "
                              f"the schema's ({', '.join(c[0] for c in expected['columns'])}) "
                              "or not as the schema declares them")
        for unique, columns in sorted(expected["indexes"] - found["indexes"]):
            report.add(where, f"the {'unique ' if unique else ''}index on ({', '.join(columns)}) "
                              "was removed")


def _times(store: Store, log: list[dict], report: Report) -> Times:
    """How stored times are held to the log: exactly from the event m006 names on."""
    first, top = store.exact_times_from()
    if first is None or not 1 <= first <= top:
        report.add("table selector_meta", f"exact_times_from is not an event id up to {top}")
        first = 1
    return Times(log, first)


def _check_unsigned(row: dict, stage, report: Report) -> None:
    """A stage without ballots has no attendance, void papers or certificate."""
    for col in ("present", "issued", "void_papers", "certified_at", "certificate"):
        if row[col] is not None:
            report.add(f"stage {stage.id}: table stages", f"{col} is {row[col]!r}, but {stage.kind} "
                                                          "stages record none")


def _check_round(store: Store, round_id: str, log: list[dict], report: Report) -> OpenRound | None:
    where = f"round {round_id}"
    row = store.round_row(round_id)
    if row is None:
        report.add(f"{where}: table rounds", f"the round's row is missing, but the log holds "
                                             f"{len(log)} events of it; nothing was recounted")
        return None
    sources = {}
    for r in store.round_file_rows(round_id):
        data = r["data"] if isinstance(r["data"], bytes) else str(r["data"]).encode("utf-8")
        sources[r["name"]] = data
        if not isinstance(r["data"], bytes):
            report.add(f"{where}: table round_files, row {r['name']}", "is no longer stored as bytes")
        elif hashlib.sha256(data).hexdigest() != r["sha256"]:
            report.add(f"{where}: table round_files, row {r['name']}", "content does not match its SHA-256")
    sha = hashlib.sha256(b"".join(sources[k] for k in sorted(sources))).hexdigest()
    if sha != row["sha256"]:
        report.add(f"{where}: table rounds", "the stored round files do not match the round's SHA-256")
    inits = [e for e in log if e["command"] == "init"]
    if not inits:
        report.add(where, "no init event in the log")
    elif inits[-1]["files"] not in ({row["main"]: sha},  # the first release logged the combined hash
                                   {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()}):
        report.add(f"{where}: table round_files",
                   f"the stored round files do not match the last init event (#{inits[-1]['id']})")
    if inits:
        init = inits[-1]
        for col, value in (("title", init["details"].get("title")), ("main", init["details"].get("file"))):
            if row[col] != value:
                report.add(f"{where}: table rounds", f"{col} is {row[col]!r} but init event "
                                                     f"#{init['id']} recorded {value!r}")
        report.times.check(report, f"{where}: table rounds", "at", row["at"], init)
    if any(p.where.startswith(f"{where}: table round_files") for p in report.problems):
        report.add(where, "the stored round files were changed; nothing was recounted")
        return None
    try:
        return OpenRound(store, round_id, "audit")
    except (ConfigError, NotFound, KeyError) as e:
        report.add(where, "the stored round can no longer be read (", e if isinstance(e, ConfigError | NotFound)
                   else str(e), "); nothing was recounted")
        return None


def _check_cut(open_: OpenRound, stage, log: list[dict], recount, report: Report) -> None:
    """The stored cut against the event that locked it, then made again from the recount."""
    store, rid = open_.store, open_.id
    where = f"stage {stage.id}: table cuts"
    stored = store.locked_cut(rid, stage.id)
    _check_reopens(stage, log, report)
    cut_events = events.current_cuts(log, stage.id)  # since the cut was last re-opened
    row = store.stage_row(rid, stage.id)
    if stored is None:
        if cut_events:
            report.add(where, f"the cut of event #{cut_events[-1]['id']} is missing")
        if row["locked_at"]:
            report.add(f"stage {stage.id}: table stages", "locked but no cut is stored")
        return
    report.cuts += 1
    if not row["locked_at"]:
        report.add(f"stage {stage.id}: table stages", "has a stored cut but is not locked")
    if not cut_events:
        report.add(where, "a cut is stored but the log has no cut event")
        return
    event = cut_events[-1]
    if row["locked_at"]:
        report.times.check(report, f"stage {stage.id}: table stages", "locked_at", row["locked_at"], event)
    logged = event["details"]["posts"]
    for post in sorted(set(stored) | set(logged)):
        s, e = stored.get(post), logged.get(post)
        name = f"{where}, row {post}"
        if s is None or e is None:
            report.add(name, f"{'missing from the database' if s is None else 'not in'} "
                             f"cut event #{event['id']}")
            continue
        want = {"status": e["status"], "advanced": e["advanced"], "decision": e.get("decision"),
                "chosen": e.get("chosen", []),
                # a reason is kept only with a decision someone made
                "reason": event["details"].get("reason") if e.get("decision") in ("resolved", "accepted-short")
                else None}
        for col, value in want.items():
            if s[col] != value:
                report.add(name, f"{col} is {s[col]!r} in the database, {value!r} in cut event "
                                 f"#{event['id']}")
    # Make the cut again from the recount, with the decisions the log recorded.
    try:
        again = open_.handler(stage).recut(recount, Decisions.logged(event["details"]))
    except RuleError as e:
        report.add(where, "the cut cannot be made again from the recount: ", e)
        return
    for post, (status, advanced) in (again or {}).items():
        s = stored.get(post)
        if s is not None and (s["status"], s["advanced"]) != (status, advanced):
            report.add(f"{where}, row {post}", f"stored {s['status']} {s['advanced']}, but the "
                                               f"recount gives {status} {advanced}")


def _check_reopens(stage, log: list[dict], report: Report) -> None:
    """Each `reopen cut` event re-opened a locked cut, and recorded what that cut held."""
    locked = None
    for e in events.of(log, stage.id, "cut", "notice close", "reopen cut"):
        if e["command"] != "reopen cut":
            if "posts" in e["details"]:
                locked = e
            continue
        report.corrections += 1
        undid = e["details"].get("undid") or {}
        held = {p: (v.get("status"), v.get("advanced")) for p, v in (undid.get("posts") or {}).items()}
        if locked is None:
            report.add(f"stage {stage.id}", f"reopen cut event #{e['id']} re-opens no locked cut")
        elif held != {p: (v["status"], v["advanced"]) for p, v in locked["details"]["posts"].items()} \
                or undid.get("cut") != locked["id"]:
            report.add(f"stage {stage.id}", f"reopen cut event #{e['id']} does not record the cut of "
                                            f"event #{locked['id']} it re-opened")
        locked = None


def _check_files(open_: OpenRound, folder: Path, report: Report) -> None:
    from selector.service.recheck import sha256

    found: dict[str, list[Path]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found.setdefault(path.name, []).append(path)
    for stage in open_.round.stages:
        open_.handler(stage).recheck_files(found, folder, report)
    for r in open_.store.round_file_rows(open_.id):
        for path in found.get(r["name"], []):
            report.files += 1
            if sha256(path) != r["sha256"]:
                report.add(f"round {open_.id}: file {path}", "differs from the round file stored at init")
