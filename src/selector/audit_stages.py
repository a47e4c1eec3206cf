"""`audit verify` for the stages without ballots: inspection (考察) and public notice (任前公示).

Like the ballot-stage checks in `audit`, each stage is checked twice: its stored rows against
the events that wrote them, and its results made again from the stored raw rows with the
stored rules, through the same code the commands use (`findings.read_*` → `stages.judge` for
an inspection; `domain.notice.appointees` → `stages.notice_cuts` for a notice). Every
difference is added to the report as `stage X: table T, row R: what differs`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from selector import stages, workdays
from selector.audit import Report, _compare_rows, _compare_table, _events_of, find_original, natural
from selector.domain.counting import Resolver
from selector.domain.inspection import Finding, missing_checks
from selector.domain.model import Stage
from selector.domain.notice import close_problems, end_date
from selector.errors import BallotFileError, RuleError
from selector.readers.findings import kind_of, read_evaluation, read_findings
from selector.storage import digest, records

# The stored columns a re-read file must give again, table by table (key columns first).
INSPECT_TABLES = (
    ("findings", ("candidate", "check_name"), ("verdict", "note", "file", "line")),
    ("evaluation_papers", ("ballot",), ("file", "void")),
    ("evaluation_grades", ("ballot", "candidate"), ("grade", "unclear")),
)


# -- inspection ------------------------------------------------------------------------------
def check_inspect(sel, stage: Stage, events: list[dict], report: Report) -> None:
    """Inspection files against their `inspect` events, findings and 民主测评 re-read from the
    stored raw rows, and the inspect cut made again from them with the recorded decisions."""
    store, rid = sel.store, sel.round.id
    where = f"stage {stage.id}"
    files = records.inspection_files(store, rid, stage.id)
    logged = [(e, entry) for e in _events_of(events, stage.id, "inspect")
              for entry in e["details"].get("files", [])]
    if len(logged) != len(files):
        report.add(f"{where}: table inspection_files", f"{len(files)} files stored but the log "
                                                       f"records {len(logged)}")
    entries = {f["id"]: pair for f, pair in zip(files, logged)}
    for f in files:
        if f["id"] not in entries:
            continue
        event, entry = entries[f["id"]]
        name = Path(entry["file"]).name
        expected = {"file": name, "kind": entry.get("kind"), "sha256": event["files"].get(name),
                    "encoding": entry.get("encoding")}
        for col, value in expected.items():
            if f[col] != value:
                report.add(_file_row(stage, f), f"{col} is {f[col]!r} but inspect event "
                                                f"#{event['id']} recorded {value!r}")
        if "rows_sha256" in entry and digest.inspection_rows(store, f["id"]) != entry["rows_sha256"]:
            report.add(_file_row(stage, f), f"the stored raw rows differ from those inspect event "
                                            f"#{event['id']} recorded")
    if not files and store.locked_cut(rid, stage.id) is None:
        return
    try:
        lists = sel.lists(stage)
        ranks = stages.rankings(sel, stage, lists)
    except RuleError as e:
        report.add(where, f"cannot re-read the inspection: {e}")
        return
    want, cells = _reread(sel, stage, files, entries, lists, ranks, report)
    report.inspections += len(files)
    for table, key, columns in INSPECT_TABLES:
        stored = store.select(table, "round = ? AND stage = ?", [rid, stage.id], columns=(*key, *columns))
        _compare_table(report, where, table, key,
                       [{c: r[c] for c in (*key, *columns)} for r in want[table]], stored)
    _check_inspect_cut(sel, stage, events, lists, ranks, want["findings"], cells, report)


def _file_row(stage: Stage, f: dict) -> str:
    return f"stage {stage.id}: table inspection_files, row {f['id']} ({f['file']})"


def _reread(sel, stage: Stage, files: list[dict], entries: dict, lists, ranks,
            report: Report) -> tuple[dict[str, list[dict]], list[tuple]]:
    """Each stored file read again as `inspect` read it, in order: each file sees the findings
    and grades of the files before it (who may be inspected depends on them).

    Returns the rows the tables should hold, and the graded cells for `records.grade_counts`."""
    rid = sel.round.id
    resolver = Resolver(sel.round.candidates)
    want: dict[str, list[dict]] = {table: [] for table, _, _ in INSPECT_TABLES}
    found: dict[str, dict[str, Finding]] = {}
    cells: list[tuple] = []
    numbers: dict[str, str] = {}
    for f in files:
        fwhere = _file_row(stage, f)
        _, cuts = stages.judge(sel, stage, lists, ranks, _findings_of(want["findings"]),
                               records.grade_counts(cells))
        allowed = {cid for c in cuts for cid in c.open_to}
        try:
            header, rows = json.loads(f["header"]), json.loads(f["rows"])
            kind = kind_of(f["file"], header)
            if kind != f["kind"]:
                report.add(fwhere, f"kind is {f['kind']!r} but its header reads as {kind!r}")
            if kind == "findings":
                items = read_findings(f["file"], header, rows, resolver=resolver, allowed=allowed,
                                      checks=stage.checks)
                for item in items:
                    earlier = found.get(item.candidate, {}).get(item.check)
                    if earlier is not None:
                        report.add(fwhere, f"row {item.line}: a second {item.check} finding for "
                                           f"{item.candidate} (first: {earlier.source}); inspect refuses it")
                    else:
                        found.setdefault(item.candidate, {})[item.check] = item
                want["findings"] += records.finding_rows(rid, stage.id, f["id"], items)
                summary = {"findings": len(items),
                           "vetoes": [f"{i.candidate} {i.check}" for i in items if i.verdict == "veto"],
                           "concerns": [f"{i.candidate} {i.check}" for i in items if i.verdict == "concern"]}
            else:
                if stage.evaluation is None:
                    report.add(fwhere, "an evaluation file, but the stage has no evaluation (民主测评)")
                    continue
                candidates, papers = read_evaluation(f["file"], header, rows, resolver=resolver,
                                                     allowed=allowed, evaluation=stage.evaluation)
                for p in papers:
                    if p.number in numbers:
                        report.add(fwhere, f"ballot {p.number} is also in {numbers[p.number]}")
                    numbers.setdefault(p.number, f["file"])
                paper_rows, grade_rows = records.evaluation_rows(rid, stage.id, f["id"], papers)
                void = {p.number: p.void for p in papers}
                cells += [(g["candidate"], g["grade"], g["unclear"], void[g["ballot"]]) for g in grade_rows]
                want["evaluation_papers"] += paper_rows
                want["evaluation_grades"] += grade_rows
                summary = {"ballots": len(papers), "void": sum(1 for p in papers if p.void),
                           "candidates": candidates}
        except (BallotFileError, json.JSONDecodeError, TypeError) as e:
            report.add(fwhere, f"the stored raw rows no longer read as inspect read them: {e}")
            continue
        if f["id"] in entries:
            event, entry = entries[f["id"]]
            for key, value in summary.items():
                if key in entry and entry[key] != value:
                    report.add(fwhere, f"re-read gives {key} {value!r}, inspect event #{event['id']} "
                                       f"recorded {entry[key]!r}")
    return want, cells


def _findings_of(rows: list[dict]) -> dict[str, dict[str, Finding]]:
    """candidate -> check -> finding, the first one kept (as `inspect` refuses a second)."""
    out: dict[str, dict[str, Finding]] = {}
    for r in rows:
        out.setdefault(r["candidate"], {}).setdefault(
            r["check_name"], Finding(r["candidate"], r["check_name"], r["verdict"], r["note"], "", r["line"]))
    return out


def _check_inspect_cut(sel, stage: Stage, events: list[dict], lists, ranks, finding_rows: list[dict],
                       cells: list[tuple], report: Report) -> None:
    store, rid = sel.store, sel.round.id
    where = f"stage {stage.id}: table cuts"
    stored = store.locked_cut(rid, stage.id)
    cut_events = [e for e in _events_of(events, stage.id, "cut") if "posts" in e["details"]]
    if stored is None or not cut_events:
        return  # `audit._check_cut` reports a cut without its event, or the reverse
    event = cut_events[-1]
    details = event["details"]
    resolve = {p: tuple(ids) for p, ids in details.get("resolve", {}).items()}
    try:
        vetting, cuts = stages.judge(sel, stage, lists, ranks, _findings_of(finding_rows),
                                     records.grade_counts(cells), resolve, details.get("accept_short", []))
    except RuleError as e:
        report.add(where, f"the cut cannot be made again from the re-read findings: {e}")
        return
    for cid, what in missing_checks(cuts, vetting).items():
        report.add(where, f"could not have been locked: the re-read findings leave {cid} missing "
                          f"{', '.join(what)}")
    for c in cuts:
        name = f"{where}, row {c.post}"
        s, logged = stored.get(c.post), details["posts"].get(c.post)
        if c.held:
            report.add(name, f"could not have been locked: the re-read findings leave it {c.status}")
        if s is not None:
            again = {"status": c.status, "advanced": list(c.advanced), "decision": c.decision,
                     "chosen": list(c.chosen)}
            for col, value in again.items():
                if s[col] != value:
                    report.add(name, f"{col} is {s[col]!r} in the database, {value!r} from the "
                                     "re-read findings")
        if logged is not None:
            for key in ("struck", "backfilled"):
                if logged.get(key) != list(getattr(c, key)):
                    report.add(name, f"cut event #{event['id']} recorded {key} {logged.get(key)}, "
                                     f"the re-read findings give {list(getattr(c, key))}")
    struck = stages.struck_record(vetting, cuts)
    if "struck" in details and details["struck"] != struck:
        report.add(where, f"cut event #{event['id']} recorded struck {details['struck']}, "
                          f"the re-read findings give {struck}")


# -- notice --------------------------------------------------------------------------------
COMPLAINT_COLUMNS = ("received", "candidate", "summary", "named", "outcome", "note", "until")


def check_notice(sel, stage: Stage, events: list[dict], report: Report) -> None:
    """The notice and its complaints against their events, and the confirmed list made again
    from the complaints' outcomes."""
    store, rid = sel.store, sel.round.id
    where = f"stage {stage.id}"
    row = records.notice(store, rid, stage.id)
    opens = _events_of(events, stage.id, "notice open")
    if row is None:
        if opens:
            report.add(f"{where}: table notices", f"the notice of event #{opens[-1]['id']} is missing")
    else:
        report.notices += 1
        _check_notice_row(sel, stage, row, opens, report)
    complaints = store.select("complaints", "round = ? AND stage = ?", [rid, stage.id], "number")
    report.complaints += len(complaints)
    logged = {e["details"].get("number"): e for e in _events_of(events, stage.id, "complaint")}
    resolved = {e["details"].get("number"): e for e in _events_of(events, stage.id, "complaint resolved")}
    stored = {r["number"]: r for r in complaints}
    for number in sorted(set(stored) | set(logged) | set(resolved), key=lambda n: natural(str(n))):
        name = f"{where}: table complaints, row {number}"
        r, opened, closed = stored.get(number), logged.get(number), resolved.get(number)
        if r is None:
            event = opened or closed
            report.add(name, f"missing from the database ({event['command']} event #{event['id']} "
                             "recorded it)")
            continue
        if opened is None:
            report.add(name, "in the database but the log has no complaint event for it")
            continue
        d = opened["details"]
        want = {"received": (d.get("received"), opened), "candidate": (d.get("candidate"), opened),
                "summary": (d.get("summary"), opened), "named": (int(bool(d.get("named"))), opened)}
        c = closed["details"] if closed else {}
        for col in ("outcome", "note", "until"):
            want[col] = (c.get(col), closed)
        for col in COMPLAINT_COLUMNS:
            value, event = want[col]
            if r[col] != value:
                said = (f"{event['command']} event #{event['id']} recorded {value!r}" if event
                        else "the log has no complaint resolved event for it")
                report.add(name, f"{col} is {r[col]!r} in the database, {said}")
    if row is not None:
        try:
            lists = {p: list(ids) for p, ids in sel.lists(stage).items()}
        except RuleError as e:
            report.add(where, f"cannot recheck the notice's list: {e}")
            return
        _check_notice_list(stage, lists, opens, report)
        _check_notice_cut(sel, stage, events, row, report)


