"""`audit verify` for a ballot stage: its batches, rows, results and certificate against the
log, then a recount from the stored rows through the same code a tally uses
(`readers.ballots.interpret` → `domain.counting.Count`)."""

from __future__ import annotations

import json
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from selector.domain.counting import Count, StageCount
from selector.domain.model import Stage, natural
from selector.errors import BallotFileError, RuleError, SelectorError
from selector.i18n import N_
from selector.service.stages import counts
from selector.service.recheck import (
    At, Problem, Report, compare_rows, compare_table, compare_walked, find_original, unreadable,
)
from selector.storage import events
from selector.storage.intake import gc_paused
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
    where = At("stage {stage}", stage=stage.id)
    stages = At("stage {stage}: table {table}", stage=stage.id, table="stages")
    results = At("stage {stage}: results", stage=stage.id)
    batches = store.batches(rid, stage.id, withdrawn=True)  # withdrawn ones too: the log has them
    tallies = events.of(log, stage.id, "tally")
    withdrawals = events.of(log, stage.id, "withdraw batch")
    row = store.stage_row(rid, stage.id)
    logged = events.tallied_batches(tallies)
    if len(logged) != len(batches):
        report.add(At("stage {stage}: table {table}", stage=stage.id, table="batches"),
                   N_("{stored} batches stored but the log records {logged}"), stored=len(batches),
                   logged=len(logged))
    for (event, entry), batch in zip(logged, batches):
        bwhere = _batch_row(stage, batch["id"], batch["file"])
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
                report.add(bwhere, N_("{column} is {value!r} but tally event #{event} recorded {recorded!r}"),
                           column=key, value=batch[key], event=event["id"], recorded=value)
        report.times.check(report, bwhere, "at", batch["at"], event)
        if "rows_sha256" in entry and _rows_digest(store, batch["id"]) != entry["rows_sha256"]:
            report.add(_batch_rows(stage, batch["id"], batch["file"]),
                       N_("the stored ballot rows differ from those tally event #{event} recorded"), event=event["id"])
    counts.recheck_counted(handler, logged, batches, report)
    _check_withdrawals(store, stage, batches, withdrawals, report)
    counted = events.of(log, stage.id, "tally", "withdraw batch")  # the events that changed the count
    _check_certificate(store, row, stage, events.of(log, stage.id, "certify", "revoke certificate"),
                       counted, report)
    if tallies:
        last = tallies[-1]["details"]
        for key in ("present", "issued"):
            if row[key] != last.get(key):
                report.add(stages, N_("{column} is {value} but the log records {recorded}"), column=key,
                           value=row[key], recorded=last.get(key))
        latest = counted[-1]
        # a tally that added to a counted stage since m014 recorded the chained form
        chained = "marks_sha256" in latest["details"]
        if "results_sha256" in latest["details"] and \
                store.results_digest(rid, stage.id, chained) != latest["details"]["results_sha256"]:
            report.add(results, N_("the stored results differ from those {command} event #{event} recorded"),
                       command=latest["command"], event=latest["id"])
    live = [b for b in batches if b["withdrawn"] is None]
    if not live:
        if batches and store.snapshot(rid, stage.id)["post_results"]:
            report.add(results, N_("every batch is withdrawn but results are stored"))
        return None
    batches = live
    # The recount: the same path as a tally, from the stored rows only.
    try:
        paper = handler.paper()
    except RuleError as e:
        report.add(where, N_("cannot recount: {error}"), error=e)
        return None
    count, numbers = recount(handler, batches, report, paper)
    if counts.totals_batch(batches) is not None:  # no papers: the counts file was read again
        report.totals.append(stage.id)
    else:
        report.stages.append(stage.id)
        report.ballots += count.returned
    expected, stored = Store.fixed_rows(rid, count), store.fixed_snapshot(rid, stage.id)
    compare_table(report, stage.id, "post_results", ("post",), expected["post_results"],
                  stored["post_results"])
    compare_table(report, stage.id, "results", ("post", "candidate"), expected["results"],
                  stored["results"])
    del expected, stored
    _compare_marks(store, rid, count, report)
    compare_table(report, stage.id, "post_results", ("post",),
                  [{"post": pid, "by_list": pc.by_list} for pid, pc in count.posts.items() if pc.by_list],
                  [{"post": p, "by_list": n} for p, n in store.placed_by_list(rid, stage.id).items()])
    if tallies and "voided" in tallies[-1]["details"]:  # recorded since m008_void_papers
        _compare_voided(store, rid, count, report)
    # each invalid mark and void paper filed under the batch its ballot came in (m014; the
    # rows stored before it know no batch; a row of a ballot not recounted is reported above)
    for table, key, batch, ballot in store.filed_batches(rid, stage.id):
        if ballot in numbers and batch != numbers[ballot]:
            report.add(At("stage {stage}: table {table}, row {row}", stage=stage.id, table=table,
                          row="/".join(str(x) for x in key)),
                       N_("{column} is {stored!r} in the database, {expected!r} on recount"), column="batch",
                       stored=batch, expected=numbers.get(ballot))
    if row["void_papers"] != count.void_papers:
        report.add(stages, N_("{column} is {value}, recount {recount}"), column="void_papers",
                   value=row["void_papers"], recount=count.void_papers)
    # Each stored paper against the recount's, as the rows come (no copy of either list):
    # the papers that differ, (stored batch, recount's batch), reported in natural order.
    differ: dict[str, tuple] = {}
    for ballot, batch in store.paper_batches(rid, stage.id):
        recounted = numbers.pop(ballot, None)
        if recounted != batch:
            differ[ballot] = (batch, recounted)
    differ.update((ballot, (None, batch)) for ballot, batch in numbers.items())
    for ballot in sorted(differ, key=natural):
        stored_batch, recounted = differ[ballot]
        report.add(At("stage {stage}: table {table}, ballot {ballot}", stage=stage.id, table="papers",
                      ballot=ballot),
                   N_("batch {stored} in the database, {recount} in the stored rows"), stored=stored_batch,
                   recount=recounted)
    if counted and counted[-1]["details"].get("returned") != count.returned:
        report.add(where, N_("recount has {recount} ballots returned, the log {logged}"), recount=count.returned,
                   logged=counted[-1]["details"].get("returned"))
    return count


