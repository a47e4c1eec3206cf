"""Use cases of the non-ballot stages: inspection (考察) and public notice (任前公示).

Like `app`, this is between the files, the database and the domain rules, and never prints.
Every function works on an open `app.Selection`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Iterable

from selector import workdays
from selector.readers.tables import open_table
from selector.domain.counting import Resolver
from selector.domain.cuts import PostCut, Standing
from selector.domain.inspection import (
    Finding, Grades, InspectCut, Vetting, inspect_post, missing_checks, vet,
)
from selector.domain.notice import (
    OUTCOMES, Appointee, Complaint, appointees, close_problems, end_date, post_status, postpone_limit,
)
from selector.domain.model import Stage
from selector.errors import BallotFileError, RuleError, UsageError
from selector.readers.findings import kind_of, read_evaluation, read_findings
from selector.storage import digest, records


def _stage(sel, stage_id: str, kind: str) -> Stage:
    stage = sel.round.stage(stage_id)
    if stage.kind != kind:
        raise UsageError(f"stage {stage.id} is a {stage.kind} stage, not {kind}")
    return stage


def _writable(sel, stage: Stage) -> None:
    if sel.state(stage)["locked"]:
        raise RuleError(f"stage {stage.id} is locked: nothing more can be recorded")


def today() -> date:
    """Today in China (UTC+8); `SOURCE_DATE_EPOCH` fixes it like every timestamp."""
    from selector.storage.store import now

    return (datetime.fromisoformat(now()) + timedelta(hours=8)).date()


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: expected a date like 2026-09-29, got {text!r}") from None


# -- inspection -------------------------------------------------------------------------
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


def rankings(sel, stage: Stage, lists: dict[str, tuple[str, ...]]) -> dict[str, tuple[Standing, ...]]:
    """Each post's ranking from the stage that produced the list (the previous stage's cut).

    Without one (a list taken from the roster, or a previous stage without a cut rule) the
    list's own order stands and nobody is there to backfill."""
    previous = sel.round.previous(stage)
    if not sel.takes_roster(stage) and previous.cut is not None:
        return {c.post: c.standings for c in sel.cuts(previous)}
    return {pid: tuple(Standing(cid, Fraction(0), i, False) for i, cid in enumerate(ids, start=1))
            for pid, ids in lists.items()}


def inspection(sel, stage: Stage, resolve: dict[str, tuple[str, ...]] | None = None,
               accept_short: Iterable[str] = ()) -> Inspection:
    """Strikes and backfills as they stand (decisions applied, or the stored ones once locked)."""
    rid = sel.round.id
    lists = sel.lists(stage)
    ranks = rankings(sel, stage, lists)
    if resolve is None and not accept_short:
        _, resolve, accept_short, _ = sel.stored_decisions(stage)
    found = records.findings(sel.store, rid, stage.id)
    graded = records.grades(sel.store, rid, stage.id)
    vetting, cuts = judge(sel, stage, lists, ranks, found, graded, resolve, accept_short)
    return Inspection(stage, lists, ranks, vetting, cuts, records.inspection_files(sel.store, rid, stage.id))


def judge(sel, stage: Stage, lists: dict[str, tuple[str, ...]], ranks: dict[str, tuple[Standing, ...]],
          found: dict[str, dict[str, Finding]], graded: dict[str, Grades],
          resolve: dict[str, tuple[str, ...]] | None = None,
          accept_short: Iterable[str] = ()) -> tuple[dict[str, Vetting], list[InspectCut]]:
    """Each person's vetting and each post's strikes and backfills, from findings and grades
    (the stored ones, or those `audit verify` re-reads from the stored raw rows)."""
    resolve = resolve or {}
    accept = set(accept_short)
    vetting = {c.id: vet(c.id, stage.checks, found.get(c.id, {}), stage.evaluation, graded.get(c.id))
               for c in sel.round.candidates}
    cuts = [inspect_post(p.id, lists[p.id], ranks.get(p.id, ()), vetting, stage.backfill,
                         resolve=resolve.get(p.id), accept_short=p.id in accept)
            for p in sel.round.posts]
    return vetting, cuts


