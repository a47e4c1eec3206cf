"""`audit verify` for a public notice: the notice and its complaints against their events, and
the confirmed list made again from the complaints' outcomes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from selector.domain.model import Stage, natural
from selector.domain.notice import StillOpen, StillRunning, close_problems, end_date, one_year
from selector.errors import RuleError
from selector.service import calendar
from selector.i18n import N_
from selector.service.recheck import At, Report
from selector.storage import events

if TYPE_CHECKING:
    from selector.service.stages.notice import NoticeStage

COMPLAINT_COLUMNS = ("received", "candidate", "summary", "named", "outcome", "note", "until")


def recheck(handler: "NoticeStage", log: list[dict], report: Report) -> None:
    """The notice and its complaints against their events, and the confirmed list made again
    from the complaints' outcomes."""
    stage, store, rid = handler.stage, handler.store, handler.round.id
    where = At("stage {stage}", stage=stage.id)
    row = store.notice(rid, stage.id)
    opens = events.of(log, stage.id, "notice open")
    if row is None:
        if opens:
            report.add(At("stage {stage}: table {table}", stage=stage.id, table="notices"),
                       N_("the notice of event #{event} is missing"), event=opens[-1]["id"])
    else:
        report.notices += 1
        _check_notice_row(handler, row, opens, report)
    complaints = store.complaint_rows(rid, stage.id)
    report.complaints += len(complaints)
    logged = {e["details"].get("number"): e for e in events.of(log, stage.id, "complaint")}
    resolved = {e["details"].get("number"): e for e in events.of(log, stage.id, "complaint resolved")}
    withdrawn = {e["details"].get("number"): e for e in events.of(log, stage.id, "withdraw complaint")}
    report.corrections += len(withdrawn)
    stored = {r["number"]: r for r in complaints}
    for number in sorted(set(stored) | set(logged) | set(resolved), key=lambda n: natural(str(n))):
        name = At("stage {stage}: table {table}, row {row}", stage=stage.id, table="complaints", row=number)
        r, opened, closed = stored.get(number), logged.get(number), resolved.get(number)
        if r is None:
            event = opened or closed
            report.add(name, N_("missing from the database ({command} event #{event} recorded it)"),
                       command=event["command"], event=event["id"])
            continue
        if opened is None:
            report.add(name, N_("in the database but the log has no complaint event for it"))
            continue
        gone = withdrawn.get(number)
        if r["withdrawn"] != (gone["id"] if gone else None):
            if gone:
                report.add(name, N_("withdrawn is {value!r} in the database, withdraw complaint event #{event} "
                                    "withdrew it"), value=r["withdrawn"], event=gone["id"])
            else:
                report.add(name, N_("withdrawn is {value!r} in the database, the log has no withdraw complaint "
                                    "event for it"), value=r["withdrawn"])
        d = opened["details"]
        want = {"received": (d.get("received"), opened), "candidate": (d.get("candidate"), opened),
                "summary": (d.get("summary"), opened), "named": (int(bool(d.get("named"))), opened)}
        c = closed["details"] if closed else {}
        for col in ("outcome", "note", "until"):
            want[col] = (c.get(col), closed)
        for col in COMPLAINT_COLUMNS:
            value, event = want[col]
            if r[col] != value:
                if event:
                    report.add(name, N_("{column} is {value!r} in the database, {command} event #{event} recorded "
                                        "{recorded!r}"), column=col, value=r[col], command=event["command"],
                               event=event["id"], recorded=value)
                else:
                    report.add(name, N_("{column} is {value!r} in the database, the log has no complaint resolved "
                                        "event for it"), column=col, value=r[col])
        report.times.check(report, name, "at", r["at"], opened)
        if closed is not None:
            report.times.check(report, name, "resolved_at", r["resolved_at"], closed)
        elif r["resolved_at"] is not None:
            report.add(name, N_("{column} is {value!r} in the database, but the log has no complaint resolved event "
                                "for it"), column="resolved_at", value=r["resolved_at"])
    if row is not None:
        try:
            lists = {p: list(ids) for p, ids in handler.open.lists(stage).items()}
        except RuleError as e:
            report.add(where, N_("cannot recheck the notice's list: {error}"), error=e)
            return
        _check_notice_list(stage, lists, opens, report)
        _check_notice_cut(handler, log, row, report)


def _check_notice_row(handler: "NoticeStage", row: dict, opens: list[dict], report: Report) -> None:
    stage = handler.stage
    where = _notice_row(stage)
    if not opens:
        report.add(where, N_("a notice is stored but the log has no notice open event"))
        return
    event = opens[-1]
    d = event["details"]
    for col in ("start", "end", "working_days", "calendar", "warning", "end_reason"):
        if row[col] != d.get(col):
            report.add(where, N_("{column} is {value!r} in the database, {recorded!r} in notice open event #{event}"),
                       column=col, value=row[col], recorded=d.get(col), event=event["id"])
    report.times.check(report, where, "at", row["at"], event)
    if row["working_days"] != stage.working_days:
        report.add(where, N_("{column} is {value!r}, the round file says {days}"), column="working_days",
                   value=row["working_days"], days=stage.working_days)
    # The end date again from the start, with the stored rule and the same calendar (a newer
    # calendar may know holidays the recorded one did not: then the dates are not recomputed),
    # the round's [calendar.YYYY] for the years it lacks; an end the clerk gave is not counted.
    start = date.fromisoformat(d.get("start") or row["start"])
    end, _ = end_date(start, stage.working_days, calendar.rule(handler.round))
    if row["end_reason"] is None and row["calendar"] == calendar.period_source(handler.round, start, end):
        if row["end"] != end.isoformat():
            report.add(where, N_("{column} is {value!r} in the database, but {days} working days from {start} end on "
                                 "{end}"), column="end", value=row["end"], days=stage.working_days,
                       start=start.isoformat(), end=end.isoformat())


