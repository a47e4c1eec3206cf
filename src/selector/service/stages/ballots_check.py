"""`audit verify` for a ballot stage: its batches, rows, results and certificate against the
log, then a recount from the stored rows through the same code a tally uses
(`readers.ballots.interpret` → `domain.counting.Count`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from selector.domain.counting import Count, StageCount
from selector.domain.model import Stage, natural
from selector.errors import BallotFileError, RuleError
from selector.service.recheck import Report, compare_rows, compare_table, find_original, unreadable
from selector.storage import events
from selector.storage.rows import canonical
from selector.storage.store import Store

if TYPE_CHECKING:
    from selector.service.stages.ballots import BallotStage


def _rows_digest(store: Store, batch: int) -> str | None:
    """The batch's rows digest, or None when the stored rows no longer decode."""
    try:
        return store.rows_digest(batch)
    except (ValueError, TypeError):  # JSONDecodeError is a ValueError
        return None


def recheck(handler: "BallotStage", log: list[dict], report: Report) -> StageCount | None:
    """The stage's batches, rows and results against the log, then a recount from stored rows."""
    stage, store, rid = handler.stage, handler.store, handler.round.id
    where = f"stage {stage.id}"
    batches = store.batches(rid, stage.id)
    tallies = events.of(log, stage.id, "tally")
    row = store.stage_row(rid, stage.id)
    logged = events.tallied_batches(tallies)
    if len(logged) != len(batches):
        report.add(f"{where}: table batches", f"{len(batches)} batches stored but the log records "
                                              f"{len(logged)}")
    for (event, entry), batch in zip(logged, batches):
        bwhere = f"{where}: table batches, row {batch['id']} ({batch['file']})"
        sha = entry.get("sha256") or event["files"].get(entry["file"])
        expected = {"file": Path(entry["file"]).name, "sha256": sha, "rows": entry["rows"],
                    "ballots": entry["ballots"], "layout": event["details"].get("layout", "wide")}
        if "encoding" in entry:
            expected["encoding"] = entry["encoding"]
        # Entries with `sheet` were written with the batch's event id; before, it stayed empty.
        expected["event"] = event["id"] if "sheet" in entry else None
        if "sheet" in entry:
            expected["sheet"] = entry["sheet"]
        for key, value in expected.items():
            if batch[key] != value:
                report.add(bwhere, f"{key} is {batch[key]!r} but tally event #{event['id']} "
                                   f"recorded {value!r}")
        report.times.check(report, bwhere, "at", batch["at"], event)
        if "rows_sha256" in entry and _rows_digest(store, batch["id"]) != entry["rows_sha256"]:
            report.add(f"{where}: table rows, batch {batch['id']} ({batch['file']})",
                       f"the stored ballot rows differ from those tally event #{event['id']} recorded")
    _check_certificate(store, row, stage, events.of(log, stage.id, "certify"), tallies, report)
    if tallies:
        last = tallies[-1]["details"]
        for key in ("present", "issued"):
            if row[key] != last.get(key):
                report.add(f"{where}: table stages", f"{key} is {row[key]} but the log records "
                                                     f"{last.get(key)}")
        if "results_sha256" in last and store.results_digest(rid, stage.id) != last["results_sha256"]:
            report.add(f"{where}: results", f"the stored results differ from those tally event "
                                            f"#{tallies[-1]['id']} recorded")
    if not batches:
        return None
    # The recount: the same path as a tally, from the stored rows only.
    from selector.readers.ballots import interpret

    try:
        paper = handler.paper()
    except RuleError as e:
        report.add(where, "cannot recount: ", e)
        return None
    counter = Count(stage, handler.round.posts, paper.lists, paper.resolver, handler.open.roster)
    numbers: dict[str, int] = {}
    for batch in batches:
        bounds: list[tuple[int, int, int]] = []
        try:
            header = json.loads(batch["header"])
            for ballot in interpret(paper, batch["file"], header, store.stored_rows(batch["id"], bounds),
                                    batch["layout"]):
                if ballot.number in numbers:
                    report.add(f"{where}: table rows, batch {batch['id']}",
                               f"ballot {ballot.number} is also in batch {numbers[ballot.number]}")
                    continue
                numbers[ballot.number] = batch["id"]
                counter.add(ballot)
        except (BallotFileError, ValueError, TypeError) as e:  # JSONDecodeError is a ValueError
            report.add(f"{where}: table rows, batch {batch['id']} ({batch['file']})",
                       "the stored rows no longer read as ballots: ",
                       e if isinstance(e, BallotFileError) else str(e))
        for first, last, held in bounds:
            report.add(f"{where}: table rows, batch {batch['id']} ({batch['file']})",
                       f"row chunk {first}–{last} holds rows {first}–{held}: its last_line was edited")
    count = counter.result
    report.stages.append(stage.id)
    report.ballots += count.returned
    expected = store.snapshot_rows(rid, count)
    stored = store.snapshot(rid, stage.id)
    compare_table(report, where, "post_results", ("post",), expected["post_results"],
                  stored["post_results"])
    compare_table(report, where, "results", ("post", "candidate"), expected["results"],
                  stored["results"])
    compare_table(report, where, "invalid_marks", ("post", "ballot", "text"),
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
    if signed and store.results_digest(row["round"], stage.id) != signed:
        report.add(f"stage {stage.id}: results", f"the results differ from those certified in "
                                                 f"event #{cert['id']}")


def recheck_files(handler: "BallotStage", found: dict[str, list[Path]], folder: Path, report: Report) -> None:
    """Each batch's original file, found by name under the folder: re-hashed, then re-read."""
    stage, store = handler.stage, handler.store
    for batch in store.batches(handler.round.id, stage.id):
        original = find_original(found, folder, batch["file"], batch["sha256"], "tallied",
                                 f"stage {stage.id}: file {batch['file']} (batch {batch['id']})", report)
        if original is None:
            continue
        with unreadable(report, f"stage {stage.id}: table rows, batch {batch['id']}"):
            where = f"stage {stage.id}: table rows, batch {batch['id']} ({batch['file']})"
            encoding = None if batch["encoding"] == "xlsx" else batch["encoding"]
            compare_rows(report, where, batch["header"], iter(store.stored_rows(batch["id"])), original,
                         encoding, batch["sheet"],
                         f"stage {stage.id}: table batches, row {batch['id']} ({batch['file']})")