def struck_record(vetting: dict[str, Vetting], cuts: list[InspectCut]) -> dict:
    """Who was struck and why, as the inspect cut event records it."""
    return {cid: {"vetoes": list(v.vetoes), "evaluation": v.evaluated}
            for cid, v in vetting.items() if v.struck and any(cid in c.members for c in cuts)}


def record_inspection(sel, stage_id: str, files: list[Path], *, encoding: str | None = None,
                      sheet: str | None = None) -> list[dict]:
    """Record findings files and 民主测评 ballot files for an inspect stage (all or nothing)."""
    stage = _stage(sel, stage_id, "inspect")
    rid = sel.round.id
    resolver = Resolver(sel.round.candidates)
    out = []
    with sel.store.write():
        _writable(sel, stage)
        known = {f["sha256"]: f["file"] for f in records.inspection_files(sel.store, rid, stage.id)}
        numbers_here: dict[str, str] = {}
        for path in files:
            # Each file sees the ones before it: a backfill can follow a veto in one command.
            state = inspection(sel, stage)
            with open_table(path, encoding=encoding, sheet=sheet) as table:
                rows = list(table.rows)
            if table.sha256 in known:
                raise BallotFileError(f"{table.name}: this exact file was already recorded for "
                                      f"stage {stage.id} (as {known[table.sha256]})")
            known[table.sha256] = table.name
            kind = kind_of(table.name, table.header)
            file_id = records.add_inspection_file(sel.store, {
                "round": rid, "stage": stage.id, "kind": kind, "file": Path(path).name,
                "sha256": table.sha256, "encoding": table.encoding, "sheet": sheet,
                "header": json.dumps(table.header, ensure_ascii=False),
                "rows": json.dumps(rows, ensure_ascii=False)})
            entry = {"file": Path(path).name, "kind": kind, "sha256": table.sha256, "encoding": table.encoding,
                     "rows_sha256": digest.inspection_rows(sel.store, file_id)}
            if kind == "findings":
                entry.update(_record_findings(sel, stage, table, rows, resolver, state, file_id))
            else:
                entry.update(_record_evaluation(sel, stage, table, rows, resolver, state, file_id,
                                                numbers_here))
            out.append(entry)
        sel.store.log(rid, sel.operator, "inspect", stage.id,
                      {"files": [{k: v for k, v in e.items() if k != "sha256"} for e in out]},
                      {e["file"]: e["sha256"] for e in out})
    return out


def _record_findings(sel, stage, table, rows, resolver, state: Inspection, file_id) -> dict:
    rid = sel.round.id
    if not stage.checks:
        raise BallotFileError(f"{table.name}: stage {stage.id} lists no checks, so it takes no findings")
    items = read_findings(table.name, table.header, rows, resolver=resolver,
                          allowed=state.open_to, checks=stage.checks)
    stored = records.findings(sel.store, rid, stage.id)
    for f in items:
        earlier = stored.get(f.candidate, {}).get(f.check)
        if earlier is not None:
            raise BallotFileError(f"{table.name}: {f.candidate} already has a {f.check} finding "
                                  f"({earlier.verdict}, {earlier.source}); a finding is not replaced")
    records.add_findings(sel.store, rid, stage.id, file_id, items)
    return {"findings": len(items),
            "vetoes": [f"{f.candidate} {f.check}" for f in items if f.verdict == "veto"],
            "concerns": [f"{f.candidate} {f.check}" for f in items if f.verdict == "concern"]}


def _record_evaluation(sel, stage, table, rows, resolver, state: Inspection, file_id, numbers_here) -> dict:
    rid = sel.round.id
    if stage.evaluation is None:
        raise BallotFileError(f"{table.name}: stage {stage.id} has no evaluation (民主测评) in the "
                              "round file, so it takes no evaluation ballots")
    candidates, papers = read_evaluation(table.name, table.header, rows, resolver=resolver,
                                         allowed=state.open_to, evaluation=stage.evaluation)
    numbers = [p.number for p in papers]
    for n in numbers:
        if n in numbers_here:
            raise BallotFileError(f"{table.name}: ballot {n} is also in {numbers_here[n]} "
                                  "(given in this same command)")
        numbers_here[n] = table.name
    clash = records.evaluation_numbers(sel.store, rid, stage.id, numbers)
    if clash:
        first = sorted(clash)[0]
        raise BallotFileError(f"{table.name}: ballot {first} was already recorded in {clash[first]} "
                              f"({len(clash)} ballot numbers repeat an earlier file)")
    records.add_evaluation(sel.store, rid, stage.id, file_id, papers)
    return {"ballots": len(papers), "void": sum(1 for p in papers if p.void), "candidates": candidates}


