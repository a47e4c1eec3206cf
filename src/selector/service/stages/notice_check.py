"""`audit verify` for a public notice: the notice and its complaints against their events, and
the confirmed list made again from the complaints' outcomes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from selector.domain.model import Stage, natural
from selector.domain.notice import close_problems, end_date
from selector.errors import RuleError
from selector.service import calendar
from selector.service.recheck import Report
from selector.storage import events

if TYPE_CHECKING:
    from selector.service.stages.notice import NoticeStage

COMPLAINT_COLUMNS = ("received", "candidate", "summary", "named", "outcome", "note", "until")


def recheck(handler: "NoticeStage", log: list[dict], report: Report) -> None:
    """The notice and its complaints against their events, and the confirmed list made again
    from the complaints' outcomes."""
    stage, store, rid = handler.stage, handler.store, handler.round.id
    where = f"stage {stage.id}"
    row = store.notice(rid, stage.id)
    opens = events.of(log, stage.id, "notice open")
    if row is None:
        if opens:
            report.add(f"{where}: table notices", f"the notice of event #{opens[-1]['id']} is missing")
    else:
        report.notices += 1
        _check_notice_row(stage, row, opens, report)
    complaints = store.complaint_rows(rid, stage.id)
    report.complaints += len(complaints)
    logged = {e["details"].get("number"): e for e in events.of(log, stage.id, "complaint")}
    resolved = {e["details"].get("number"): e for e in events.of(log, stage.id, "complaint resolved")}
    withdrawn = {e["details"].get("number"): e for e in events.of(log, stage.id, "withdraw complaint")}
    report.corrections += len(withdrawn)
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
        gone = withdrawn.get(number)
        if r["withdrawn"] != (gone["id"] if gone else None):
            report.add(name, f"withdrawn is {r['withdrawn']!r} in the database, "
                             + (f"withdraw complaint event #{gone['id']} withdrew it" if gone
                                else "the log has no withdraw complaint event for it"))
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
        report.times.check(report, name, "at", r["at"], opened)
        if closed is not None:
            report.times.check(report, name, "resolved_at", r["resolved_at"], closed)
        elif r["resolved_at"] is not None:
            report.add(name, f"resolved_at is {r['resolved_at']!r} in the database, but the log has "
                             "no complaint resolved event for it")
    if row is not None:
        try:
            lists = {p: list(ids) for p, ids in handler.open.lists(stage).items()}
        except RuleError as e:
            report.add(where, "cannot recheck the notice's list: ", e)
            return
        _check_notice_list(stage, lists, opens, report)
        _check_notice_cut(handler, log, row, report)


def _check_notice_row(stage: Stage, row: dict, opens: list[dict], report: Report) -> None:
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
    report.times.check(report, where, "at", row["at"], event)
    if row["working_days"] != stage.working_days:
        report.add(where, f"working_days is {row['working_days']!r}, the round file says "
                          f"{stage.working_days}")
    # The end date again from the start, with the stored rule and the same calendar (a newer
    # calendar may know holidays the recorded one did not: then the dates are not recomputed).
    if row["calendar"] == calendar.source():
        start = date.fromisoformat(d.get("start") or row["start"])
        end, _ = end_date(start, stage.working_days, calendar.is_workday)
        if row["end"] != end.isoformat():
            report.add(where, f"end is {row['end']!r} in the database, but {stage.working_days} working "
                              f"days from {start.isoformat()} end on {end.isoformat()}")


def _check_notice_list(stage: Stage, lists: dict[str, list[str]], opens: list[dict], report: Report) -> None:
    if opens and "candidates" in opens[-1]["details"] and opens[-1]["details"]["candidates"] != lists:
        report.add(f"stage {stage.id}: table notices, row {stage.id}",
                   f"notice open event #{opens[-1]['id']} gave notice of {opens[-1]['details']['candidates']}, "
                   f"but the list locked before it is {lists}")


def _check_notice_cut(handler: "NoticeStage", log: list[dict], row: dict, report: Report) -> None:
    stage = handler.stage
    where = f"stage {stage.id}: table cuts"
    stored = handler.store.locked_cut(handler.round.id, stage.id)
    closes = [e for e in events.of(log, stage.id, "notice close") if "posts" in e["details"]]
    if stored is None or not closes:
        return  # `audit.verify` reports a cut without its event, or the reverse
    event = closes[-1]
    d = event["details"]
    state = handler.notice()
    for c in handler.confirmed(state):
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
        names = {c: p.display for c, p in handler.open.roster.items()}
        problems = close_problems(date.fromisoformat(d["today"]), date.fromisoformat(row["end"]),
                                  state.complaints, names)
        if problems:
            report.add(where, f"notice close event #{event['id']} could not have closed the notice: "
                              + "; ".join(problems))