def _check_notice_row(sel, stage: Stage, row: dict, opens: list[dict], report: Report) -> None:
    where = f"stage {stage.id}: table notices, row {stage.id}"
    if not opens:
        report.add(where, "a notice is stored but the log has no notice open event")
        return
    event = opens[-1]
    d = event["details"]
    for col in ("start", "end", "working_days", "calendar", "warning"):
        if row[col] != d.get(col):
            report.add(where, f"{col} is {row[col]!r} in the database, {d.get(col)!r} in notice open "
                              f"event #{event['id']}")
    if row["working_days"] != stage.working_days:
        report.add(where, f"working_days is {row['working_days']!r}, the round file says "
                          f"{stage.working_days}")
    # The end date again from the start, with the stored rule and the same calendar (a newer
    # calendar may know holidays the recorded one did not: then the dates are not recomputed).
    if row["calendar"] == workdays.source():
        start = date.fromisoformat(d.get("start") or row["start"])
        end, _ = end_date(start, stage.working_days, workdays.is_workday)
        if row["end"] != end.isoformat():
            report.add(where, f"end is {row['end']!r} in the database, but {stage.working_days} working "
                              f"days from {start.isoformat()} end on {end.isoformat()}")


def _check_notice_list(stage: Stage, lists: dict[str, list[str]], opens: list[dict], report: Report) -> None:
    if opens and "candidates" in opens[-1]["details"] and opens[-1]["details"]["candidates"] != lists:
        report.add(f"stage {stage.id}: table notices, row {stage.id}",
                   f"notice open event #{opens[-1]['id']} gave notice of {opens[-1]['details']['candidates']}, "
                   f"but the list locked before it is {lists}")


