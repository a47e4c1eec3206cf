"""Public-notice stages (任前公示): dates on the official calendar, complaints, confirmation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from selector.domain.cuts import Decisions, PostCut
from selector.domain.model import Stage
from selector.domain.notice import (
    Appointee, Complaint, StillOpen, StillRunning, appointees, close_problems, end_date, one_year, post_status,
    postpone_limit,
)
from selector.errors import (
    CalendarUnknown, NoticeClosesItself, NoticeNotOpen, NotOnNotice, PostponeBeforeEnd, PostponeTooLong,
    ReasonRequired, ReceivedBeforeNotice, RuleError, UsageError,
)
from selector.records import dataclass
from selector.service import calendar, steps
from selector.storage import events
from selector.service.views import corrections
from selector.storage.clock import today

if TYPE_CHECKING:
    from selector.views import StageView
    from selector.service.recheck import Report
    from selector.service.rounds import OpenRound, StageState


def _cannot_close(stage: str, problems: list) -> RuleError:
    """The refusal to close a notice, worded whole from close_problems' values (the English is
    "the notice S cannot close: " and the problems' sentences joined by "; ")."""
    running = next((p for p in problems if isinstance(p, StillRunning)), None)
    still = next((p for p in problems if isinstance(p, StillOpen)), None)
    fields: dict = {"stage": stage}
    if running is not None:
        fields.update(end=running.end.isoformat(), today=running.today.isoformat())
    if still is None:
        return RuleError("the notice {stage} cannot close: the notice runs until {end} (today is {today})", **fields)
    fields.update(n=len(still.complaints), listed=still.listed)
    if running is None:
        if fields["n"] == 1:
            return RuleError("the notice {stage} cannot close: 1 complaint still open: {listed}", **fields)
        return RuleError("the notice {stage} cannot close: {n} complaints still open: {listed}", **fields)
    if fields["n"] == 1:
        return RuleError("the notice {stage} cannot close: the notice runs until {end} (today is {today}); "
                         "1 complaint still open: {listed}", **fields)
    return RuleError("the notice {stage} cannot close: the notice runs until {end} (today is {today}); "
                     "{n} complaints still open: {listed}", **fields)


@dataclass
class Notice:
    """A notice stage as stored: its lists, its complaints and each post's people."""

    stage: Stage
    lists: dict[str, tuple[str, ...]]
    row: dict | None  # None until opened
    complaints: list[Complaint]
    people: dict[str, list[Appointee]]  # post -> appointees with their outcome so far

    @property
    def start(self) -> date | None:
        return date.fromisoformat(self.row["start"]) if self.row else None

    @property
    def end(self) -> date | None:
        return date.fromisoformat(self.row["end"]) if self.row else None


