"""`audit verify` for an inspection: its files against their `inspect` events, findings and
民主测评 re-read from the stored raw rows through the same readers `inspect` uses, and the
inspect cut made again from them with the recorded decisions. Every difference is added to
the report as `stage X: table T, row R: what differs`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from selector.domain.counting import Resolver
from selector.domain.inspection import (
    Finding, Settlement, grade_counts, logged_decisions, missing_checks, open_concerns, pending_checks,
)
from selector.domain.model import Stage
from selector.errors import BallotFileError, RuleError
from selector.readers.findings import kind_of, read_evaluation, read_findings
from selector.i18n import N_
from selector.service.recheck import At, Report, compare_rows, compare_table, find_original, unreadable
from selector.storage import events
from selector.storage.store import Store

if TYPE_CHECKING:
    from selector.service.stages.inspect import InspectStage

# The stored columns a re-read file must give again, table by table (key columns first).
INSPECT_TABLES = (
    ("findings", ("candidate", "check_name"), ("verdict", "note", "file", "line")),
    ("evaluation_papers", ("ballot",), ("file", "void")),
    ("evaluation_grades", ("ballot", "candidate"), ("grade", "unclear")),
)


def recheck(handler: "InspectStage", log: list[dict], report: Report) -> None:
    """Inspection files against their `inspect` events, findings and 民主测评 re-read from the
    stored raw rows, and the inspect cut made again from them with the recorded decisions."""
    stage, store, rid = handler.stage, handler.store, handler.round.id
    where = At("stage {stage}", stage=stage.id)
    files = store.inspection_files(rid, stage.id, withdrawn=True)  # withdrawn ones too: the log has them
    logged = events.inspected_files(events.of(log, stage.id, "inspect"))
    if len(logged) != len(files):
        report.add(At("stage {stage}: table {table}", stage=stage.id, table="inspection_files"),
                   N_("{stored} files stored but the log records {logged}"), stored=len(files), logged=len(logged))
    entries = {f["id"]: pair for f, pair in zip(files, logged)}
    for f in files:
        if f["id"] not in entries:
            continue
        event, entry = entries[f["id"]]
        name = Path(entry["file"]).name
        expected = {"file": name, "kind": entry.get("kind"), "sha256": event["files"].get(name),
                    "encoding": entry.get("encoding"),
                    # entries with `sheet` were written with the file's event id; before, none
                    "event": event["id"] if "sheet" in entry else None}
        if "sheet" in entry:
            expected["sheet"] = entry["sheet"]
        for key in ("unit", "expected", "present"):  # a 民主测评 recorded with its unit (m010)
            expected[key] = entry.get(key)
        for col, value in expected.items():
            if f[col] != value:
                report.add(_file_row(stage, f), N_("{column} is {value!r} but inspect event #{event} recorded "
                                                   "{recorded!r}"), column=col, value=f[col], event=event["id"],
                           recorded=value)
        report.times.check(report, _file_row(stage, f), "at", f["at"], event)
        if "rows_sha256" in entry and store.inspection_rows_digest(f["id"]) != entry["rows_sha256"]:
            report.add(_file_row(stage, f), N_("the stored raw rows differ from those inspect event #{event} recorded"),
                       event=event["id"])
    corrections = events.of(log, stage.id, "withdraw file", "withdraw finding")
    settle_events = events.of(log, stage.id, "settle concern")
    _check_withdrawn_files(handler, files, corrections, report)
    if not files and store.locked_cut(rid, stage.id) is None:
        return
    try:
        lists = handler.open.lists(stage)
        ranks = handler.rankings(lists)
    except RuleError as e:
        if any(f["withdrawn"] is None for f in files) or store.locked_cut(rid, stage.id) is not None:
            report.add(where, N_("cannot re-read the inspection: {error}"), error=e)
            return
        # Every file withdrawn, and the list it was read against re-opened: the files are
        # re-read for what they said (withdrawn files are not held to the list).
        lists, ranks = {p.id: () for p in handler.round.posts}, {}
    want, cells = _reread(handler, files, entries, corrections, lists, ranks, report, settle_events)
    report.inspections += len(files)
    for table, key, columns in INSPECT_TABLES:
        stored = store.select(table, "round = ? AND stage = ?", [rid, stage.id], columns=(*key, *columns))
        compare_table(report, stage.id, table, key,
                       [{c: r[c] for c in (*key, *columns)} for r in want[table]], stored)
    _check_inspect_cut(handler, log, lists, ranks, want["findings"], cells, report)


def _file_row(stage: Stage, f: dict) -> At:
    return At("stage {stage}: table {table}, row {row} ({file})", stage=stage.id, table="inspection_files",
              row=f["id"], file=f["file"])


def _reread(handler: "InspectStage", files: list[dict], entries: dict, corrections: list[dict], lists,
            ranks, report: Report, settlements: list[dict] = ()) -> tuple[dict[str, list[dict]], list[tuple]]:
    """Each stored file read again as `inspect` read it, in order: each file sees the findings
    and grades of the files before it (who may be inspected depends on them), and the
    corrections recorded before it (findings replaced, files and findings withdrawn).

    Returns the rows the tables should hold, and the graded cells for `grade_counts`."""
    stage, rid = handler.stage, handler.round.id
    resolver = Resolver(handler.round.candidates)
    everyone = {c.id for c in handler.round.candidates}
    want: dict[str, list[dict]] = {table: [] for table, _, _ in INSPECT_TABLES}
    numbers: dict[str, tuple[int, str]] = {}  # 民主测评 paper number -> (file id, name)
    pending = list(corrections)
    replacing: set[int] = set()  # inspect events whose replaced findings were taken out
    for f in files:
        fwhere = _file_row(stage, f)
        event = entries[f["id"]][0] if f["id"] in entries else None
        while pending and event is not None and pending[0]["id"] < event["id"]:
            _undo(stage, pending.pop(0), want, numbers, report)
        if event is not None and event["id"] not in replacing:
            replacing.add(event["id"])
            if event["details"].get("undid"):
                _undo(stage, event, want, numbers, report)
        found = _findings_of(want["findings"])
        settled = {e["details"]["candidate"]: Settlement(e["details"]["decision"], e["details"]["reason"],
                                                         tuple(e["details"]["concerns"]))
                   for e in settlements if event is not None and e["id"] < event["id"]}
        _, cuts = handler.judge(lists, ranks, found, grade_counts(_cells(want)), settled=settled)
        # A withdrawn file was read when it was recorded (its rows are proved by their digest);
        # the lists it was read against may since have been corrected.
        allowed = {cid for c in cuts for cid in c.open_to} if f["withdrawn"] is None else everyone
        try:
            header, rows = json.loads(f["header"]), json.loads(f["rows"])
            kind = kind_of(f["file"], header, rows)
            if kind != f["kind"]:
                report.add(fwhere, N_("kind is {value!r} but its header reads as {kind!r}"), value=f["kind"], kind=kind)
            if kind == "findings":
                items = read_findings(f["file"], header, rows, resolver=resolver, allowed=allowed,
                                      checks=stage.checks)
                concluded = []
                for item in items:
                    earlier = found.get(item.candidate, {}).get(item.check)
                    if earlier is not None and earlier.verdict == "pending" and item.verdict != "pending":
                        # a conclusion takes the place of the check 核查中 (as `inspect` records it)
                        gone = next(r for r in want["findings"] if (r["candidate"], r["check_name"]) ==
                                    (item.candidate, item.check))
                        concluded.append(events.finding_record(gone))
                        want["findings"] = [r for r in want["findings"] if r is not gone]
                        found[item.candidate][item.check] = item
                    elif earlier is not None:
                        report.add(fwhere, N_("row {line}: a second {check} finding for {candidate} (first: {first}); "
                                              "inspect refuses it"), line=item.line, check=item.check,
                                   candidate=item.candidate, first=earlier.source)
                    else:
                        found.setdefault(item.candidate, {})[item.check] = item
                want["findings"] += Store.finding_rows(rid, stage.id, f["id"], items)
                summary = events.findings_summary(items)
                if concluded:
                    summary["concluded"] = concluded
            else:
                if stage.evaluation is None:
                    report.add(fwhere, N_("an evaluation file, but the stage has no evaluation (民主测评)"))
                    continue
                candidates, papers = read_evaluation(f["file"], header, rows, resolver=resolver,
                                                     allowed=allowed, evaluation=stage.evaluation)
                for p in papers:
                    if p.number in numbers:
                        report.add(fwhere, N_("ballot {ballot} is also in {other}"), ballot=p.number,
                                   other=numbers[p.number][1])
                    numbers.setdefault(p.number, (f["id"], f["file"]))
                paper_rows, grade_rows = Store.evaluation_rows(rid, stage.id, f["id"], papers)
                want["evaluation_papers"] += paper_rows
                want["evaluation_grades"] += grade_rows
                summary = {"ballots": len(papers), "void": sum(1 for p in papers if p.void),
                           "candidates": candidates}
        except (BallotFileError, json.JSONDecodeError, TypeError) as e:
            report.add(fwhere, N_("the stored raw rows no longer read as inspect read them: {error}"),
                       error=e if isinstance(e, BallotFileError) else str(e))
            continue
        if f["id"] in entries:
            event, entry = entries[f["id"]]
            for key, value in summary.items():
                if key in entry and entry[key] != value:
                    report.add(fwhere, N_("re-read gives {key} {value!r}, inspect event #{event} recorded "
                                          "{recorded!r}"),
                               key=key, value=value, event=event["id"], recorded=entry[key])
    for correction in pending:
        _undo(stage, correction, want, numbers, report)
    return want, _cells(want)


def _cells(want: dict[str, list[dict]]) -> list[tuple]:
    """The graded cells `grade_counts` takes, from the 民主测评 rows that stand."""
    void = {p["ballot"]: p["void"] for p in want["evaluation_papers"]}
    return [(g["candidate"], g["grade"], g["unclear"], void[g["ballot"]]) for g in want["evaluation_grades"]]


def _undo(stage: Stage, event: dict, want: dict[str, list[dict]], numbers: dict, report: Report) -> None:
    """Replay a correction on the re-read rows: the findings it replaced or withdrew, or a whole
    file withdrawn; each against what the event says it undid."""
    undid = event["details"].get("undid") or {}
    where = At("stage {stage}", stage=stage.id)
    report.corrections += 1
    if event["command"] == "withdraw file":
        file_id = undid.get("file_id")
        gone = [r for r in want["findings"] if r["file"] == file_id]
        papers = {r["ballot"] for r in want["evaluation_papers"] if r["file"] == file_id}
        want["findings"] = [r for r in want["findings"] if r["file"] != file_id]
        want["evaluation_papers"] = [r for r in want["evaluation_papers"] if r["file"] != file_id]
        want["evaluation_grades"] = [r for r in want["evaluation_grades"] if r["ballot"] not in papers]
        for number in [n for n, (fid, _) in numbers.items() if fid == file_id]:
            del numbers[number]
        if [events.finding_record(r) for r in gone] != undid.get("findings") or len(papers) != undid.get("ballots"):
            report.add(where, N_("withdraw file event #{event} does not record what the file still said (re-read: "
                                 "{findings} findings, {ballots} 民主测评 ballots)"), event=event["id"],
                       findings=len(gone), ballots=len(papers))
        return
    for finding in undid.get("findings") or ():
        match = [r for r in want["findings"]
                 if r["candidate"] == finding.get("candidate") and r["check_name"] == finding.get("check")]
        if not match or events.finding_record(match[0]) != finding:
            report.add(where, N_("{command} event #{event} undid a {check} finding for {candidate} that the re-read "
                                 "files do not hold as recorded"), command=event["command"], event=event["id"],
                       check=finding.get("check"), candidate=finding.get("candidate"))
        want["findings"] = [r for r in want["findings"] if not match or r is not match[0]]


def _check_withdrawn_files(handler: "InspectStage", files: list[dict], corrections: list[dict],
                           report: Report) -> None:
    """Each withdrawn file against the event that withdrew it: still stored, its rows unchanged."""
    stage, store = handler.stage, handler.store
    by_id = {f["id"]: f for f in files}
    seen: set[int] = set()
    for event in corrections:
        if event["command"] != "withdraw file":
            continue
        undid = event["details"].get("undid") or {}
        f = by_id.get(undid.get("file_id"))
        if f is None:
            report.add(At("stage {stage}: table {table}, row {row}", stage=stage.id, table="inspection_files",
                          row=undid.get("file_id")),
                       N_("missing from the database (withdraw file event #{event} withdrew it)"), event=event["id"])
            continue
        seen.add(f["id"])
        if f["withdrawn"] != event["id"]:
            report.add(_file_row(stage, f), N_("withdrawn is {value!r} but withdraw file event #{event} withdrew it"),
                       value=f["withdrawn"], event=event["id"])
        if f["sha256"] != undid.get("sha256") or store.inspection_rows_digest(f["id"]) != undid.get("rows_sha256"):
            report.add(_file_row(stage, f), N_("the withdrawn file's stored raw rows differ from those withdraw file "
                                               "event #{event} recorded"), event=event["id"])
    for f in files:
        if f["withdrawn"] is not None and f["id"] not in seen:
            report.add(_file_row(stage, f), N_("marked withdrawn but the log has no withdraw file event for it"))


def _findings_of(rows: list[dict]) -> dict[str, dict[str, Finding]]:
    """candidate -> check -> finding, the first one kept (as `inspect` refuses a second)."""
    out: dict[str, dict[str, Finding]] = {}
    for r in rows:
        out.setdefault(r["candidate"], {}).setdefault(
            r["check_name"], Finding(r["candidate"], r["check_name"], r["verdict"], r["note"], "", r["line"]))
    return out


def _check_inspect_cut(handler: "InspectStage", log: list[dict], lists, ranks, finding_rows: list[dict],
                       cells: list[tuple], report: Report) -> None:
    stage, store, rid = handler.stage, handler.store, handler.round.id
    where = At("stage {stage}: table {table}", stage=stage.id, table="cuts")
    stored = store.locked_cut(rid, stage.id)
    cut_events = [e for e in events.of(log, stage.id, "cut") if "posts" in e["details"]]
    if stored is None or not cut_events:
        return  # `audit.verify` reports a cut without its event, or the reverse
    event = cut_events[-1]
    details = event["details"]
    try:
        vetting, cuts = handler.judge(lists, ranks, _findings_of(finding_rows), grade_counts(cells),
                                      logged_decisions(stage, details), _settlements(handler, log, report))
    except RuleError as e:
        report.add(where, N_("the cut cannot be made again from the re-read findings: {error}"), error=e)
        return
    for cid, what in missing_checks(cuts, vetting).items():
        report.add(where, N_("could not have been locked: the re-read findings leave {candidate} missing {checks}"),
                   candidate=cid, checks=", ".join(what))
    for cid, what in {**pending_checks(cuts, vetting), **open_concerns(cuts, vetting)}.items():
        report.add(where, N_("could not have been locked: the re-read findings leave {candidate} with {checks} "
                             "pending or of concern"), candidate=cid, checks=", ".join(what))
    for c in cuts:
        name = At("stage {stage}: table {table}, row {row}", stage=stage.id, table="cuts", row=c.post)
        s, logged = stored.get(c.post), details["posts"].get(c.post)
        if c.held:
            report.add(name, N_("could not have been locked: the re-read findings leave it {status}"), status=c.status)
        if s is not None:
            again = {"status": c.status, "advanced": list(c.advanced), "decision": c.decision,
                     "chosen": list(c.chosen)}
            if stage.backfill and "backfill" not in details and logged is not None:
                # an older release backfilled by itself: its rows name only a tie's resolution
                again["decision"], again["chosen"] = logged.get("decision"), logged.get("chosen", [])
            for col, value in again.items():
                if s[col] != value:
                    report.add(name, N_("{column} is {value!r} in the database, {found!r} from the re-read findings"),
                               column=col, value=s[col], found=value)
        if logged is not None:
            for key in ("struck", "backfilled"):
                if logged.get(key) != list(getattr(c, key)):
                    report.add(name, N_("cut event #{event} recorded {key} {recorded}, the re-read findings give "
                                        "{found}"), event=event["id"], key=key, recorded=logged.get(key),
                               found=list(getattr(c, key)))
    struck = events.struck(vetting, cuts)
    if "struck" in details and details["struck"] != struck:
        report.add(where, N_("cut event #{event} recorded struck {recorded}, the re-read findings give {found}"),
                   event=event["id"], recorded=details["struck"], found=struck)


def _settlements(handler: "InspectStage", log: list[dict], report: Report) -> dict[str, Settlement]:
    """The decisions on concerns, from their events, checked against the `settlements` table."""
    stage, rid = handler.stage, handler.round.id
    logged = events.of(log, stage.id, "settle concern")
    want = [{"candidate": e["details"]["candidate"], "decision": e["details"]["decision"],
             "reason": e["details"]["reason"], "concerns": json.dumps(e["details"]["concerns"], ensure_ascii=False),
             "event": e["id"]} for e in logged]
    stored = handler.store.select("settlements", "round = ? AND stage = ?", [rid, stage.id], "rowid",
                                  columns=("candidate", "decision", "reason", "concerns", "event"))
    compare_table(report, stage.id, "settlements", ("event",), want, stored)
    return {w["candidate"]: Settlement(w["decision"], w["reason"], tuple(json.loads(w["concerns"]))) for w in want}


def recheck_files(handler: "InspectStage", found: dict[str, list[Path]], folder: Path, report: Report) -> None:
    """Each inspection file found by name under the folder: re-hashed, then re-read line by line."""
    stage = handler.stage
    with unreadable(report, At("table {table}", table="inspection_files")):
        for f in handler.store.inspection_files(handler.round.id, stage.id):
            original = find_original(found, folder, f["file"], f["sha256"],
                                     N_("changed since it was recorded: sha256 {found}, recorded {sha}…"),
                                     At("stage {stage}: file {file} ({table} row {row})", stage=stage.id,
                                        file=f["file"], table="inspection_files", row=f["id"]), report)
            if original is None:
                continue
            rows = [(line, cells) for line, cells in json.loads(f["rows"])]
            compare_rows(report, _file_row(stage, f),
                         N_("stage {stage}: table {table}, row {row} ({file}), row {line}"),
                         f["header"], iter(rows), original, None if f["encoding"] == "xlsx" else f["encoding"],
                         f["sheet"])