class InspectionIncomplete(RuleError):
    """The inspection cannot be locked: checks are missing or a post is held."""


def cut_inspect(sel, stage: Stage, resolve: dict[str, tuple[str, ...]] | None,
                accept_short: list[str], reason: str | None) -> list[PostCut]:
    """Lock the list after strikes and backfills; refused while a check is missing or a post held."""
    rid = sel.round.id
    for pid in [*(resolve or {}), *accept_short]:
        sel.round.post(pid)
    state = inspection(sel, stage, resolve or {}, accept_short)
    names = sel.roster
    problems = []
    missing = state.missing
    for cid, what in missing.items():
        posts = [c.post for c in state.cuts if cid in c.members]
        problems.append(f"{cid} {names[cid].display} ({', '.join(posts)}): missing {', '.join(what)}")
    for c in state.cuts:
        if c.held and c.status == "tied":
            problems.append(f"{c.post}: backfill tied between {', '.join(c.tie.tied)} for {c.tie.slots} "
                            f"place{'s' if c.tie.slots > 1 else ''}: --resolve {c.post}=ID --reason \"…\"")
        elif c.held:
            problems.append(f"{c.post}: short ({len(c.members) - len(c.struck)} of {c.k} after strikes, "
                            f"nobody left to backfill): --accept-short {c.post} --reason \"…\"")
    if problems:
        raise InspectionIncomplete(
            f"stage {stage.id}: nothing locked: {len(missing)} candidate"
            f"{'s' if len(missing) != 1 else ''} missing checks, "
            f"{sum(1 for c in state.cuts if c.held)} post(s) held", problems)
    cuts = [PostCut(c.post, c.k, state.rankings.get(c.post, ()), c.status, False, c.advanced,
                    tie=c.tie, decision=c.decision, chosen=c.chosen) for c in state.cuts]
    sel.store.save_cut(rid, stage.id, cuts, reason)
    sel.store.log(rid, sel.operator, "cut", stage.id, {
        "posts": {c.post: {"status": c.status, "advanced": list(c.advanced), "struck": list(c.struck),
                           "backfilled": list(c.backfilled),
                           **({"decision": c.decision, "chosen": list(c.chosen)} if c.decision else {})}
                  for c in state.cuts},
        "struck": struck_record(state.vetting, state.cuts),
        **({"reason": reason, "resolve": {k: list(v) for k, v in (resolve or {}).items()},
            "accept_short": accept_short} if reason else {}),
    })
    return cuts


# -- notice --------------------------------------------------------------------------------
@dataclass
class Notice:
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


def notice(sel, stage: Stage) -> Notice:
    lists = sel.lists(stage)
    row = records.notice(sel.store, sel.round.id, stage.id)
    complaints = records.complaints(sel.store, sel.round.id, stage.id)
    return Notice(stage, lists, row, complaints,
                  {pid: appointees(ids, complaints) for pid, ids in lists.items()})


def _opened(sel, stage_id: str) -> tuple[Stage, Notice]:
    stage = _stage(sel, stage_id, "notice")
    _writable(sel, stage)
    state = notice(sel, stage)
    if state.row is None:
        raise RuleError(f"the notice {stage.id} is not open yet: "
                        f"selector notice {stage.id} open --start YYYY-MM-DD")
    return stage, state