def _check_notice_cut(sel, stage: Stage, events: list[dict], row: dict, report: Report) -> None:
    where = f"stage {stage.id}: table cuts"
    stored = sel.store.locked_cut(sel.round.id, stage.id)
    closes = [e for e in _events_of(events, stage.id, "notice close") if "posts" in e["details"]]
    if stored is None or not closes:
        return  # `audit._check_cut` reports a cut without its event, or the reverse
    event = closes[-1]
    d = event["details"]
    state = stages.notice(sel, stage)
    for c in stages.notice_cuts(sel, state):
        s = stored.get(c.post)
        if s is not None and (s["status"], s["advanced"]) != (c.status, list(c.advanced)):
            report.add(f"{where}, row {c.post}", f"stored {s['status']} {s['advanced']}, but the "
                                                 f"complaints' outcomes give {c.status} {list(c.advanced)}")
    people = [p for ps in state.people.values() for p in ps]
    dropped = [p.candidate for p in people if p.outcome == "dropped"]
    pending = {p.candidate: p.until.isoformat() for p in people if p.outcome == "pending"}
    if d.get("dropped", dropped) != dropped or d.get("pending", pending) != pending:
        report.add(where, f"notice close event #{event['id']} recorded dropped {d.get('dropped')} and "
                          f"pending {d.get('pending')}, the complaints give {dropped} and {pending}")
    if "today" in d:
        names = {c: sel.roster[c].display for c in sel.roster}
        problems = close_problems(date.fromisoformat(d["today"]), date.fromisoformat(row["end"]),
                                  state.complaints, names)
        if problems:
            report.add(where, f"notice close event #{event['id']} could not have closed the notice: "
                              + "; ".join(problems))


# -- the original files ------------------------------------------------------------------
def check_inspection_files(sel, found: dict[str, list[Path]], folder: Path, report: Report) -> None:
    """Each inspection file found by name under the folder: re-hashed, then re-read line by line."""
    for stage in sel.round.stages:
        if stage.kind != "inspect":
            continue
        for f in records.inspection_files(sel.store, sel.round.id, stage.id):
            original = find_original(found, folder, f["file"], f["sha256"], "recorded",
                                     f"stage {stage.id}: file {f['file']} (inspection_files row {f['id']})",
                                     report)
            if original is None:
                continue
            rows = [(line, cells) for line, cells in json.loads(f["rows"])]
            _compare_rows(report, _file_row(stage, f), f["header"], iter(rows), original,
                          None if f["encoding"] == "xlsx" else f["encoding"], f["sheet"])