def _notice_row(stage: Stage) -> At:
    return At("stage {stage}: table {table}, row {row}", stage=stage.id, table="notices", row=stage.id)


def _check_notice_list(stage: Stage, lists: dict[str, list[str]], opens: list[dict], report: Report) -> None:
    if opens and "candidates" in opens[-1]["details"] and opens[-1]["details"]["candidates"] != lists:
        report.add(_notice_row(stage), N_("notice open event #{event} gave notice of {listed}, but the list locked "
                                          "before it is {lists}"), event=opens[-1]["id"],
                   listed=opens[-1]["details"]["candidates"], lists=lists)


def _check_notice_cut(handler: "NoticeStage", log: list[dict], row: dict, report: Report) -> None:
    stage = handler.stage
    where = At("stage {stage}: table {table}", stage=stage.id, table="cuts")
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
            report.add(At("stage {stage}: table {table}, row {row}", stage=stage.id, table="cuts", row=c.post),
                       N_("stored {was} {had}, but the complaints' outcomes give {status} {advanced}"),
                       was=s["status"], had=s["advanced"], status=c.status, advanced=list(c.advanced))
    people = [p for ps in state.people.values() for p in ps]
    dropped = [p.candidate for p in people if p.outcome == "dropped"]
    pending = {p.candidate: p.until.isoformat() for p in people if p.outcome == "pending"}
    if d.get("dropped", dropped) != dropped or d.get("pending", pending) != pending:
        report.add(where, N_("notice close event #{event} recorded dropped {dropped} and pending {pending}, the "
                             "complaints give {found_dropped} and {found_pending}"), event=event["id"],
                   dropped=d.get("dropped"), pending=d.get("pending"), found_dropped=dropped, found_pending=pending)
    _check_appointments(handler, event, report)
    if "today" in d:
        names = {c: p.display for c, p in handler.open.roster.items()}
        problems = close_problems(date.fromisoformat(d["today"]), date.fromisoformat(row["end"]),
                                  state.complaints, names, after_end=bool(d.get("after_end")))
        if problems:
            message, fields = _could_not_close(problems)
            report.add(where, message, event=event["id"], **fields)


def _check_appointments(handler: "NoticeStage", event: dict, report: Report) -> None:
    """The appointments stored against the notice close event, and each 试用期's end made again
    from the appointment date, the post's kind and the stage's probation_months (issue 12.6)."""
    stage = handler.stage
    stored = handler.store.appointments(handler.round.id, stage.id)
    recorded = event["details"].get("appointments") or []
    where = At("stage {stage}: table {table}", stage=stage.id, table="appointments")
    if stored != recorded:
        report.add(where, N_("stored {stored}, but notice close event #{event} recorded {recorded}"),
                   stored=stored, event=event["id"], recorded=recorded)
        return
    for r in stored:
        post = handler.round.post(r["post"])
        want = None if post.elected else one_year(date.fromisoformat(r["appointed"]),
                                                  stage.probation_months).isoformat()
        if r["probation_until"] != want:
            report.add(At("stage {stage}: table {table}, row {row}", stage=stage.id, table="appointments",
                          row=r["post"]),
                       N_("{candidate}: probation_until is {value!r}, but the 试用期 from {appointed} ends on {want!r}"),
                       candidate=r["candidate"], value=r["probation_until"], appointed=r["appointed"], want=want)


def _could_not_close(problems: list) -> tuple[str, dict]:
    """Why the recorded close could not have closed the notice (close_problems' values): the
    message and its fields; the English joins the problems' sentences with "; "."""
    running = next((p for p in problems if isinstance(p, StillRunning)), None)
    still = next((p for p in problems if isinstance(p, StillOpen)), None)
    fields: dict = {}
    if running is not None:
        fields.update(end=running.end.isoformat(), today=running.today.isoformat())
    if still is None:
        return N_("notice close event #{event} could not have closed the notice: the notice runs until {end} "
                  "(today is {today})"), fields
    fields.update(n=len(still.complaints), listed=still.listed)
    if running is None:
        if fields["n"] == 1:
            return N_("notice close event #{event} could not have closed the notice: 1 complaint still open: "
                      "{listed}"), fields
        return N_("notice close event #{event} could not have closed the notice: {n} complaints still open: "
                  "{listed}"), fields
    if fields["n"] == 1:
        return N_("notice close event #{event} could not have closed the notice: the notice runs until {end} "
                  "(today is {today}); 1 complaint still open: {listed}"), fields
    return N_("notice close event #{event} could not have closed the notice: the notice runs until {end} "
              "(today is {today}); {n} complaints still open: {listed}"), fields
