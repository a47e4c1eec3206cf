"""`audit verify` for an inspection: its files against their `inspect` events, findings and
民主测评 re-read from the stored raw rows through the same readers `inspect` uses, and the
inspect cut made again from them with the recorded decisions. Every difference is added to
the report as `stage X: table T, row R: what differs`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from selector.domain.counting import Resolver
from selector.domain.cuts import Decisions
from selector.domain.inspection import Finding, grade_counts, missing_checks
from selector.domain.model import Stage
from selector.errors import BallotFileError, RuleError
from selector.readers.findings import kind_of, read_evaluation, read_findings
from selector.service.recheck import Report, compare_rows, compare_table, find_original, unreadable
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
    where = f"stage {stage.id}"
    files = store.inspection_files(rid, stage.id)
    logged = events.inspected_files(events.of(log, stage.id, "inspect"))
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
                    "encoding": entry.get("encoding"),
                    # entries with `sheet` were written with the file's event id; before, none
                    "event": event["id"] if "sheet" in entry else None}
        if "sheet" in entry:
            expected["sheet"] = entry["sheet"]
        for col, value in expected.items():
            if f[col] != value:
                report.add(_file_row(stage, f), f"{col} is {f[col]!r} but inspect event "
                                                f"#{event['id']} recorded {value!r}")
        report.times.check(report, _file_row(stage, f), "at", f["at"], event)
        if "rows_sha256" in entry and store.inspection_rows_digest(f["id"]) != entry["rows_sha256"]:
            report.add(_file_row(stage, f), f"the stored raw rows differ from those inspect event "
                                            f"#{event['id']} recorded")
    if not files and store.locked_cut(rid, stage.id) is None:
        return
    try:
        lists = handler.open.lists(stage)
        ranks = handler.rankings(lists)
    except RuleError as e:
        report.add(where, "cannot re-read the inspection: ", e)
        return
    want, cells = _reread(handler, files, entries, lists, ranks, report)
    report.inspections += len(files)
    for table, key, columns in INSPECT_TABLES:
        stored = store.select(table, "round = ? AND stage = ?", [rid, stage.id], columns=(*key, *columns))
        compare_table(report, where, table, key,
                       [{c: r[c] for c in (*key, *columns)} for r in want[table]], stored)
    _check_inspect_cut(handler, log, lists, ranks, want["findings"], cells, report)


def _file_row(stage: Stage, f: dict) -> str:
    return f"stage {stage.id}: table inspection_files, row {f['id']} ({f['file']})"


def _reread(handler: "InspectStage", files: list[dict], entries: dict, lists, ranks,
            report: Report) -> tuple[dict[str, list[dict]], list[tuple]]:
    """Each stored file read again as `inspect` read it, in order: each file sees the findings
    and grades of the files before it (who may be inspected depends on them).

    Returns the rows the tables should hold, and the graded cells for `grade_counts`."""
    stage, rid = handler.stage, handler.round.id
    resolver = Resolver(handler.round.candidates)
    want: dict[str, list[dict]] = {table: [] for table, _, _ in INSPECT_TABLES}
    found: dict[str, dict[str, Finding]] = {}
    cells: list[tuple] = []
    numbers: dict[str, str] = {}
    for f in files:
        fwhere = _file_row(stage, f)
        _, cuts = handler.judge(lists, ranks, _findings_of(want["findings"]), grade_counts(cells))
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
                want["findings"] += Store.finding_rows(rid, stage.id, f["id"], items)
                summary = events.findings_summary(items)
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
                paper_rows, grade_rows = Store.evaluation_rows(rid, stage.id, f["id"], papers)
                void = {p.number: p.void for p in papers}
                cells += [(g["candidate"], g["grade"], g["unclear"], void[g["ballot"]]) for g in grade_rows]
                want["evaluation_papers"] += paper_rows
                want["evaluation_grades"] += grade_rows
                summary = {"ballots": len(papers), "void": sum(1 for p in papers if p.void),
                           "candidates": candidates}
        except (BallotFileError, json.JSONDecodeError, TypeError) as e:
            report.add(fwhere, "the stored raw rows no longer read as inspect read them: ", e if isinstance(e, BallotFileError) else str(e))
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


def _check_inspect_cut(handler: "InspectStage", log: list[dict], lists, ranks, finding_rows: list[dict],
                       cells: list[tuple], report: Report) -> None:
    stage, store, rid = handler.stage, handler.store, handler.round.id
    where = f"stage {stage.id}: table cuts"
    stored = store.locked_cut(rid, stage.id)
    cut_events = [e for e in events.of(log, stage.id, "cut") if "posts" in e["details"]]
    if stored is None or not cut_events:
        return  # `audit.verify` reports a cut without its event, or the reverse
    event = cut_events[-1]
    details = event["details"]
    try:
        vetting, cuts = handler.judge(lists, ranks, _findings_of(finding_rows), grade_counts(cells),
                                      Decisions.logged(details))
    except RuleError as e:
        report.add(where, "the cut cannot be made again from the re-read findings: ", e)
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
    struck = events.struck(vetting, cuts)
    if "struck" in details and details["struck"] != struck:
        report.add(where, f"cut event #{event['id']} recorded struck {details['struck']}, "
                          f"the re-read findings give {struck}")


def recheck_files(handler: "InspectStage", found: dict[str, list[Path]], folder: Path, report: Report) -> None:
    """Each inspection file found by name under the folder: re-hashed, then re-read line by line."""
    stage = handler.stage
    with unreadable(report, "table inspection_files"):
        for f in handler.store.inspection_files(handler.round.id, stage.id):
            original = find_original(found, folder, f["file"], f["sha256"], "recorded",
                                     f"stage {stage.id}: file {f['file']} (inspection_files row {f['id']})",
                                     report)
            if original is None:
                continue
            rows = [(line, cells) for line, cells in json.loads(f["rows"])]
            compare_rows(report, _file_row(stage, f), f["header"], iter(rows), original,
                         None if f["encoding"] == "xlsx" else f["encoding"], f["sheet"])