def _compare_marks(store: Store, rid: str, count: StageCount, report: Report) -> None:
    """The stored invalid marks against the recount's, walked side by side in key order (post,
    ballot, text; a key's rows as stored): neither side is held as dicts (compare_walked)."""
    sid = count.stage.id
    counted = count.invalid_marks()

    def walk():
        return (Store.mark_rows(rid, sid, sorted(counted, key=attrgetter("post", "ballot", "text"))),
                store.snapshot_stream(rid, sid, "invalid_marks", "post, ballot, text, rowid"))

    def whole():
        return list(Store.mark_rows(rid, sid, counted)), list(store.snapshot_stream(rid, sid, "invalid_marks"))

    compare_walked(report, sid, "invalid_marks", ("post", "ballot", "text"), walk, whole)


def _compare_voided(store: Store, rid: str, count: StageCount, report: Report) -> None:
    """The stored void papers against the recount's, as _compare_marks (key: ballot, post)."""
    sid = count.stage.id

    def walk():
        # SQLite's order: a paper voided whole (post NULL) before its posts voided
        return (Store.void_rows(rid, sid, sorted(count.voided, key=lambda v: (v[0], v[1] is not None, v[1] or ""))),
                store.snapshot_stream(rid, sid, "void_papers", "ballot, post, rowid"))

    def whole():
        return list(Store.void_rows(rid, sid, count.voided)), list(store.snapshot_stream(rid, sid, "void_papers"))

    compare_walked(report, sid, "void_papers", ("ballot", "post"), walk, whole)


def _batch_row(stage: Stage, batch, file) -> At:
    """A batch's row in table batches."""
    return At("stage {stage}: table {table}, row {row} ({file})", stage=stage.id, table="batches", row=batch,
              file=file)


def _batch_rows(stage: Stage, batch, file) -> At:
    """A batch's ballot rows (table rows)."""
    return At("stage {stage}: table {table}, batch {batch} ({file})", stage=stage.id, table="rows", batch=batch,
              file=file)


def _check_withdrawals(store: Store, stage: Stage, batches: list[dict], withdrawals: list[dict],
                       report: Report) -> None:
    """Each withdrawn batch against the event that withdrew it: still stored, its rows unchanged."""
    by_id = {b["id"]: b for b in batches}
    seen: set[int] = set()
    for event in withdrawals:
        d = event["details"]
        undid = d.get("undid") or {}
        name = _batch_row(stage, undid.get("batch_id"), d.get("file"))
        batch = by_id.get(undid.get("batch_id"))
        report.corrections += 1
        if batch is None:
            report.add(name, N_("missing from the database (withdraw batch event #{event} withdrew it)"),
                       event=event["id"])
            continue
        seen.add(batch["id"])
        if batch["withdrawn"] != event["id"]:
            report.add(name, N_("withdrawn is {value!r} but withdraw batch event #{event} withdrew it"),
                       value=batch["withdrawn"], event=event["id"])
        for key, value in (("file", d.get("file")), ("sha256", undid.get("sha256"))):
            if batch[key] != value:
                report.add(name, N_("{column} is {value!r} but withdraw batch event #{event} recorded {recorded!r}"),
                           column=key, value=batch[key], event=event["id"], recorded=value)
        if _rows_digest(store, batch["id"]) != undid.get("rows_sha256"):
            report.add(_batch_rows(stage, batch["id"], batch["file"]),
                       N_("the withdrawn batch's stored rows differ from those withdraw batch event #{event} "
                          "recorded"), event=event["id"])
    for batch in batches:
        if batch["withdrawn"] is not None and batch["id"] not in seen:
            report.add(_batch_row(stage, batch["id"], batch["file"]),
                       N_("marked withdrawn but the log has no withdraw batch event for it"))