def open_notice(sel, stage_id: str, start: str) -> tuple[Notice, list[str]]:
    """Fix the notice's start and end dates; returns the notice and any calendar warnings."""
    stage = _stage(sel, stage_id, "notice")
    first = parse_date(start, "--start")
    with sel.store.write():
        _writable(sel, stage)
        state = notice(sel, stage)
        if state.row is not None:
            raise RuleError(f"the notice {stage.id} is already open ({state.row['start']} to "
                            f"{state.row['end']}); its dates cannot change")
        if not any(state.lists.values()):
            raise RuleError(f"stage {stage.id}: nobody to give notice of (every post is unfilled)")
        end, guessed = end_date(first, stage.working_days, workdays.is_workday)
        source = workdays.source()
        warnings = []
        if guessed:
            years = sorted({d.year for d in guessed})
            warnings.append(f"{source} does not cover {', '.join(map(str, years))}: "
                            f"those days were counted Monday–Friday; check the State Council's "
                            "holiday notice before publishing")
        records.open_notice(sel.store, {"round": sel.round.id, "stage": stage.id,
                                        "start": first.isoformat(), "end": end.isoformat(),
                                        "working_days": stage.working_days, "calendar": source,
                                        "warning": "; ".join(warnings) or None})
        sel.store.log(sel.round.id, sel.operator, "notice open", stage.id,
                      {"start": first.isoformat(), "end": end.isoformat(),
                       "working_days": stage.working_days, "calendar": source,
                       **({"warning": warnings[0]} if warnings else {}),
                       "candidates": {p: list(ids) for p, ids in state.lists.items()}})
    return notice(sel, stage), warnings


def add_complaint(sel, stage_id: str, *, received: str, candidate: str, summary: str,
                  named: bool) -> Complaint:
    """Log a complaint received during the notice."""
    day = parse_date(received, "--received")
    if not summary.strip():
        raise UsageError("--summary: say what the complaint is about")
    with sel.store.write():
        stage, state = _opened(sel, stage_id)
        listed = {cid for ids in state.lists.values() for cid in ids}
        cid = Resolver(sel.round.candidates).resolve(candidate)
        if not isinstance(cid, str) or cid not in listed:
            names = ", ".join(f"{c} {sel.roster[c].display}" for c in sorted(listed))
            raise RuleError(f"--candidate {candidate!r} is not on the notice {stage.id} ({names})")
        if day < state.start:
            raise RuleError(f"--received {day.isoformat()} is before the notice opened "
                            f"({state.start.isoformat()})")
        number = max((c.number for c in state.complaints), default=0) + 1
        complaint = Complaint(number, day, cid, summary.strip(), named)
        records.add_complaint(sel.store, sel.round.id, stage.id, complaint)
        sel.store.log(sel.round.id, sel.operator, "complaint", stage.id,
                      {"number": number, "received": day.isoformat(), "candidate": cid,
                       "summary": complaint.summary, "named": named})
    return complaint


def resolve_complaint(sel, stage_id: str, number: int, outcome: str, note: str,
                      until: str | None = None) -> Complaint:
    """Close a complaint with its outcome; `postpone` holds the appointee until a date."""
    if outcome not in OUTCOMES:
        raise UsageError(f"--outcome must be one of {' | '.join(OUTCOMES)}, not {outcome!r}")
    if not note.strip():
        raise UsageError("--note: record how the complaint was checked and concluded")
    if until is not None and outcome != "postpone":
        raise UsageError("--until applies to --outcome postpone only")
    with sel.store.write():
        stage, state = _opened(sel, stage_id)
        found = [c for c in state.complaints if c.number == number]
        if not found:
            raise RuleError(f"the notice {stage.id} has no complaint #{number} "
                            f"(complaints: {', '.join(f'#{c.number}' for c in state.complaints) or 'none'})")
        complaint = found[0]
        if complaint.outcome is not None:
            raise RuleError(f"complaint #{number} is already closed ({complaint.outcome}); "
                            "an outcome is not changed")
        held = None
        if outcome == "postpone":
            limit = postpone_limit(state.end)
            held = parse_date(until, "--until") if until else limit
            if held > limit:
                raise RuleError(f"--until {held.isoformat()}: a postponement lasts at most three "
                                f"months after the notice ends ({limit.isoformat()})")
            if held < state.end:
                raise RuleError(f"--until {held.isoformat()} is before the notice ends "
                                f"({state.end.isoformat()})")
        records.resolve_complaint(sel.store, sel.round.id, stage.id, number, outcome, note.strip(), held)
        sel.store.log(sel.round.id, sel.operator, "complaint resolved", stage.id,
                      {"number": number, "candidate": complaint.candidate, "outcome": outcome,
                       "note": note.strip(), **({"until": held.isoformat()} if held else {})})
    return next(c for c in records.complaints(sel.store, sel.round.id, stage.id) if c.number == number)