class NoticeStage:
    """A `notice` stage."""

    capability: ClassVar[str] = "notice"
    documents: ClassVar[tuple[str, ...]] = ("shortlist", "notice", "record")

    def __init__(self, open_: "OpenRound", stage: Stage):
        self.open, self.stage = open_, stage
        self.store, self.round = open_.store, open_.round

    def notice(self) -> Notice:
        stage, rid = self.stage, self.round.id
        lists = self.open.lists(stage)
        complaints = self.store.complaints(rid, stage.id)
        return Notice(stage, lists, self.store.notice(rid, stage.id), complaints,
                      {pid: appointees(ids, complaints) for pid, ids in lists.items()})

    def _writable(self) -> None:
        if self.open.state(self.stage).locked:
            raise RuleError("stage {stage} is locked: nothing more can be recorded", stage=self.stage.id)

    def _opened(self) -> Notice:
        self._writable()
        state = self.notice()
        if state.row is None:
            raise NoticeNotOpen(self.stage.id)
        return state

    # -- inputs ---------------------------------------------------------------------------------
    def open_notice(self, first: date, last: date | None = None,
                    reason: str | None = None) -> tuple[Notice, list[str]]:
        """Fix the notice's start and end dates on the official calendar, or the round's schedule
        of a year the calendar lacks (issue 12.4). Without either the notice is refused with the
        statutory holidays of the period, unless the clerk gives the end date (`last`) with a
        reason. Returns the notice and any calendar warnings (none are made any more)."""
        stage = self.stage
        if last is not None and not (reason and reason.strip()):
            raise UsageError("--end is recorded with its reason: give --reason \"…\"")
        with self.store.write():
            self._writable()
            state = self.notice()
            if state.row is not None:
                raise RuleError("the notice {stage} is already open ({start} to {end}); its dates cannot change",
                                stage=stage.id, start=state.row["start"], end=state.row["end"])
            if not any(state.lists.values()):
                raise RuleError("stage {stage}: nobody to give notice of (every post is unfilled)", stage=stage.id)
            self.open.refuse_expired(stage)
            end, guessed = end_date(first, stage.working_days, calendar.rule(self.round))
            if last is not None:
                end = self._given_end(first, last, end, guessed)
                source = calendar.source() + "; end date given by the clerk"
            elif guessed:
                years, provisional, crossed = calendar.unknown_years(self.round, first, stage.working_days)
                raise CalendarUnknown(stage.id, years, calendar.source(), tuple((d.isoformat(), n) for d, n in crossed),
                                      provisional.isoformat())
            else:
                source = calendar.period_source(self.round, first, end)
            given = reason.strip() if last is not None and reason else None
            self.store.open_notice({"round": self.round.id, "stage": stage.id,
                                    "start": first.isoformat(), "end": end.isoformat(),
                                    "working_days": stage.working_days, "calendar": source,
                                    "warning": None, "end_reason": given})
            self.open.log(events.notice_open(stage.id, start=first.isoformat(), end=end.isoformat(),
                                             working_days=stage.working_days, calendar=source,
                                             warnings=[], candidates=state.lists, end_reason=given))
        return self.notice(), []

    def _given_end(self, first: date, last: date, counted: date, guessed: tuple[date, ...]) -> date:
        """An end date the clerk gives: on or after the start and, where the calendar knows every
        day of the period, no earlier than the N-th working day."""
        if last < first:
            raise RuleError("--end {end} is before --start {start}", end=last.isoformat(), start=first.isoformat())
        if not guessed and last < counted:
            raise RuleError("--end {end}: the notice {stage} lasts {days} working days, which end on {counted} on the "
                            "official calendar", end=last.isoformat(), stage=self.stage.id,
                            days=self.stage.working_days, counted=counted.isoformat())
        return last

    def add_complaint(self, *, received: date, candidate: str, summary: str, named: bool) -> Complaint:
        """Log a complaint received during the notice."""
        stage = self.stage
        with self.store.write():
            state = self._opened()
            listed = {cid for ids in state.lists.values() for cid in ids}
            cid = self.open.people.find(candidate, listed)
            if not isinstance(cid, str) or cid not in listed:
                raise NotOnNotice(candidate, stage.id,
                                  tuple((c, self.open.roster[c].display) for c in sorted(listed)))
            if received < state.start:
                raise ReceivedBeforeNotice(received.isoformat(), state.start.isoformat())
            if received > today():
                raise RuleError("--received {received} is in the future (today is {today})",
                                received=received.isoformat(), today=today().isoformat())
            late = received > state.end  # recorded, and shown as late (issue 12.5)
            # numbered over every complaint logged: a withdrawn one keeps its number
            number = max((r["number"] for r in self.store.complaint_rows(self.round.id, stage.id)), default=0) + 1
            complaint = Complaint(number, received, cid, summary.strip(), named)
            self.store.add_complaint(self.round.id, stage.id, complaint)
            self.open.log(events.complaint(stage.id, number=number, received=received.isoformat(),
                                           candidate=cid, summary=complaint.summary, named=named, late=late))
        return complaint

    def resolve_complaint(self, number: int, outcome: str, note: str, until: date | None = None) -> Complaint:
        """Close a complaint with its outcome; `postpone` holds the appointee until a date."""
        stage, rid = self.stage, self.round.id
        with self.store.write():
            state = self._opened()
            found = [c for c in state.complaints if c.number == number]
            self._refuse_withdrawn(number)
            if not found:
                raise RuleError("the notice {stage} has no complaint #{number} (complaints: {known})", stage=stage.id,
                                number=number, known=", ".join(f"#{c.number}" for c in state.complaints) or "none")
            complaint = found[0]
            if complaint.outcome is not None:
                raise RuleError("complaint #{number} is already closed ({outcome}); an outcome is not changed",
                                number=number, outcome=complaint.outcome)
            held = None
            if outcome == "postpone":
                limit = postpone_limit(state.end)
                held = until or limit
                if held > limit:
                    raise PostponeTooLong(held.isoformat(), limit.isoformat())
                if held < state.end:
                    raise PostponeBeforeEnd(held.isoformat(), state.end.isoformat())
            self.store.resolve_complaint(rid, stage.id, number, outcome, note.strip(), held)
            self.open.log(events.complaint_resolved(stage.id, number=number, candidate=complaint.candidate,
                                                    outcome=outcome, note=note.strip(),
                                                    until=held.isoformat() if held else None))
        return next(c for c in self.store.complaints(rid, stage.id) if c.number == number)

    def _refuse_withdrawn(self, number: int) -> None:
        for r in self.store.complaint_rows(self.round.id, self.stage.id):
            if r["number"] == number and r["withdrawn"] is not None:
                raise RuleError("complaint #{number} of the notice {stage} was withdrawn (event #{event})",
                                number=number, stage=self.stage.id, event=r["withdrawn"])

    def withdraw_complaint(self, number: int, reason: str | None) -> dict:
        """Withdraw a complaint entered in error (a correction, until the notice is closed): it
        stops counting (no outcome of it holds anyone), and stays in the record, marked."""
        if not (reason and reason.strip()):
            raise ReasonRequired("withdraw-complaint")
        stage, rid = self.stage, self.round.id
        with self.store.write():
            self.open.refuse_correction(stage)
            state = self._opened()
            self._refuse_withdrawn(number)
            rows = [r for r in self.store.complaint_rows(rid, stage.id) if r["number"] == number]
            if not rows:
                raise RuleError("the notice {stage} has no complaint #{number} (complaints: {known})",
                                stage=stage.id, number=number,
                                known=", ".join(f"#{c.number}" for c in state.complaints) or "none")
            row = rows[0]
            event = self.open.log(events.withdraw_complaint(stage.id, number=number, candidate=row["candidate"],
                                                            reason=reason.strip(), complaint=row))
            self.store.mark_withdrawn("complaints", {"round": rid, "stage": stage.id, "number": number}, event)
        return {"number": number, "candidate": row["candidate"], "reason": reason.strip(), "event": event}

    def close_notice(self, appointed: date | None = None) -> Notice:
        """Confirm the appointees once the whole last day has passed and every complaint is
        closed. A 任前公示 records the appointment date (`appointed`, default today: after the
        notice, not in the future) and, for appointed posts, the 试用期's end (issue 12.6)."""
        stage = self.stage
        with self.store.write():
            state = self._opened()
            names = {c: self.open.roster[c].display for c in self.open.roster}
            problems = close_problems(today(), state.end, state.complaints, names)
            if problems:
                raise _cannot_close(stage.id, problems)
            if stage.of != "appointment":
                if appointed is not None:
                    raise RuleError("--appointed: the notice {stage} publishes the 考察对象 (of = \"inspection\"), "
                                    "not appointments", stage=stage.id)
            elif appointed is None:
                appointed = today()
            elif appointed <= state.end or appointed > today():
                raise RuleError("--appointed {day}: an appointment follows the notice (after {end}) and is not in "
                                "the future (today is {today})", day=appointed.isoformat(),
                                end=state.end.isoformat(), today=today().isoformat())
            cuts = self.confirmed(state)
            self.store.save_cut(self.round.id, stage.id, cuts, None)
            made = self.appointments(cuts, appointed) if appointed is not None else None
            if made:
                self.store.add_appointments(self.round.id, stage.id, made)
            people = [p for ps in state.people.values() for p in ps]
            self.open.log(events.notice_close(
                stage.id, cuts, [p.candidate for p in people if p.outcome == "dropped"],
                {p.candidate: p.until.isoformat() for p in people if p.outcome == "pending"},
                today().isoformat(), made))
        return self.notice()

    def appointments(self, cuts: list[PostCut], appointed: date) -> list[dict]:
        """Each confirmed appointee with the appointment date and, for an appointed (not elected)
        post, the end of the 试用期 of `probation_months` (start day counted)."""
        out = []
        for c in cuts:
            post = self.round.post(c.post)
            for cid in c.advanced:
                until = None if post.elected else one_year(appointed, self.stage.probation_months).isoformat()
                out.append({"post": c.post, "candidate": cid, "appointed": appointed.isoformat(),
                            "probation_until": until})
        return out

    def confirmed(self, state: Notice) -> list[PostCut]:
        """The confirmed appointees per post, from the complaints' outcomes."""
        cuts = []
        for post in self.round.posts:
            people = state.people[post.id]
            ids = tuple(p.candidate for p in people if p.outcome == "confirmed")
            cuts.append(PostCut(post.id, len(people), (), post_status(people) if people else "unfilled",
                                False, ids))
        return cuts

    # -- the cut --------------------------------------------------------------------------------
    def cuts(self, decisions: Decisions | None = None) -> list[PostCut]:
        return self.confirmed(self.notice())

    def cut(self, decisions: Decisions) -> list[PostCut]:
        raise NoticeClosesItself(self.stage.id)

    # -- the pipeline ---------------------------------------------------------------------------
    def label(self, state: "StageState") -> str:
        """waiting | ready | open | locked."""
        if state.locked:
            return "locked"
        if self.open.waiting(self.stage):
            return "waiting"
        return "open" if self.store.notice(self.round.id, self.stage.id) else "ready"

    def next_step(self, label: str):
        stage = self.stage
        if label == "waiting":
            return steps.Cut(self.round.previous(stage).id)
        if label == "ready":
            return steps.OpenNotice(stage.id)
        now_ = self.notice()
        still = [c for c in now_.complaints if c.outcome is None]
        if still:
            return steps.ResolveComplaint(stage.id, still[0].number)
        return steps.CloseNotice(stage.id, now_.end.isoformat())

    def counts(self) -> dict:
        out = {"batches": 0, "returned": 0,
               "complaints": len(self.store.complaints(self.round.id, self.stage.id))}
        made = self.store.appointments(self.round.id, self.stage.id)
        if made:  # after a 任前公示 closed: who was appointed, and until when on probation
            out["appointees"] = [{**r, "name": self.open.roster[r["candidate"]].display} for r in made]
        return out

    # -- the view -------------------------------------------------------------------------------
    def view(self, cuts: list[PostCut] | None = None) -> StageView:
        """The notice's dates, complaints and each appointee's outcome."""
        stage, open_ = self.stage, self.open
        st = open_.state(stage)
        view = {"round": self.round.id, "stage": stage.id, "kind": stage.kind, "title": stage.title,
                "state": self.label(st), "attendance": None, "certified": st.certified,
                "tie_seed": self.round.tie_seed or None}
        try:
            state = self.notice()
        except RuleError as e:
            view.update({"waiting": e, "notice": {"of": stage.of, "start": None, "end": None, "complaints": []},
                         "posts": [{"post": p.id, "title": p.title, "seats": p.seats, "results": [],
                                    "status": None, "advanced": None} for p in self.round.posts]})
            return view
        row = state.row or {}
        roster = open_.roster
        corrected = corrections(self.store, self.round.id, stage.id)
        if corrected:
            view["corrections"] = corrected
        view["posts"] = []
        view["notice"] = {
            "of": stage.of,
            "start": row.get("start"), "end": row.get("end"), "working_days": stage.working_days,
            "calendar": row.get("calendar"), "warning": row.get("warning"),
            "complaints": [{"number": c.number, "candidate": c.candidate,
                            "name": roster[c.candidate].display, "received": c.received.isoformat(),
                            "summary": c.summary, "named": c.named, "outcome": c.outcome,
                            "note": c.note or None, "until": c.until.isoformat() if c.until else None,
                            **({"late": True} if state.end and c.late(state.end) else {})}
                           for c in state.complaints]}
        if row.get("end_reason"):
            view["notice"]["end_reason"] = row["end_reason"]
        made = self.store.appointments(self.round.id, stage.id)
        if made:
            view["notice"]["appointments"] = [{**r, "name": roster[r["candidate"]].display} for r in made]
        locked = self.store.locked_cut(self.round.id, stage.id)
        for post in self.round.posts:
            people = state.people[post.id]
            entry = {"post": post.id, "title": post.title, "seats": post.seats,
                     "results": [{"candidate": p.candidate, "name": roster[p.candidate].display,
                                  "outcome": p.outcome, "until": p.until.isoformat() if p.until else None,
                                  "complaints": list(p.complaints)} for p in people]}
            if locked is not None and post.id in locked:
                entry["status"] = locked[post.id]["status"]
                entry["advanced"] = locked[post.id]["advanced"]
            else:
                entry["status"] = None
                entry["advanced"] = None
            entry["pending"] = [{"candidate": p.candidate, "until": p.until.isoformat()}
                                for p in people if p.outcome == "pending"]
            view["posts"].append(entry)
        return view

    # -- audit verify ---------------------------------------------------------------------------
    def recheck(self, log: list[dict], report: "Report") -> None:
        from selector.service.stages.notice_check import recheck

        recheck(self, log, report)

    def recut(self, recount, decisions: Decisions) -> None:
        return None  # re-made from the complaints' outcomes in `recheck`

    def recheck_files(self, found: dict[str, list[Path]], folder: Path, report: "Report") -> None:
        return None  # a notice has no input files
