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
from selector.domain import eligibility
from selector.domain.cuts import DECIDED, Decisions
from selector.domain.model import natural
from selector.errors import (
    ConfigError, NotAFolder, NotFound, RuleError, VerifyFailed,
)
from selector.i18n import N_
from selector.service.recheck import At, Report, Times, unreadable
from selector.service.rounds import OpenRound, choose_round
from selector.readers import roundfile
from selector.storage import events, tomldoc
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
        with unreadable(report, At("round {round}", round=round_id)):
            open_ = _check_round(store, round_id, log, report)
        if open_ is not None:
            recounts = {}
            for stage in open_.round.stages:
                with unreadable(report, At("stage {stage}", stage=stage.id)):
                    handler = open_.handler(stage)
                    if handler.capability != "ballots":
                        _check_unsigned(store.stage_row(open_.id, stage.id), stage, report)
                    recounts[stage.id] = handler.recheck(log, report)
            for stage in open_.round.stages:
                with unreadable(report, At("stage {stage}: table {table}", stage=stage.id, table="cuts")):
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
        report.add(At("database {path}", path=store.path), N_("{what}; nothing more was checked"), what=what)
        raise VerifyFailed(report) from None


def _check_chain(store: Store, round_id: str, report: Report) -> list[dict]:
    """Every event's hash, and its link to the one before; returns the decodable events."""
    prev, out = GENESIS, []
    rows = store.event_rows(round_id)  # as stored: JSON not decoded
    for r in rows:
        where = At("event #{event} ({command} {stage})", event=r["id"], command=r["command"],
                   stage=str(r["stage"])) if r["stage"] else \
            At("event #{event} ({command})", event=r["id"], command=r["command"])
        bad = [k for k, v in r.items() if isinstance(v, NotText)]
        if bad:
            report.add(where, N_("column {columns} holds text that is not UTF-8 (edited, or the file is damaged)"),
                       columns=", ".join(bad))
            prev = r["hash"]
            continue
        try:
            event = {**{k: r[k] for k in ("round", "at", "operator", "command", "stage")},
                     "details": json.loads(r["details"]), "files": json.loads(r["files"])}
        except (json.JSONDecodeError, TypeError):
            report.add(where, N_("details or files are not the JSON that was hashed"))
            prev = r["hash"]
            continue
        if r["prev"] != prev:
            report.add(where, N_("does not link to the event before it (an event was removed, inserted or "
                                 "reordered)"))
        elif chain(r["prev"], event) != r["hash"]:
            report.add(where, N_("its content does not match its hash (the event was edited)"))
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
                report.add(At("table {table}", table="events"),
                           N_("the append-only guard (trigger {trigger}) was removed"), trigger=bare)
            elif found != expected:
                report.add(At("table {table}", table="events"),
                           N_("the append-only guard (trigger {trigger}) was changed"), trigger=bare)
            continue
        where = At("table {table}", table=bare)
        if found is None:
            report.add(where, N_("missing from the database"))
            continue
        if found["columns"] != expected["columns"]:
            report.add(where, N_("its columns are ({found}), not the schema's ({expected}) or not as the schema "
                                 "declares them"), found=", ".join(c[0] for c in found["columns"]),
                       expected=", ".join(c[0] for c in expected["columns"]))
        for unique, columns in sorted(expected["indexes"] - found["indexes"]):
            report.add(where, N_("the unique index on ({columns}) was removed") if unique else
                       N_("the index on ({columns}) was removed"), columns=", ".join(columns))


def _times(store: Store, log: list[dict], report: Report) -> Times:
    """How stored times are held to the log: exactly from the event m006 names on."""
    first, top = store.exact_times_from()
    if first is None or not 1 <= first <= top:
        report.add(At("table {table}", table="selector_meta"),
                   N_("exact_times_from is not an event id up to {top}"), top=top)
        first = 1
    return Times(log, first)


def _check_unsigned(row: dict, stage, report: Report) -> None:
    """A stage without ballots has no attendance, void papers or certificate."""
    for col in ("present", "issued", "void_papers", "certified_at", "certificate"):
        if row[col] is not None:
            report.add(At("stage {stage}: table {table}", stage=stage.id, table="stages"),
                       N_("{column} is {value!r}, but {kind} stages record none"), column=col, value=row[col],
                       kind=stage.kind)