def recount(handler: "BallotStage", batches: list[dict], report: Report | None = None,
            paper=None) -> tuple[StageCount, dict[str, int]]:
    """The stage counted again from the stored rows of `batches` alone, through the code a tally
    uses (`readers.ballots.interpret` → `domain.counting.Count`): `audit verify`'s recount, and
    the count a withdrawal leaves. Returns the count and each ballot number's batch.

    Every problem goes to `report`; without one (a withdrawal) the first refuses the change."""
    from selector.readers.ballots import Scattered

    stage = handler.stage
    recorded = counts.totals_batch(batches)
    if recorded is not None:  # recorded from counts: read again, no papers to count
        count, problem = counts.recount_totals(handler, recorded)
        if problem is not None:
            table, message, fields = problem
            _problem(report, At("stage {stage}: table {table}, batch {batch} ({file})", stage=stage.id, table=table,
                                batch=recorded["id"], file=recorded["file"]), message, **fields)
        return count, {}
    paper = paper or handler.paper()
    try:
        with gc_paused():
            # A long file's papers as their rows end (each batch streams); if one's rows are
            # apart, everything again, gathering each long file's papers from all its rows.
            held = _Held()
            count = _recount(handler, batches, held if report is not None else None, paper, stream=True)
    except Scattered:
        held = _Held()
        with gc_paused():
            count = _recount(handler, batches, held if report is not None else None, paper, stream=False)
    for where, message, fields in held.problems:
        report.add(where, message, **fields)
    return count


class _Held:
    """The problems a recount meets, given to the report once the recount is through (a
    recount read again must not report them twice)."""

    def __init__(self):
        self.problems: list[tuple] = []

    def add(self, where: At, message: str, **fields) -> None:
        self.problems.append((where, message, fields))


def _recount(handler: "BallotStage", batches: list[dict], report, paper, stream: bool
             ) -> tuple[StageCount, dict[str, int]]:
    from selector.readers.ballots import Scattered, interpret

    stage, store = handler.stage, handler.store
    counter = Count(stage, handler.round.posts, paper.lists, paper.resolver, handler.open.roster)
    numbers: dict[str, int] = {}  # each paper counted -> its batch (the earlier batches' while one is read)
    for batch in batches:
        bounds: list[tuple[int, int, int]] = []
        reading, given = None, 0  # given: the papers the reader gave (None: all it noted)
        try:
            header = json.loads(batch["header"])
            reading = interpret(paper, batch["file"], header, store.stored_rows(batch["id"], bounds),
                                batch["layout"], stream=stream)
            for ballot in reading:
                given += 1
                if ballot.number in numbers:
                    _problem(report, At("stage {stage}: table {table}, batch {batch}", stage=stage.id, table="rows",
                                        batch=batch["id"]),
                             N_("ballot {ballot} is also in batch {other}"), ballot=ballot.number,
                             other=numbers[ballot.number])
                    continue
                counter.add(ballot)
            given = None  # read to the end: every paper the reader noted was given
        except (BallotFileError, ValueError, TypeError) as e:  # JSONDecodeError is a ValueError
            if stream and batch["layout"] == "long":  # read whole, none of its papers is counted
                raise Scattered(None) from None
            _problem(report, _batch_rows(stage, batch["id"], batch["file"]),
                     N_("the stored rows no longer read as ballots: {error}"),
                     error=e if isinstance(e, BallotFileError) else str(e))
        if reading is not None:
            numbers = _add_numbers(numbers, reading.lines, given, batch["id"])
        del reading
        for first, last, held in bounds:
            _problem(report, _batch_rows(stage, batch["id"], batch["file"]),
                     N_("row chunk {first}–{last} holds rows {first}–{held}: its last_line was edited"),
                     first=first, last=last, held=held)
    return counter.result, numbers


