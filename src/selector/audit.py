"""The record (纪实) and its audit: certification, verification, ballot spot checks, double entry.

`verify` proves three things about a round's database, years after the count:
1. the event log is one unbroken hash chain;
2. the stored rows, results, cuts and certificates are the ones the log says were written
   (digests and details recorded in the tally, cut and certify events);
3. the results follow from the stored raw rows: every stage is recounted with the stored
   rules through the same code a tally uses (`ballots.interpret` → `counting.Count`), and
   every cut is made again with the recorded decisions.
Inspect and notice stages are checked in `audit_stages`. With `files`, the original ballot
and inspection files are re-hashed too. Nothing here prints or exits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from selector.app import Selection
from selector.readers.ballots import Paper, interpret
from selector.readers.tables import open_table
from selector.domain.counting import Ballot, Count, StageCount
from selector.domain.model import Stage, normalize
from selector.errors import (
    AuditMismatch, BallotFileError, ConfigError, NotFound, RuleError, SelectorError, UsageError,
)
from selector.storage import digest
from selector.storage.store import GENESIS, Store, UnreadableRows, canonical, chain


# -- certification -------------------------------------------------------------------------

def certify(sel: Selection, stage_id: str, tellers: Iterable[str], scrutineers: Iterable[str]) -> dict:
    """计票人/监票人 sign a ballot stage's count; from then on it takes no more batches.

    Returns the certificate (also the event's details) with `at` and the event `hash`, which
    the signed paper record should carry: it fixes the whole log up to this moment.
    """
    stage = sel.ballot_stage(stage_id)
    tellers, scrutineers = _names(tellers), _names(scrutineers)
    need = {"teller": sel.round.tellers, "scrutineer": sel.round.scrutineers}
    for role, names in (("teller", tellers), ("scrutineer", scrutineers)):
        if len(names) < need[role]:
            raise RuleError(f"certify {stage.id}: {need[role]} {role}{'s' if need[role] > 1 else ''} "
                             f"must sign (round.certify.{role}s), got {len(names)}: "
                             f"give --{role} NAME for each")
    both = sorted(set(map(normalize, tellers)) & set(map(normalize, scrutineers)))
    if both:
        raise RuleError(f"certify {stage.id}: {', '.join(both)} cannot be both teller and "
                        "scrutineer (scrutineers check the tellers' count)")
    store, rid = sel.store, sel.round.id
    with store.write():
        state = sel.state(stage)
        row = state["row"]
        if state["certified"]:
            signed = json.loads(row["certificate"] or "{}")
            raise RuleError(f"stage {stage.id} was already certified at {row['certified_at']} "
                            f"(tellers {', '.join(signed.get('tellers', []))}; scrutineers "
                            f"{', '.join(signed.get('scrutineers', []))}); a certificate cannot change")
        if not state["batches"]:
            raise RuleError(f"stage {stage.id} has no tally to certify: run `selector tally {stage.id} FILE…`")
        certificate = {"tellers": tellers, "scrutineers": scrutineers,
                       "batches": len(state["batches"]), "returned": store.returned(rid, stage.id),
                       "results_sha256": digest.results(store, rid, stage.id),
                       "log_head": store.head(rid)}
        event_id = store.log(rid, sel.operator, "certify", stage.id, certificate)
        event = store.event(event_id)
        store.certify(rid, stage.id, event["at"], certificate)
    return {**certificate, "stage": stage.id, "at": event["at"], "hash": event["hash"]}


def _names(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and normalize(v) not in map(normalize, out):
            out.append(v)
    return out


# -- the log -----------------------------------------------------------------------------------

def log(sel: Selection) -> list[dict]:
    """The round's events, oldest first (details and files decoded)."""
    return sel.store.events(sel.round.id)


# -- spot checks: sample and compare -----------------------------------------------------------

SAMPLE_ALGORITHM = ("every ballot number B tallied for the stage is ranked by "
                    "SHA-256(\"SEED/STAGE/B\" in UTF-8) as hex, lowest first; the first N are drawn")


def sample_key(seed: str, stage_id: str, ballot: str) -> str:
    """The draw key of one paper: anyone can recompute it with any SHA-256 tool."""
    return hashlib.sha256(f"{seed}/{stage_id}/{ballot}".encode("utf-8")).hexdigest()


def sample(sel: Selection, stage_id: str, seed: str, count: int) -> dict:
    """A reproducible list of paper ballots to pull from the box for a hand check (logged)."""
    stage = sel.ballot_stage(stage_id)
    if not seed.strip():
        raise UsageError("--seed must not be empty: use the public dice rolls, e.g. --seed 3-6-1-4-2-5")
    if count < 1:
        raise UsageError(f"--count must be at least 1, got {count}")
    store, rid = sel.store, sel.round.id
    papers = store.papers(rid, stage.id)
    if not papers:
        raise RuleError(f"stage {stage.id} has no tallied ballots to sample")
    keyed = sorted((sample_key(seed, stage.id, p["ballot"]), p["ballot"], p["file"]) for p in papers)
    drawn = [{"order": i, "ballot": b, "file": f, "key": k}
             for i, (k, b, f) in enumerate(keyed[:count], start=1)]
    with store.write():
        store.log(rid, sel.operator, "audit sample", stage.id,
                  {"seed": seed, "count": count, "of": len(papers),
                   "ballots": [d["ballot"] for d in drawn]})
    return {"stage": stage.id, "seed": seed, "count": count, "of": len(papers),
            "algorithm": SAMPLE_ALGORITHM, "ballots": drawn}


@dataclass
class Difference:
    ballot: str
    cell: str  # "P01 审计局局长", "P01/C001", "category", "void" or "paper"
    first: str  # what was tallied (compare) / the first keying (double entry)
    second: str  # the hand count (compare) / the second keying


def compare(sel: Selection, stage_id: str, path: Path, *, layout: str = "wide",
            encoding: str | None = None, sheet: str | None = None) -> dict:
    """Hand-read ballots (same format as a tally) against what was tallied; the check is logged."""
    stage = sel.ballot_stage(stage_id)
    paper = sel.paper(stage)
    with open_table(path, encoding=encoding, sheet=sheet) as table:
        hand = _by_number(interpret(paper, table.name, table.header, table.rows, layout))
    tallied = _tallied(sel, stage, paper, set(hand))
    differences = _diff(paper, tallied, hand, missing_first="not tallied")
    result = {"stage": stage.id, "file": table.name, "sha256": table.sha256, "ballots": len(hand),
              "differences": [{"ballot": d.ballot, "cell": d.cell, "tallied": d.first, "hand": d.second}
                              for d in differences]}
    with sel.store.write():
        sel.store.log(sel.round.id, sel.operator, "audit compare", stage.id,
                      {"file": table.name, "ballots": len(hand),
                       "differences": result["differences"]}, {table.name: table.sha256})
    return result


def double_entry(sel: Selection, stage_id: str, first: Path, second: Path, *, layout: str = "wide",
                 encoding: str | None = None, sheet: str | None = None) -> dict:
    """双人录入: two independent keyings of the same papers must agree, ballot by ballot.

    Refuses (nothing recorded) with every differing ballot and cell; otherwise returns what
    the tally event records about the check."""
    stage = sel.ballot_stage(stage_id)
    paper = sel.paper(stage)
    readings, tables = [], []
    for path in (first, second):
        with open_table(path, encoding=encoding, sheet=sheet) as table:
            readings.append(_by_number(interpret(paper, table.name, table.header, table.rows, layout)))
        tables.append(table)
    if tables[0].sha256 == tables[1].sha256:
        raise UsageError(f"--check-against {tables[1].name} is the same file as {tables[0].name}: "
                         "double entry needs a second, independent keying")
    differences = _diff(paper, readings[0], readings[1], missing_first="missing")
    if differences:
        details = [f"ballot {d.ballot} · {d.cell}: {tables[0].name} has {d.first!r}, "
                   f"{tables[1].name} has {d.second!r}" for d in differences]
        raise BallotFileError(f"{tables[0].name} and {tables[1].name} differ on {len(differences)} "
                              f"cell{'s' if len(differences) > 1 else ''}: nothing recorded; "
                              "check the paper ballots and correct the keying", details)
    # Recorded in the tally event as `checked_against`: the second keying, and the file it checked.
    return {"file": tables[1].name, "sha256": tables[1].sha256, "ballots": len(readings[1]),
            "tallied_sha256": tables[0].sha256}


def _by_number(ballots: Iterable[Ballot]) -> dict[str, Ballot]:
    return {b.number: b for b in ballots}


def _tallied(sel: Selection, stage: Stage, paper: Paper, wanted: set[str]) -> dict[str, Ballot]:
    out: dict[str, Ballot] = {}
    for b in sel.store.batches(sel.round.id, stage.id):
        rows = sel.store.stored_rows(b["id"])
        for ballot in interpret(paper, b["file"], json.loads(b["header"]), rows, b["layout"]):
            if ballot.number in wanted:
                out[ballot.number] = ballot
    return out


def _cells(paper: Paper, ballot: Ballot) -> dict[str, tuple[object, str]]:
    """A ballot as comparable cells: name -> (meaning, text to show)."""
    cells: dict[str, tuple[object, str]] = {
        "category": (ballot.category or "", ballot.category or ""),
        "void": (normalize(ballot.void or ""), ballot.void or ""),
    }
    for post in paper.posts:
        if paper.approve:
            marked = ballot.choices.get(post.id, {})
            for cid in paper.lists[post.id]:
                choice = marked.get(cid, "abstain")
                cells[f"{post.id}/{cid}"] = (choice, choice)
        else:
            texts = ballot.marks.get(post.id, ())
            meaning = set()
            for text in texts:
                cid = paper.resolver.resolve(text)
                # An unknown or ambiguous name is compared as written (normalised).
                meaning.add(cid if isinstance(cid, str) else "?" + normalize(text))
            cells[f"{post.id} {post.title}"] = (frozenset(meaning), "、".join(texts) or "(blank)")
    return cells


def _diff(paper: Paper, first: dict[str, Ballot], second: dict[str, Ballot], *,
          missing_first: str) -> list[Difference]:
    out = []
    for number in sorted(set(first) | set(second), key=natural):
        a, b = first.get(number), second.get(number)
        if a is None or b is None:
            out.append(Difference(number, "paper", "present" if a else missing_first,
                                  "present" if b else "missing"))
            continue
        ca, cb = _cells(paper, a), _cells(paper, b)
        for name in ca:
            if ca[name][0] != cb[name][0]:
                out.append(Difference(number, name, ca[name][1], cb[name][1]))
    return out


def natural(text: str) -> tuple:
    """Sort key putting ballot 2 before ballot 10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


# -- verification ------------------------------------------------------------------------------

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
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    @property
    def summary(self) -> str:
        return (f"round {self.round}: {self.events} events chained (head {self.head[:16]}…), "
                f"{len(self.stages)} stage{'s' if len(self.stages) != 1 else ''} recounted from "
                f"{self.ballots} stored ballots, {self._other_stages}{self.cuts} cut{'s' if self.cuts != 1 else ''} "
                f"rechecked, {self.files} file{'s' if self.files != 1 else ''} re-hashed: all hold")

    @property
    def _other_stages(self) -> str:
        out = ""
        if self.inspections:
            out += f"{self.inspections} inspection file{'s' if self.inspections != 1 else ''} re-read, "
        if self.notices:
            out += (f"{self.notices} notice{'s' if self.notices != 1 else ''} with {self.complaints} "
                    f"complaint{'s' if self.complaints != 1 else ''} rechecked, ")
        return out


def verify(store: Store, round_id: str | None, files: Path | None = None) -> Report:
    """Check the chain, the stored data against the log, and a full recount.

    Returns the report when everything holds; raises AuditMismatch naming every difference."""
    ids = store.round_ids()
    if round_id is None:
        if len(ids) != 1:
            Selection(store, None, "audit")  # raises the usual NotFound / UsageError
        round_id = ids[0]
    elif round_id not in ids:
        raise NotFound(f"no round {round_id!r} in {store.path} (rounds: {', '.join(ids) or 'none'})")
    report = Report(round_id)
    events = _check_chain(store, round_id, report)
    sel = _check_round(store, round_id, events, report)
    if sel is not None:
        recounts: dict[str, StageCount] = {}
        for stage in sel.round.stages:
            if stage.takes_ballots:
                count = None
                with _unreadable(report, f"stage {stage.id}"):
                    count = _check_stage(sel, stage, events, report)
                if count is not None:
                    recounts[stage.id] = count
            elif stage.kind in ("inspect", "notice"):
                from selector import audit_stages

                check = audit_stages.check_inspect if stage.kind == "inspect" else audit_stages.check_notice
                with _unreadable(report, f"stage {stage.id}"):
                    check(sel, stage, events, report)
        for stage in sel.round.stages:
            with _unreadable(report, f"stage {stage.id}: table cuts"):
                _check_cut(sel, stage, events, recounts.get(stage.id), report)
        if files is not None:
            _check_files(sel, files, report)
    if report.problems:
        raise AuditMismatch(f"audit verify: round {round_id}: {len(report.problems)} "
                            f"difference{'s' if len(report.problems) > 1 else ''} found",
                            report.problems)
    return report


@contextlib.contextmanager
def _unreadable(report: Report, where: str):
    """Stored data edited into something that no longer decodes is a difference, not a crash."""
    try:
        yield
    except (json.JSONDecodeError, UnreadableRows, SelectorError) as e:
        report.add(where, f"stored data no longer reads ({type(e).__name__}: {e}); "
                          "checks of this part stopped here")


def _check_chain(store: Store, round_id: str, report: Report) -> list[dict]:
    """Every event's hash, and its link to the one before; returns the decodable events."""
    prev, out = GENESIS, []
    rows = store.select("events", "round = ?", [round_id], "id")  # as stored: JSON not decoded
    for r in rows:
        where = f"event #{r['id']} ({r['command']}{' ' + r['stage'] if r['stage'] else ''})"
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
    triggers = {r["name"] for r in store.select("sqlite_master", "type = 'trigger'", columns=["name"])}
    for action in ("update", "delete"):
        if f"events_no_{action}" not in triggers:
            report.add("table events", f"the append-only guard (trigger events_no_{action}) was removed")
    return out


def _check_round(store: Store, round_id: str, events: list[dict], report: Report) -> Selection | None:
    where = f"round {round_id}"
    row = store.round_row(round_id)
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
    inits = [e for e in events if e["command"] == "init"]
    if not inits:
        report.add(where, "no init event in the log")
    elif inits[-1]["files"] not in ({row["main"]: sha},  # the first release logged the combined hash
                                   {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()}):
        report.add(f"{where}: table round_files",
                   f"the stored round files do not match the last init event (#{inits[-1]['id']})")
    if any(p.startswith(f"{where}: table round_files") for p in report.problems):
        report.add(where, "the stored round files were changed; nothing was recounted")
        return None
    try:
        return Selection(store, round_id, "audit")
    except (ConfigError, NotFound, KeyError) as e:
        report.add(where, f"the stored round can no longer be read ({e}); nothing was recounted")
        return None


def _events_of(events: list[dict], stage_id: str, *commands: str) -> list[dict]:
    return [e for e in events if e["stage"] == stage_id and e["command"] in commands]


def _rows_digest(store: Store, batch: int) -> str | None:
    """The batch's rows digest, or None when the stored rows no longer decode."""
    try:
        return digest.batch_rows(store, batch)
    except (ValueError, TypeError):  # JSONDecodeError is a ValueError
        return None


def _check_stage(sel: Selection, stage: Stage, events: list[dict], report: Report) -> StageCount | None:
    """The stage's batches, rows and results against the log, then a recount from stored rows."""
    store, rid = sel.store, sel.round.id
    where = f"stage {stage.id}"
    batches = store.batches(rid, stage.id)
    tallies = _events_of(events, stage.id, "tally")
    row = store.stage_row(rid, stage.id)
    logged = [(e, b) for e in tallies for b in e["details"].get("batches", [])]
    if len(logged) != len(batches):
        report.add(f"{where}: table batches", f"{len(batches)} batches stored but the log records "
                                              f"{len(logged)}")
    for (event, entry), batch in zip(logged, batches):
        bwhere = f"{where}: table batches, row {batch['id']} ({batch['file']})"
        sha = entry.get("sha256") or event["files"].get(entry["file"])
        expected = {"file": Path(entry["file"]).name, "sha256": sha, "rows": entry["rows"],
                    "ballots": entry["ballots"], "layout": event["details"].get("layout", "wide")}
        for key, value in expected.items():
            if batch[key] != value:
                report.add(bwhere, f"{key} is {batch[key]!r} but tally event #{event['id']} "
                                   f"recorded {value!r}")
        if "rows_sha256" in entry and _rows_digest(store, batch["id"]) != entry["rows_sha256"]:
            report.add(f"{where}: table rows, batch {batch['id']} ({batch['file']})",
                       f"the stored ballot rows differ from those tally event #{event['id']} recorded")
    certs = _events_of(events, stage.id, "certify")
    _check_certificate(store, row, stage, certs, tallies, report)
    if tallies:
        last = tallies[-1]["details"]
        for key in ("present", "issued"):
            if row[key] != last.get(key):
                report.add(f"{where}: table stages", f"{key} is {row[key]} but the log records "
                                                     f"{last.get(key)}")
        if "results_sha256" in last and digest.results(store, rid, stage.id) != last["results_sha256"]:
            report.add(f"{where}: results", f"the stored results differ from those tally event "
                                            f"#{tallies[-1]['id']} recorded")
    if not batches:
        return None
    # The recount: the same path as a tally, from the stored rows only.
    try:
        paper = sel.paper(stage)
    except RuleError as e:
        report.add(where, f"cannot recount: {e}")
        return None
    counter = Count(stage, sel.round.posts, paper.lists, paper.resolver, sel.roster)
    numbers: dict[str, int] = {}
    for batch in batches:
        try:
            header = json.loads(batch["header"])
            for ballot in interpret(paper, batch["file"], header, store.stored_rows(batch["id"]),
                                    batch["layout"]):
                if ballot.number in numbers:
                    report.add(f"{where}: table rows, batch {batch['id']}",
                               f"ballot {ballot.number} is also in batch {numbers[ballot.number]}")
                    continue
                numbers[ballot.number] = batch["id"]
                counter.add(ballot)
        except (BallotFileError, ValueError, TypeError) as e:  # JSONDecodeError is a ValueError
            report.add(f"{where}: table rows, batch {batch['id']} ({batch['file']})",
                       f"the stored rows no longer read as ballots: {e}")
    count = counter.result
    report.stages.append(stage.id)
    report.ballots += count.returned
    expected = store.snapshot_rows(rid, count)
    stored = digest.snapshot(store, rid, stage.id)
    _compare_table(report, where, "post_results", ("post",), expected["post_results"],
                   stored["post_results"])
    _compare_table(report, where, "results", ("post", "candidate"), expected["results"],
                   stored["results"])
    _compare_table(report, where, "invalid_marks", ("post", "ballot", "text"),
                   expected["invalid_marks"], stored["invalid_marks"])
    if row["void_papers"] != count.void_papers:
        report.add(f"{where}: table stages", f"void_papers is {row['void_papers']}, recount "
                                             f"{count.void_papers}")
    papers = {p["ballot"]: p["batch"] for p in store.papers(rid, stage.id)}
    for ballot in sorted(set(papers) | set(numbers), key=natural):
        if papers.get(ballot) != numbers.get(ballot):
            report.add(f"{where}: table papers, ballot {ballot}",
                       f"batch {papers.get(ballot)} in the database, {numbers.get(ballot)} "
                       "in the stored rows")
    if tallies and tallies[-1]["details"].get("returned") != count.returned:
        report.add(where, f"recount has {count.returned} ballots returned, the log "
                          f"{tallies[-1]['details'].get('returned')}")
    return count


def _compare_table(report: Report, where: str, table: str, key: tuple[str, ...],
                   expected: list[dict], stored: list[dict]) -> None:
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


def _check_certificate(store: Store, row: dict, stage: Stage, certs: list[dict], tallies: list[dict],
                       report: Report) -> None:
    where = f"stage {stage.id}: table stages"
    if not certs:
        if row["certified_at"] or row["certificate"]:
            report.add(where, "marked certified but the log has no certify event")
        return
    cert = certs[-1]
    if row["certified_at"] != cert["at"] or row["certificate"] != canonical(cert["details"]):
        report.add(where, f"the certificate differs from certify event #{cert['id']}")
    late = [e for e in tallies if e["id"] > cert["id"]]
    if late:
        report.add(f"stage {stage.id}", f"tally event #{late[0]['id']} came after certification "
                                        f"(event #{cert['id']})")
    signed = cert["details"].get("results_sha256")
    if signed and digest.results(store, row["round"], stage.id) != signed:
        report.add(f"stage {stage.id}: results", f"the results differ from those certified in "
                                                 f"event #{cert['id']}")


def _check_cut(sel: Selection, stage: Stage, events: list[dict], recount: StageCount | None,
               report: Report) -> None:
    store, rid = sel.store, sel.round.id
    where = f"stage {stage.id}: table cuts"
    stored = store.locked_cut(rid, stage.id)
    # A notice stage's list is locked by `notice close`, every other stage's by `cut`.
    cut_events = [e for e in _events_of(events, stage.id, "cut", "notice close") if "posts" in e["details"]]
    row = store.stage_row(rid, stage.id)
    if stored is None:
        if cut_events:
            report.add(where, f"the cut of event #{cut_events[-1]['id']} is missing")
        if stage.takes_ballots and row["locked_at"]:
            report.add(f"stage {stage.id}: table stages", "locked but no cut is stored")
        return
    report.cuts += 1
    if not row["locked_at"]:
        report.add(f"stage {stage.id}: table stages", "has a stored cut but is not locked")
    if not cut_events:
        report.add(where, "a cut is stored but the log has no cut event")
        return
    event = cut_events[-1]
    logged = event["details"]["posts"]
    for post in sorted(set(stored) | set(logged)):
        s, e = stored.get(post), logged.get(post)
        name = f"{where}, row {post}"
        if s is None or e is None:
            report.add(name, f"{'missing from the database' if s is None else 'not in'} "
                             f"cut event #{event['id']}")
            continue
        want = {"status": e["status"], "advanced": e["advanced"], "decision": e.get("decision"),
                "chosen": e.get("chosen", [])}
        if s["decision"] in ("resolved", "accepted-short"):
            want["reason"] = event["details"].get("reason")
        for col, value in want.items():
            if s[col] != value:
                report.add(name, f"{col} is {s[col]!r} in the database, {value!r} in cut event "
                                 f"#{event['id']}")
    if recount is None or not stage.takes_ballots:
        return
    # Make the cut again from the recount, with the decisions the log recorded.
    details = event["details"]
    resolve = {p: tuple(ids) for p, ids in details.get("resolve", {}).items()}
    try:
        if stage.cut is None:
            lists = sel.lists(stage)
            again = {p.id: ("ok", list(lists[p.id])) for p in sel.round.posts}
        else:
            again = {c.post: (c.status, list(c.advanced))
                     for c in sel.cuts(stage, resolve, details.get("accept_short", []), count=recount)}
    except RuleError as e:
        report.add(where, f"the cut cannot be made again from the recount: {e}")
        return
    for post, (status, advanced) in again.items():
        s = stored.get(post)
        if s is not None and (s["status"], s["advanced"]) != (status, advanced):
            report.add(f"{where}, row {post}", f"stored {s['status']} {s['advanced']}, but the "
                                               f"recount gives {status} {advanced}")


def find_original(found: dict[str, list[Path]], folder: Path, file: str, sha: str, verb: str,
                  name: str, report: Report) -> Path | None:
    """The file under `folder` named `file` whose SHA-256 is `sha`; a difference if none is."""
    paths = found.get(file, [])
    if not paths:
        report.add(name, f"not found under {folder}")
        return None
    hashes = {p: _sha256(p) for p in paths}
    report.files += 1
    original = next((p for p, h in hashes.items() if h == sha), None)
    if original is None:
        shown = ", ".join(f"{p} {h[:12]}…" for p, h in hashes.items())
        report.add(name, f"changed since it was {verb}: sha256 {shown}, {verb} {sha[:12]}…")
    return original


def _check_files(sel: Selection, folder: Path, report: Report) -> None:
    if not folder.is_dir():
        raise UsageError(f"--files {folder}: not a folder")
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found.setdefault(path.name, []).append(path)
    for stage in sel.round.stages:
        for batch in sel.store.batches(sel.round.id, stage.id):
            original = find_original(found, folder, batch["file"], batch["sha256"], "tallied",
                                     f"stage {stage.id}: file {batch['file']} (batch {batch['id']})",
                                     report)
            if original is None:
                continue
            with _unreadable(report, f"stage {stage.id}: table rows, batch {batch['id']}"):
                _check_rows(sel.store, stage, batch, original, report)
    from selector import audit_stages

    with _unreadable(report, "table inspection_files"):
        audit_stages.check_inspection_files(sel, found, folder, report)
    for r in sel.store.round_file_rows(sel.round.id):
        for path in found.get(r["name"], []):
            report.files += 1
            if _sha256(path) != r["sha256"]:
                report.add(f"round {sel.round.id}: file {path}",
                           "differs from the round file stored at init")


def _check_rows(store: Store, stage: Stage, batch: dict, path: Path, report: Report) -> None:
    """The stored header and rows against the original file, row by row."""
    where = f"stage {stage.id}: table rows, batch {batch['id']} ({batch['file']})"
    encoding = None if batch["encoding"] == "xlsx" else batch["encoding"]
    _compare_rows(report, where, batch["header"], iter(store.stored_rows(batch["id"])), path, encoding,
                  batch["sheet"], f"stage {stage.id}: table batches, row {batch['id']} ({batch['file']})")


def _compare_rows(report: Report, where: str, header: str, stored: Iterator[tuple[int, list[str]]],
                  path: Path, encoding: str | None, sheet: str | None, header_where: str | None = None) -> None:
    """A stored header (JSON) and raw rows against the original file, row by row."""
    try:
        table = open_table(path, encoding=encoding, sheet=sheet)
    except BallotFileError as e:
        report.add(where, f"the original file no longer reads: {e}")
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


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