def _check_round(store: Store, round_id: str, log: list[dict], report: Report) -> OpenRound | None:
    where = At("round {round}", round=round_id)
    rounds = At("round {round}: table {table}", round=round_id, table="rounds")
    row = store.round_row(round_id)
    if row is None:
        report.add(rounds, N_("the round's row is missing, but the log holds {n} events of it; nothing was "
                              "recounted"), n=len(log))
        return None
    sources = {}
    changed = False  # a difference in table round_files
    for r in store.round_file_rows(round_id):
        data = r["data"] if isinstance(r["data"], bytes) else str(r["data"]).encode("utf-8")
        sources[r["name"]] = data
        file_row = At("round {round}: table {table}, row {row}", round=round_id, table="round_files", row=r["name"])
        if not isinstance(r["data"], bytes):
            report.add(file_row, N_("is no longer stored as bytes"))
            changed = True
        elif hashlib.sha256(data).hexdigest() != r["sha256"]:
            report.add(file_row, N_("content does not match its SHA-256"))
            changed = True
    sha = hashlib.sha256(b"".join(sources[k] for k in sorted(sources))).hexdigest()
    if sha != row["sha256"]:
        report.add(rounds, N_("the stored round files do not match the round's SHA-256"))
    inits = [e for e in log if e["command"] == "init"]
    if not inits:
        report.add(where, N_("no init event in the log"))
    elif inits[-1]["files"] not in ({row["main"]: sha},  # the first release logged the combined hash
                                   {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()}):
        report.add(At("round {round}: table {table}", round=round_id, table="round_files"),
                   N_("the stored round files do not match the last init event (#{event})"), event=inits[-1]["id"])
        changed = True
    if inits:
        init = inits[-1]
        for col, value in (("title", init["details"].get("title")), ("main", init["details"].get("file"))):
            if row[col] != value:
                report.add(rounds, N_("{column} is {value!r} but init event #{event} recorded {recorded!r}"),
                           column=col, value=row[col], event=init["id"], recorded=value)
        report.times.check(report, rounds, "at", row["at"], init)
    if not changed:
        changed = not _doc_matches(store, round_id, row["main"], sources, report)
    if changed:
        report.add(where, N_("the stored round files were changed; nothing was recounted"))
        return None
    try:
        open_ = OpenRound(store, round_id, "audit")
    except (ConfigError, NotFound, KeyError) as e:
        report.add(where, N_("the stored round can no longer be read ({error}); nothing was recounted"),
                   error=e if isinstance(e, ConfigError | NotFound) else str(e))
        return None
    if inits:
        _check_eligibility(open_, inits[-1], report)
    return open_


def _doc_matches(store: Store, round_id: str, main: str, sources: dict[str, bytes], report: Report) -> bool:
    """Is the main file's stored TOML document (`round_docs`, what opening the round reads)
    the file's own, read again and written as `init` writes it?"""
    stored = store.round_doc_text(round_id)
    if stored is None or main not in sources:
        return True
    try:
        doc = tomldoc.text(roundfile.document(sources[main], main))
    except ConfigError:
        doc = None
    if stored == doc:
        return True
    report.add(At("round {round}: table {table}, row {row}", round=round_id, table="round_docs", row=main),
               N_("does not match the round file it was read from"))
    return False