def _add_numbers(numbers: dict[str, int], lines: dict[str, int], given: int | None, batch: int
                 ) -> dict[str, int]:
    """`numbers` (each paper counted -> its batch) with a batch's papers added: `lines` (the
    reader's number -> first row, in the order it gave the papers), or when the batch stopped
    at a refused row only the first `given` papers (the refused row may have added one more),
    a paper of an earlier batch keeping that batch (it was not counted again). The first
    batch's dict is taken over with its rows replaced by the batch, not copied: a second dict
    of every number was 7 MiB at 10M marks, held while the reader's was (issue 17)."""
    if given is None:
        given = len(lines)
    if not numbers and len(lines) == given:
        for number in lines:
            lines[number] = batch  # values only: the dict keeps its size while iterated
        return lines
    for number in islice(lines, given):
        numbers.setdefault(number, batch)
    return numbers


def _problem(report: Report | None, where: At, message: str, **fields) -> None:
    """A difference the recount meets: to the report in `audit verify`; without one (a
    withdrawal recounting what is left), the refusal of the change."""
    if report is not None:
        report.add(where, message, **fields)
        return
    p = Problem(where.template, message, {**where.fields, **fields})
    raise RuleError("{where}: {problem}; nothing was changed", where=SelectorError(p.where, **p.fields),
                    problem=SelectorError(p.message, **p.fields))


def _check_certificate(store: Store, row: dict, stage: Stage, certs: list[dict], tallies: list[dict],
                       report: Report) -> None:
    """The stored certificate against the last certify event (none after a revocation), and
    nothing counted after it; `certs` are the certify and revoke certificate events."""
    where = At("stage {stage}: table {table}", stage=stage.id, table="stages")
    whole = At("stage {stage}", stage=stage.id)
    for before, revoked in zip(certs, certs[1:]):
        if revoked["command"] == "revoke certificate":
            report.corrections += 1
            if before["command"] != "certify" or \
                    (revoked["details"].get("undid") or {}).get("certificate") != before["details"]:
                report.add(whole, N_("revoke certificate event #{event} does not record the certificate it revoked"),
                           event=revoked["id"])
    if certs and certs[0]["command"] == "revoke certificate":
        report.add(whole, N_("revoke certificate event #{event} revokes no certificate"), event=certs[0]["id"])
    if certs and certs[-1]["command"] == "revoke certificate":
        if row["certified_at"] or row["certificate"]:
            report.add(where, N_("marked certified but revoke certificate event #{event} withdrew the certificate"),
                       event=certs[-1]["id"])
        return
    if not certs:
        if row["certified_at"] or row["certificate"]:
            report.add(where, N_("marked certified but the log has no certify event"))
        return
    cert = certs[-1]
    if row["certified_at"] != cert["at"] or row["certificate"] != canonical(cert["details"]):
        report.add(where, N_("the certificate differs from certify event #{event}"), event=cert["id"])
    late = [e for e in tallies if e["id"] > cert["id"]]
    if late:
        report.add(whole, N_("{command} event #{event} came after certification (event #{certify})"),
                   command=late[0]["command"], event=late[0]["id"], certify=cert["id"])
    signed = cert["details"].get("results_sha256")
    if signed and store.results_digest(row["round"], stage.id) != signed:
        report.add(At("stage {stage}: results", stage=stage.id),
                   N_("the results differ from those certified in event #{event}"), event=cert["id"])


def recheck_files(handler: "BallotStage", found: dict[str, list[Path]], folder: Path, report: Report) -> None:
    """Each batch's original file, found by name under the folder: re-hashed, then re-read."""
    stage, store = handler.stage, handler.store
    for batch in store.batches(handler.round.id, stage.id):
        original = find_original(found, folder, batch["file"], batch["sha256"],
                                 N_("changed since it was tallied: sha256 {found}, tallied {sha}…"),
                                 At("stage {stage}: file {file} (batch {batch})", stage=stage.id, file=batch["file"],
                                    batch=batch["id"]), report)
        if original is None:
            continue
        with unreadable(report, At("stage {stage}: table {table}, batch {batch}", stage=stage.id, table="rows",
                                   batch=batch["id"])):
            encoding = None if batch["encoding"] == "xlsx" else batch["encoding"]
            compare_rows(report, _batch_rows(stage, batch["id"], batch["file"]),
                         N_("stage {stage}: table {table}, batch {batch} ({file}), row {line}"),
                         batch["header"], iter(store.stored_rows(batch["id"])), original, encoding, batch["sheet"],
                         _batch_row(stage, batch["id"], batch["file"]))
