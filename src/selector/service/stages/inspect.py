"""Inspection stages (考察): departments' sign-offs, 民主测评 ballots, strikes and 递补."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from selector.domain.counting import Resolver
from selector.domain.cuts import Decisions, PostCut, Standing
from selector.domain.inspection import (
    EVALUATION, Finding, Grades, InspectCut, Settlement, Vetting, inspect_post, logged_decisions, missing_checks,
    open_concerns, pending_checks, to_inspect, vet,
)
from selector.domain.model import Stage
from selector.errors import (
    BallotFileError, EvaluationUnitOptions, HeldPost, InspectionIncomplete, MissingChecks, NoConcern, NoSuchInput,
    NothingReplaced, NotTied, ReasonRequired, RuleError,
)
from selector.records import dataclass, field
from selector.service import steps
from selector.service.views import corrections, frac
from selector.storage import events

if TYPE_CHECKING:
    from selector.views import StageView
    from selector.service.recheck import Report
    from selector.service.rounds import OpenRound, StageState


@dataclass
class Inspection:
    """An inspect stage as it stands: lists, rankings, each person's vetting, each post's cut."""

    stage: Stage
    lists: dict[str, tuple[str, ...]]
    rankings: dict[str, tuple[Standing, ...]]
    vetting: dict[str, Vetting]
    cuts: list[InspectCut]
    files: list[dict] = field(default_factory=list)

    @property
    def open_to(self) -> set[str]:
        return {cid for c in self.cuts for cid in c.open_to}

    @property
    def missing(self) -> dict[str, tuple[str, ...]]:
        return missing_checks(self.cuts, self.vetting)

    @property
    def pending(self) -> dict[str, tuple[str, ...]]:
        return pending_checks(self.cuts, self.vetting)

    @property
    def concerns(self) -> dict[str, tuple[str, ...]]:
        return open_concerns(self.cuts, self.vetting)


class InspectStage:
    """An `inspect` stage."""

    capability: ClassVar[str] = "inspect"
    documents: ClassVar[tuple[str, ...]] = ("shortlist", "record", "inspection")

    def __init__(self, open_: "OpenRound", stage: Stage):
        self.open, self.stage = open_, stage
        self.store, self.round = open_.store, open_.round

    # -- the state --------------------------------------------------------------------------
    def rankings(self, lists: dict[str, tuple[str, ...]]) -> dict[str, tuple[Standing, ...]]:
        """Each post's ranking from the stage that produced the list (the previous stage's cut,
        or the one before a notice that published it).

        Without one (a list taken from the roster, or a previous stage without a cut rule) the
        list's own order stands and nobody is there to backfill."""
        ranked_by = self.round.ranked_by(self.stage)
        if not self.open.takes_roster(self.stage) and ranked_by is not None and ranked_by.cut is not None:
            return {c.post: c.standings for c in self.open.handler(ranked_by).cuts()}
        return {pid: tuple(Standing(cid, Fraction(0), i, False) for i, cid in enumerate(ids, start=1))
                for pid, ids in lists.items()}

    def inspection(self, decisions: Decisions | None = None) -> Inspection:
        """Strikes and backfills as they stand (decisions applied, or the stored ones once locked)."""
        rid, stage = self.round.id, self.stage
        lists = self.open.lists(stage)
        ranks = self.rankings(lists)
        if not decisions:
            decisions = self.open.decisions(stage)
            if stage.backfill and self.open.state(stage).locked:
                cut_events = self.store.select("events", "round = ? AND stage = ? AND command = 'cut'",
                                               [rid, stage.id], "id", columns=("details",))
                if cut_events:
                    decisions = logged_decisions(stage, json.loads(cut_events[-1]["details"]))
        vetting, cuts = self.judge(lists, ranks, self.store.findings(rid, stage.id),
                                   self.store.grades(rid, stage.id), decisions, self.store.settlements(rid, stage.id))
        return Inspection(stage, lists, ranks, vetting, cuts, self.store.inspection_files(rid, stage.id))

    def judge(self, lists: dict[str, tuple[str, ...]], ranks: dict[str, tuple[Standing, ...]],
              found: dict[str, dict[str, Finding]], graded: dict[str, Grades],
              decisions: Decisions = Decisions(), settled: dict[str, Settlement] | None = None
              ) -> tuple[dict[str, Vetting], list[InspectCut]]:
        """Each person's vetting and each post's strikes and 递补, from findings, grades and the
        decisions on concerns (the stored ones, or those `audit verify` re-reads)."""
        stage, settled = self.stage, settled or {}
        vetting = {c.id: vet(c.id, stage.checks, found.get(c.id, {}), stage.evaluation, graded.get(c.id),
                             settled.get(c.id))
                   for c in self.round.candidates}
        for pid, ids in decisions.resolve.items():
            raise NotTied(pid, "backfill", tuple(ids))  # 递补 is chosen with --backfill, not --resolve
        cuts = [inspect_post(p.id, lists[p.id], ranks.get(p.id, ()), vetting, backfill=decisions.backfill.get(p.id),
                             no_backfill=p.id in decisions.no_backfill or p.id in decisions.accept_short,
                             short_without_decision=stage.backfill is False)
                for p in self.round.posts]
        return vetting, cuts

    # -- inputs ---------------------------------------------------------------------------------
    def record(self, files: list[Path], *, encoding: str | None = None, sheet: str | None = None,
               replace: bool = False, reason: str | None = None, unit: str | None = None,
               expected: int | None = None, present: int | None = None) -> list[dict]:
        """Record findings files and 民主测评 ballot files (all or nothing).

        With `replace` (a correction, with its reason) a finding replaces the stored one for the
        same candidate and check, instead of being refused; the event records each one replaced.
        `unit`, `expected` (应到) and `present` (实到) describe the one evaluation file given."""
        from selector.readers.findings import kind_of
        from selector.readers.tables import open_table

        if replace and not (reason and reason.strip()):
            raise ReasonRequired("--replace")
        given = tuple(n for n, v in (("--unit", unit), ("--expected", expected), ("--present", present))
                      if v is not None)
        if given and len(given) < 3:
            raise EvaluationUnitOptions(given, 0)
        attendance = {"unit": unit.strip(), "expected": expected, "present": present} if given else None
        stage, store, rid = self.stage, self.store, self.round.id
        resolver = Resolver(self.round.candidates)
        out = []
        with store.write():
            if replace:
                self.open.refuse_correction(stage)
            self._writable()
            self.open.refuse_expired(stage)  # a recommendation result serves one year (issue 12.6)
            known = {f["sha256"]: f["file"] for f in store.inspection_files(rid, stage.id)}
            numbers_here: dict[str, str] = {}
            # What --replace may replace: the findings stored before this command.
            replaceable = {(r["candidate"], r["check_name"]): r for r in self._finding_rows()} if replace else {}
            replaced: list[dict] = []
            added: list[int] = []
            evaluations = 0
            for path in files:
                # Each file sees the ones before it: a backfill can follow a veto in one command.
                state = self.inspection()
                with open_table(path, encoding=encoding, sheet=sheet) as table:
                    rows = list(table.rows)
                if table.sha256 in known:
                    raise BallotFileError("this exact file was already recorded for stage {stage} (as {other})",
                                          file=table.name, stage=stage.id, other=known[table.sha256])
                known[table.sha256] = table.name
                kind = kind_of(table.name, table.header, rows)
                evaluations += kind == "evaluation"
                if attendance and evaluations > 1:
                    raise EvaluationUnitOptions(given, evaluations)
                file_id = store.add_inspection_file({
                    "round": rid, "stage": stage.id, "kind": kind, "file": Path(path).name,
                    "sha256": table.sha256, "encoding": table.encoding, "sheet": sheet,
                    "header": json.dumps(table.header, ensure_ascii=False),
                    "rows": json.dumps(rows, ensure_ascii=False)})
                added.append(file_id)
                entry = {"file": Path(path).name, "kind": kind, "sha256": table.sha256,
                         "encoding": table.encoding, "rows_sha256": store.inspection_rows_digest(file_id)}
                if kind == "findings":
                    entry.update(self._findings(table, rows, resolver, state, file_id, replaceable, replaced))
                else:
                    entry.update(self._evaluation(table, rows, resolver, state, file_id, numbers_here, attendance))
                out.append(entry)
            if attendance and not evaluations:
                raise EvaluationUnitOptions(given, 0)
            if replace and not replaced:
                raise NothingReplaced(stage.id, ", ".join(Path(f).name for f in files))
            event = self.open.log(events.inspect(stage.id, out, replaced, reason.strip() if replace else None,
                                                 sheet))
            store.set_inspection_event(added, event)
        return out

    def _finding_rows(self) -> list[dict]:
        return self.store.select("findings", "round = ? AND stage = ?", [self.round.id, self.stage.id],
                                 "file, line")

    # -- corrections ----------------------------------------------------------------------------
    def file_list(self) -> list[dict]:
        """Every file the stage has recorded, withdrawn ones too, numbered 1, 2, … in order."""
        return [{**f, "number": i} for i, f in
                enumerate(self.store.inspection_files(self.round.id, self.stage.id, withdrawn=True), start=1)]

    def withdraw(self, ref: str, reason: str | None) -> dict:
        """Take back a file (number or name) or one finding (CANDIDATE/CHECK) recorded in error,
        until the cut is locked: what it said stops counting, its raw rows stay stored."""
        if not (reason and reason.strip()):
            raise ReasonRequired("--withdraw")
        stage, store, rid = self.stage, self.store, self.round.id
        reason = reason.strip()
        ref = ref.strip()
        with store.write():
            self.open.refuse_correction(stage)
            files = self.file_list()
            found = [f for f in files if ref.isdigit() and f["number"] == int(ref)] or \
                    [f for f in files if f["file"] == Path(ref).name]
            if found:
                live = [f for f in found if f["withdrawn"] is None]
                return self._withdraw_file(live[0] if live else found[-1], reason)
            if "/" not in ref:
                raise NoSuchInput(stage.id, ref, "file", tuple((f["number"], f["file"]) for f in files))
            who, _, check = ref.rpartition("/")
            cid = self.open.people.find(who.strip(), {r["candidate"] for r in self._finding_rows()})
            rows = [r for r in self._finding_rows() if r["candidate"] == cid and r["check_name"] == check.strip()]
            if not isinstance(cid, str) or not rows:
                raise NoSuchInput(stage.id, ref, "finding")
            finding = events.finding_record(rows[0])
            store.drop_finding(rid, stage.id, rows[0]["candidate"], rows[0]["check_name"])
            event = self.open.log(events.withdraw_finding(stage.id, finding=finding, reason=reason))
        return {"finding": finding, "reason": reason, "event": event}

    def _withdraw_file(self, f: dict, reason: str) -> dict:
        stage, store, rid = self.stage, self.store, self.round.id
        if f["withdrawn"] is not None:
            raise RuleError("file {number} ({file}) of stage {stage} was already withdrawn (event #{event})",
                            number=f["number"], file=f["file"], stage=stage.id, event=f["withdrawn"])
        findings = [events.finding_record(r) for r in self._finding_rows() if r["file"] == f["id"]]
        ballots = len(store.select("evaluation_papers", "round = ? AND stage = ? AND file = ?",
                                   [rid, stage.id, f["id"]], columns=("ballot",)))
        rows_sha256 = store.inspection_rows_digest(f["id"])
        store.drop_file_records(rid, stage.id, f["id"])
        event = self.open.log(events.withdraw_file(stage.id, number=f["number"], file=f, reason=reason,
                                                   rows_sha256=rows_sha256, findings=findings, ballots=ballots))
        store.mark_withdrawn("inspection_files", {"id": f["id"]}, event)
        return {"file": f["file"], "number": f["number"], "kind": f["kind"], "findings": findings,
                "ballots": ballots, "reason": reason, "event": event}

    def _writable(self) -> None:
        if self.open.state(self.stage).locked:
            raise RuleError("stage {stage} is locked: nothing more can be recorded", stage=self.stage.id)

    def _findings(self, table, rows, resolver, state: Inspection, file_id, replaceable: dict | None = None,
                  replaced: list[dict] | None = None) -> dict:
        from selector.readers.findings import read_findings

        stage, rid = self.stage, self.round.id
        if not stage.checks:
            raise BallotFileError("stage {stage} lists no checks, so it takes no findings", file=table.name,
                                  stage=stage.id)
        items = read_findings(table.name, table.header, rows, resolver=resolver,
                              allowed=state.open_to, checks=stage.checks)
        stored = self.store.findings(rid, stage.id)
        concluded: list[dict] = []
        for f in items:
            earlier = stored.get(f.candidate, {}).get(f.check)
            if earlier is not None and earlier.verdict == "pending" and f.verdict != "pending":
                # the department's conclusion on a check 核查中: it takes the pending one's place
                row = next(r for r in self._finding_rows()
                           if (r["candidate"], r["check_name"]) == (f.candidate, f.check))
                concluded.append(events.finding_record(row))
                if replaceable:
                    replaceable.pop((f.candidate, f.check), None)
                self.store.drop_finding(rid, stage.id, f.candidate, f.check)
            elif earlier is not None and (f.candidate, f.check) in (replaceable or {}):
                # --replace: the earlier finding stops counting (its file's raw rows keep it)
                replaced.append(events.finding_record(replaceable.pop((f.candidate, f.check))))
                self.store.drop_finding(rid, stage.id, f.candidate, f.check)
            elif earlier is not None:
                raise BallotFileError("{candidate} already has a {check} finding ({verdict}, {source}); a finding is "
                                      "not replaced", file=table.name, candidate=f.candidate, check=f.check,
                                      verdict=earlier.verdict, source=earlier.source)
        self.store.add_findings(rid, stage.id, file_id, items)
        summary = events.findings_summary(items)
        return {**summary, "concluded": concluded} if concluded else summary

    def _evaluation(self, table, rows, resolver, state: Inspection, file_id, numbers_here,
                    attendance: dict | None = None) -> dict:
        from selector.readers.findings import read_evaluation

        stage, rid = self.stage, self.round.id
        if stage.evaluation is None:
            raise BallotFileError("stage {stage} has no evaluation (民主测评) in the round file, so it takes no "
                                  "evaluation ballots", file=table.name, stage=stage.id)
        candidates, papers = read_evaluation(table.name, table.header, rows, resolver=resolver,
                                             allowed=state.open_to, evaluation=stage.evaluation)
        numbers = [p.number for p in papers]
        for n in numbers:
            if n in numbers_here:
                raise BallotFileError("ballot {ballot} is also in {other} (given in this same command)",
                                      file=table.name, ballot=n, other=numbers_here[n])
            numbers_here[n] = table.name
        clash = self.store.evaluation_numbers(rid, stage.id, numbers)
        if clash:
            first = sorted(clash)[0]
            raise BallotFileError("ballot {ballot} was already recorded in {other} ({n} ballot numbers repeat an "
                                  "earlier file)", file=table.name, ballot=first, other=clash[first], n=len(clash))
        if attendance:
            if attendance["present"] > attendance["expected"]:
                raise BallotFileError("--present {present} is more than --expected {expected} (实到 cannot exceed "
                                      "应到)", file=table.name, **attendance)
            if len(papers) > attendance["present"]:
                raise BallotFileError("{papers} papers but only {present} present at {unit}: more papers than "
                                      "people (实到)", file=table.name, papers=len(papers), **attendance)
            self.store.update("inspection_files", {"id": file_id}, attendance)
        self.store.add_evaluation(rid, stage.id, file_id, papers)
        return {"ballots": len(papers), "void": sum(1 for p in papers if p.void), "candidates": candidates,
                **(attendance or {})}

    def settle(self, decided: list[tuple[str, str]], reason: str | None) -> list[dict]:
        """Record the decision on candidates' open concerns, (who, keep | strike) each, with one
        reason (a 部务会 decides them together): all or nothing, one event per candidate."""
        if not (reason and reason.strip()):
            raise ReasonRequired("--keep" if decided and decided[0][1] == "keep" else "--strike")
        stage, store, rid = self.stage, self.store, self.round.id
        reason = reason.strip()
        out = []
        with store.write():
            self._writable()
            for who, decision in decided:
                state = self.inspection()
                # a name two roster people share names the one being inspected (the shared-name rule)
                cid = self.open.people.find(who.strip(), state.open_to)
                v = state.vetting.get(cid) if isinstance(cid, str) else None
                if v is None or not v.open_concerns or v.struck or cid not in state.open_to:
                    raise NoConcern(stage.id, who.strip(), decision)
                concerns = list(v.open_concerns)
                event = self.open.log(events.settle(stage.id, cid, decision, concerns, reason))
                store.add_settlement({"round": rid, "stage": stage.id, "candidate": cid, "decision": decision,
                                      "reason": reason, "concerns": json.dumps(concerns, ensure_ascii=False),
                                      "event": event})
                out.append({"candidate": cid, "decision": decision, "concerns": concerns, "reason": reason,
                            "event": event})
        return out

    # -- the cut --------------------------------------------------------------------------------
    def cuts(self, decisions: Decisions | None = None) -> list[PostCut]:
        state = self.inspection(decisions)
        return [PostCut(c.post, c.k, state.rankings.get(c.post, ()), c.status, c.held, c.advanced,
                        tie=c.tie, decision=c.decision, chosen=c.chosen) for c in state.cuts]

    def cut(self, decisions: Decisions) -> list[PostCut]:
        """Lock the list after strikes and backfills; refused while a check is missing or a post held."""
        stage = self.stage
        self.open.refuse_if_locked(stage)
        for pid in decisions.posts:
            self.round.post(pid)
        state = self.inspection(decisions)
        missing, pending, concerns = state.missing, state.pending, state.concerns
        held = [c for c in state.cuts if c.held]

        def people(found: dict) -> tuple[MissingChecks, ...]:
            return tuple(MissingChecks(cid, self.open.roster[cid].display,
                                       tuple(c.post for c in state.cuts if cid in c.members), what)
                         for cid, what in found.items())

        if missing or held or pending or concerns:
            raise InspectionIncomplete(stage.id, people(missing), tuple(
                HeldPost(c.post, "tied", c.tie.tied, c.tie.slots,
                         names=tuple(self.open.roster[i].display for i in c.tie.tied)) if c.status == "tied"
                else HeldPost(c.post, "short", c.proposed, eligible=len(c.members) - len(c.struck), k=c.k,
                              names=tuple(self.open.roster[i].display for i in c.proposed))
                for c in held), people(pending), people(concerns))
        cuts = [PostCut(c.post, c.k, state.rankings.get(c.post, ()), c.status, False, c.advanced,
                        tie=c.tie, decision=c.decision, chosen=c.chosen) for c in state.cuts]
        self.store.save_cut(self.round.id, stage.id, cuts, decisions.reason)
        self.open.log(events.inspect_cut(stage.id, state.cuts, events.struck(state.vetting, state.cuts),
                                         decisions))
        return cuts

    # -- the pipeline ---------------------------------------------------------------------------
    def label(self, state: "StageState") -> str:
        """waiting | ready | inspecting | locked."""
        if state.locked:
            return "locked"
        if self.open.waiting(self.stage):
            return "waiting"
        return "inspecting" if self.store.inspection_files(self.round.id, self.stage.id) else "ready"

    def next_step(self, label: str):
        stage = self.stage
        if label == "waiting":
            return steps.Cut(self.round.previous(stage).id)
        try:
            now_ = self.inspection()
        except RuleError as e:
            return steps.Blocked(e)
        if now_.missing:
            return steps.Inspect(stage.id, tuple(now_.missing.items()))
        if now_.pending:
            return steps.Pending(stage.id, tuple(now_.pending.items()))
        if now_.concerns:
            return steps.Settle(stage.id, tuple(now_.concerns.items()))
        proposals = to_inspect(now_.cuts, now_.vetting)
        if proposals:
            return steps.Inspect(stage.id, tuple(proposals.items()))
        if any(c.held for c in now_.cuts):
            return steps.Backfill(stage.id, tuple((c.post, c.proposed) for c in now_.cuts if c.held))
        return steps.Cut(stage.id)

    def counts(self) -> dict:
        rid, sid = self.round.id, self.stage.id
        return {"batches": len(self.store.inspection_files(rid, sid)),
                "returned": self.store.evaluation_papers(rid, sid)}

    # -- the view -------------------------------------------------------------------------------
    def view(self, cuts: list[PostCut] | None = None) -> StageView:
        """Each post's candidates with their sign-offs, 民主测评 counts and rate, struck or not."""
        stage, open_ = self.stage, self.open
        st = open_.state(stage)
        view = {"round": self.round.id, "stage": stage.id, "kind": stage.kind, "title": stage.title,
                "state": self.label(st), "attendance": None, "certified": st.certified,
                "tie_seed": self.round.tie_seed or None}
        ev = stage.evaluation
        view.update({"checks": list(stage.checks), "backfill": "decision" if stage.backfill is not False else False,
                     "evaluation": {"scale": list(ev.scale), "top": list(ev.top),
                                    "pass": str(ev.pass_) if ev.pass_ else None,
                                    "rules": [{"rule": r.text, "grades": list(r.grades), "effect": r.effect}
                                              for r in ev.rules], "unknown": list(ev.unknown)}
                     if ev else None, "files": [], "missing": {}, "posts": []})
        try:
            state = self.inspection()
        except RuleError as e:
            view["waiting"] = e
            view["posts"] = [{"post": p.id, "title": p.title, "seats": p.seats, "results": [],
                              "status": None, "advanced": None} for p in self.round.posts]
            return view
        numbered = self.file_list()
        number = {f["id"]: f["number"] for f in numbered}
        view["files"] = [{"file": f["file"], "kind": f["kind"], "sha256": f["sha256"], "at": f["at"],
                          "number": number[f["id"]]} for f in state.files]
        view["units"] = self._units(state)
        view["stage_files"] = [{"number": f["number"], "file": f["file"], "kind": f["kind"],
                                "withdrawn": f["withdrawn"]} for f in numbered]
        corrected = corrections(self.store, self.round.id, stage.id)
        if corrected:
            view["corrections"] = corrected
        view["missing"] = {cid: list(m) for cid, m in state.missing.items()}
        view["pending"] = {cid: list(m) for cid, m in state.pending.items()}
        view["concerns"] = {cid: list(m) for cid, m in state.concerns.items()}
        locked = self.store.locked_cut(self.round.id, stage.id)
        notes = self.store.findings(self.round.id, stage.id)
        for cut in state.cuts:
            post = self.round.post(cut.post)
            ranking = {s.candidate: s for s in state.rankings.get(post.id, ())}
            people = list(cut.open_to)
            people.sort(key=lambda c: (ranking[c].rank if c in ranking else 10**9, c))
            results = []
            for cid in people:
                v = state.vetting[cid]
                standing = ranking.get(cid)
                item = {"candidate": cid, "name": open_.roster[cid].display,
                        "rank": standing.rank if standing else None,
                        "score": frac(standing.score) if standing else None,
                        "listed": cid in cut.listed, "backfilled": cid in cut.backfilled,
                        "tied": bool(cut.tie and cid in cut.tie.tied and cid not in cut.members),
                        "checks": dict(v.checks),
                        "notes": {check: f.note for check, f in notes.get(cid, {}).items() if f.note},
                        "evaluation": None, "struck": v.struck,
                        "struck_by": list(v.vetoes) + ([EVALUATION] if v.evaluated is False else []),
                        "missing": list(v.missing), "passed": v.evaluated,
                        "proposed": cid in cut.proposed and cid not in cut.members,
                        "pending": list(v.pending), "concerns": list(v.concerns),
                        "settled": {"decision": v.settled.decision, "reason": v.settled.reason,
                                    "concerns": list(v.settled.concerns)} if v.settled else None}
                if v.settled is not None and v.settled.decision == "strike":
                    item["struck_by"].append("decision")
                if v.grades is not None:
                    g = v.grades
                    item["evaluation"] = {"counts": {grade: g.counts.get(grade, 0) for grade in ev.scale},
                                          "blank": g.blank, "invalid": g.invalid, "void": g.void,
                                          "valid": g.valid, "graded": g.graded, "papers": g.papers,
                                          "top": g.top(ev), "rate": frac(g.rate(ev)), "passed": v.evaluated,
                                          "rules": [{"rule": r.text, "effect": r.effect,
                                                     "count": g.count(r.grades), "of": g.graded,
                                                     "share": frac(g.share(r)), "met": g.met(r) if g.graded else None}
                                                    for r in ev.rules]}
                results.append(item)
            entry = {"post": post.id, "title": post.title, "seats": post.seats, "k": cut.k,
                     "results": results, "listed": list(cut.listed), "struck": list(cut.struck),
                     "backfilled": list(cut.backfilled), "status": cut.status, "held": cut.held,
                     "proposed": list(cut.proposed)}
            if locked is not None and post.id in locked:
                row = locked[post.id]
                entry["status"] = row["status"]
                entry["advanced"] = row["advanced"]
                if row["decision"]:
                    entry["decision"] = {"kind": row["decision"], "chosen": row["chosen"],
                                         "reason": row["reason"]}
            else:
                entry["advanced"] = None
                entry["would_advance"] = list(cut.advanced) if not cut.held else None
            if cut.tie is not None:
                entry["tie"] = {"score": frac(cut.tie.score), "tied": list(cut.tie.tied),
                                "slots": cut.tie.slots}
            view["posts"].append(entry)
        return view

    def _units(self, state: Inspection) -> list[dict]:
        """Each 民主测评 held (one evaluation file = one unit): 应到/实到, papers, and per candidate
        the grade counts and each rule's share over the papers that graded them."""
        from selector.domain.inspection import grade_counts

        ev, rid, sid = self.stage.evaluation, self.round.id, self.stage.id
        if ev is None:
            return []
        out = []
        for f in state.files:
            if f["kind"] != "evaluation":
                continue
            cells = self.store.conn.execute(
                "SELECT g.candidate, g.grade, g.unclear, p.void FROM evaluation_grades g JOIN evaluation_papers p "
                "ON p.round = g.round AND p.stage = g.stage AND p.ballot = g.ballot "
                "WHERE p.round = ? AND p.stage = ? AND p.file = ?", [rid, sid, f["id"]]).fetchall()
            papers = self.store.conn.execute("SELECT count(*), count(void) FROM evaluation_papers WHERE round = ? "
                                             "AND stage = ? AND file = ?", [rid, sid, f["id"]]).fetchone()
            people = []
            for cid, g in sorted(grade_counts(cells).items()):
                people.append({"candidate": cid, "name": self.open.roster[cid].display,
                               "counts": {grade: g.counts.get(grade, 0) for grade in ev.scale},
                               "graded": g.graded, "papers": g.papers,
                               "rules": [{"rule": r.text, "count": g.count(r.grades), "of": g.graded,
                                          "share": frac(g.share(r))} for r in ev.rules]})
            out.append({"file": f["file"], "unit": f.get("unit") or Path(f["file"]).stem,
                        "expected": f.get("expected"), "present": f.get("present"),
                        "papers": papers[0], "void": papers[1], "candidates": people})
        return out

    # -- audit verify ---------------------------------------------------------------------------
    def recheck(self, log: list[dict], report: "Report") -> None:
        from selector.service.stages.inspect_check import recheck

        recheck(self, log, report)

    def recut(self, recount, decisions: Decisions) -> None:
        return None  # re-made from the re-read findings in `recheck`

    def recheck_files(self, found: dict[str, list[Path]], folder: Path, report: "Report") -> None:
        from selector.service.stages.inspect_check import recheck_files

        recheck_files(self, found, folder, report)