def _check_eligibility(open_: OpenRound, init: dict, report: Report) -> None:
    """Who the eligibility rules excluded (or let through by 破格) at init, against the rules
    applied again to the stored roster."""
    r = open_.round
    again = eligibility.record(r.eligibility, r.standings)
    recorded = init["details"].get("eligibility")
    if recorded == again:
        return
    where = At("round {round}: eligibility", round=r.id)
    if recorded is None or again is None:
        report.add(where, N_("init event #{event} and the stored round file disagree on whether there are "
                             "eligibility rules"), event=init["id"])
        return

    def people(found):
        return {s["candidate"]: s for s in found.get("standings", ())}

    logged, made = people(recorded), people(again)
    for cid in sorted(set(logged) | set(made), key=natural):
        if logged.get(cid) != made.get(cid):
            report.add(where, N_("{candidate}: init event #{event} recorded {recorded}, the rules applied again "
                                 "give {again}"), candidate=cid, event=init["id"],
                       recorded=json.dumps(logged.get(cid), ensure_ascii=False, sort_keys=True),
                       again=json.dumps(made.get(cid), ensure_ascii=False, sort_keys=True))
    for key in ("at", "max_age", "min_years_in_post"):
        if recorded.get(key) != again.get(key):
            report.add(where, N_("{column} is {value!r} in the stored round file but init event #{event} recorded "
                                 "{recorded!r}"), column=key, value=again.get(key), event=init["id"],
                       recorded=recorded.get(key))


def _check_cut(open_: OpenRound, stage, log: list[dict], recount, report: Report) -> None:
    """The stored cut against the event that locked it, then made again from the recount."""
    store, rid = open_.store, open_.id
    where = At("stage {stage}: table {table}", stage=stage.id, table="cuts")
    stages = At("stage {stage}: table {table}", stage=stage.id, table="stages")
    stored = store.locked_cut(rid, stage.id)
    _check_reopens(stage, log, report)
    cut_events = events.current_cuts(log, stage.id)  # since the cut was last re-opened
    row = store.stage_row(rid, stage.id)
    if stored is None:
        if cut_events:
            report.add(where, N_("the cut of event #{event} is missing"), event=cut_events[-1]["id"])
        if row["locked_at"]:
            report.add(stages, N_("locked but no cut is stored"))
        return
    report.cuts += 1
    if not row["locked_at"]:
        report.add(stages, N_("has a stored cut but is not locked"))
    if not cut_events:
        report.add(where, N_("a cut is stored but the log has no cut event"))
        return
    event = cut_events[-1]
    if row["locked_at"]:
        report.times.check(report, stages, "locked_at", row["locked_at"], event)
    logged = event["details"]["posts"]
    for post in sorted(set(stored) | set(logged)):
        s, e = stored.get(post), logged.get(post)
        name = At("stage {stage}: table {table}, row {row}", stage=stage.id, table="cuts", row=post)
        if s is None or e is None:
            report.add(name, N_("missing from the database cut event #{event}") if s is None else
                       N_("not in cut event #{event}"), event=event["id"])
            continue
        want = {"status": e["status"], "advanced": e["advanced"], "decision": e.get("decision"),
                "chosen": e.get("chosen", []),
                # a reason is kept only with a decision someone made
                "reason": event["details"].get("reason") if e.get("decision") in DECIDED else None}
        for col, value in want.items():
            if s[col] != value:
                report.add(name, N_("{column} is {value!r} in the database, {recorded!r} in cut event #{event}"),
                           column=col, value=s[col], recorded=value, event=event["id"])
    # Make the cut again from the recount, with the decisions the log recorded.
    try:
        again = open_.handler(stage).recut(recount, Decisions.logged(event["details"]))
    except RuleError as e:
        report.add(where, N_("the cut cannot be made again from the recount: {error}"), error=e)
        return
    for post, (status, advanced) in (again or {}).items():
        s = stored.get(post)
        if s is not None and (s["status"], s["advanced"]) != (status, advanced):
            report.add(At("stage {stage}: table {table}, row {row}", stage=stage.id, table="cuts", row=post),
                       N_("stored {was} {had}, but the recount gives {status} {advanced}"), was=s["status"],
                       had=s["advanced"], status=status, advanced=advanced)


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
            report.add(At("stage {stage}", stage=stage.id), N_("reopen cut event #{event} re-opens no locked cut"),
                       event=e["id"])
        elif held != {p: (v["status"], v["advanced"]) for p, v in locked["details"]["posts"].items()} \
                or undid.get("cut") != locked["id"]:
            report.add(At("stage {stage}", stage=stage.id),
                       N_("reopen cut event #{event} does not record the cut of event #{cut} it re-opened"),
                       event=e["id"], cut=locked["id"])
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
                report.add(At("round {round}: file {path}", round=open_.id, path=path),
                           N_("differs from the round file stored at init"))