def close_notice(sel, stage_id: str) -> Notice:
    """Confirm the appointees once the end date is reached and every complaint is closed."""
    with sel.store.write():
        stage, state = _opened(sel, stage_id)
        names = {c: sel.roster[c].display for c in sel.roster}
        problems = close_problems(today(), state.end, state.complaints, names)
        if problems:
            raise RuleError(f"the notice {stage.id} cannot close: " + "; ".join(problems))
        cuts = notice_cuts(sel, state)
        sel.store.save_cut(sel.round.id, stage.id, cuts, None)
        sel.store.log(sel.round.id, sel.operator, "notice close", stage.id, {
            "posts": {c.post: {"status": c.status, "advanced": list(c.advanced)} for c in cuts},
            "dropped": [p.candidate for ps in state.people.values() for p in ps if p.outcome == "dropped"],
            "pending": {p.candidate: p.until.isoformat() for ps in state.people.values()
                        for p in ps if p.outcome == "pending"},
            "today": today().isoformat()})
    return notice(sel, stage)


def notice_cuts(sel, state: Notice) -> list[PostCut]:
    """The confirmed appointees per post, from the complaints' outcomes."""
    cuts = []
    for post in sel.round.posts:
        people = state.people[post.id]
        confirmed = tuple(p.candidate for p in people if p.outcome == "confirmed")
        cuts.append(PostCut(post.id, len(people), (), post_status(people) if people else "unfilled",
                            False, confirmed))
    return cuts


# -- pipeline ------------------------------------------------------------------------------
def label(sel, stage: Stage, locked: bool) -> str:
    """inspect: waiting | ready | inspecting | locked; notice: waiting | ready | open | locked."""
    if locked:
        return "locked"
    try:
        sel.lists(stage)
    except RuleError:
        return "waiting"
    if stage.kind == "inspect":
        return "inspecting" if records.inspection_files(sel.store, sel.round.id, stage.id) else "ready"
    return "open" if records.notice(sel.store, sel.round.id, stage.id) else "ready"


def next_step(sel, stage: Stage, state: str) -> str:
    if state == "waiting":  # only a stage with a previous one waits
        return f"selector cut {sel.round.previous(stage).id}"
    if stage.kind == "inspect":
        try:
            now_ = inspection(sel, stage)
        except RuleError as e:
            return str(e)
        missing = now_.missing
        if missing:
            who = ", ".join(f"{cid}: {'/'.join(m)}" for cid, m in list(missing.items())[:4])
            more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
            return f"selector inspect {stage.id} FINDINGS.csv … (missing {who}{more})"
        held = [c for c in now_.cuts if c.held]
        if held:
            return f"selector cut {stage.id} --resolve/--accept-short … --reason \"…\" (see selector show {stage.id})"
        return f"selector cut {stage.id}"
    if state == "ready":
        return f"selector notice {stage.id} open --start YYYY-MM-DD"
    now_ = notice(sel, stage)
    still = [c for c in now_.complaints if c.outcome is None]
    if still:
        return (f"selector notice {stage.id} resolve {still[0].number} --outcome "
                f"unfounded|minor|serious|postpone --note \"…\"")
    return f"selector notice {stage.id} close (on or after {now_.end.isoformat()})"


def counts(sel, stage: Stage) -> dict:
    """Figures for `status`: files recorded (inspect) or complaints logged (notice)."""
    if stage.kind == "inspect":
        return {"batches": len(records.inspection_files(sel.store, sel.round.id, stage.id)),
                "returned": records.evaluation_papers(sel.store, sel.round.id, stage.id)}
    return {"batches": 0, "returned": 0,
            "complaints": len(records.complaints(sel.store, sel.round.id, stage.id))}
