"""Inspection (考察, SPEC §3 "Inspection and notice"): sign-offs, 民主测评, strikes and 递补.

Inspection is of a person, not of a post: one person's findings and evaluation count on
every post list they stand on. A candidate is struck by any `veto`, by a 民主测评 that misses
a pass rule or meets a strike rule (shares over the papers that graded them), or by a
recorded decision on a concern. A `pending` check (核查中) and an unsettled concern block the
cut. A struck candidate's replacement (递补) is proposed from the ranking that produced the
list and comes in only by a recorded decision (2019 条例: 递补 is decided, not automatic).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from selector.domain.cuts import Decisions, Standing, Tie
from selector.domain.model import Evaluation, GradeRule, Stage
from selector.errors import NotProposed, NotShort
from selector.records import dataclass, field

VERDICTS = ("clear", "pending", "concern", "veto")
EVALUATION = "民主测评"  # how a missing evaluation is named among the missing checks
SETTLEMENTS = ("keep", "strike")


@dataclass(frozen=True)
class Finding:
    """One department's sign-off on one candidate (凡提四必, 道德品行鉴定 and the like)."""

    candidate: str
    check: str
    verdict: str  # clear | pending (核查中) | concern | veto
    note: str = ""
    source: str = ""  # file and row, for the record
    line: int = 0  # row in its file


@dataclass
class EvaluationPaper:
    """One 民主测评 paper: the grade given each candidate ("" blank or 不了解; None unclear)."""

    number: str
    void: str | None
    grades: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Grades:
    """A candidate's 民主测评 counts over every paper that had a column for them.

    Only papers that gave a grade on the scale count (`graded`, the denominator of every
    rate): a blank or 不了解 cell, an unclear mark (废) and a void paper do not."""

    counts: Mapping[str, int] = field(default_factory=dict)  # grade -> papers
    blank: int = 0  # blank or 不了解
    invalid: int = 0  # unclear mark (废)
    void: int = 0

    @property
    def graded(self) -> int:
        return sum(self.counts.values())

    @property
    def valid(self) -> int:
        """The denominator of the rates: papers that graded the candidate."""
        return self.graded

    @property
    def papers(self) -> int:
        """Every paper that had a column for the candidate (void ones too)."""
        return self.graded + self.blank + self.invalid + self.void

    def count(self, grades: Sequence[str]) -> int:
        return sum(self.counts.get(g, 0) for g in grades)

    def top(self, evaluation: Evaluation) -> int:
        return self.count(evaluation.top)

    def rate(self, evaluation: Evaluation) -> Fraction:
        """Share of the first pass rule's grades over graded papers (0 with none)."""
        return Fraction(self.top(evaluation), self.graded) if self.graded else Fraction(0)

    def share(self, rule: GradeRule) -> Fraction:
        return Fraction(self.count(rule.grades), self.graded) if self.graded else Fraction(0)

    def met(self, rule: GradeRule) -> bool:
        return rule.threshold.met(self.count(rule.grades), self.graded)

    def passed(self, evaluation: Evaluation) -> bool | None:
        """None while nobody graded the candidate: the evaluation is still missing. False when a
        pass rule is missed or a strike rule met."""
        if not self.graded:
            return None
        return all(self.met(r) == (r.effect == "pass") for r in evaluation.rules if r.effect != "concern")


@dataclass(frozen=True)
class Settlement:
    """A recorded decision on a candidate's concerns: keep (they go on) or strike, and why."""

    decision: str  # keep | strike
    reason: str
    concerns: tuple[str, ...]  # the concerns it settled (checks, or 民主测评)


@dataclass(frozen=True)
class Vetting:
    """Where one candidate stands in the inspection."""

    candidate: str
    checks: Mapping[str, str | None]  # check -> verdict (None: not signed off yet)
    grades: Grades | None  # None: the stage has no evaluation
    evaluated: bool | None  # evaluation passed? None: no evaluation rule, or not evaluated yet
    vetoes: tuple[str, ...]
    missing: tuple[str, ...]  # checks (and 民主测评) still to come
    pending: tuple[str, ...] = ()  # checks 核查中
    concerns: tuple[str, ...] = ()  # checks (and 民主测评) with a concern
    settled: Settlement | None = None
    rules: Mapping[str, bool] = field(default_factory=dict)  # 民主测评 rule text -> met

    @property
    def struck(self) -> bool:
        return bool(self.vetoes) or self.evaluated is False or (
            self.settled is not None and self.settled.decision == "strike")

    @property
    def open_concerns(self) -> tuple[str, ...]:
        """Concerns no recorded decision has settled yet."""
        if self.settled is None:
            return self.concerns
        if self.settled.decision == "strike":
            return ()
        return tuple(c for c in self.concerns if c not in self.settled.concerns)


def vet(candidate: str, checks: Sequence[str], findings: Mapping[str, Finding],
        evaluation: Evaluation | None, grades: Grades | None, settled: Settlement | None = None) -> Vetting:
    """One candidate's sign-offs and evaluation → struck or not, what is missing, pending, of concern."""
    verdicts = {c: (findings[c].verdict if c in findings else None) for c in checks}
    missing = [c for c, v in verdicts.items() if v is None]
    concerns = [c for c, v in verdicts.items() if v == "concern"]
    passed = None
    rules: dict[str, bool] = {}
    if evaluation is not None:
        grades = grades or Grades()
        passed = grades.passed(evaluation)
        if passed is None:
            missing.append(EVALUATION)
        else:
            rules = {r.text: grades.met(r) for r in evaluation.rules}
            if any(rules[r.text] for r in evaluation.rules if r.effect == "concern"):
                concerns.append(EVALUATION)
    else:
        grades = None
    return Vetting(candidate, verdicts, grades, passed,
                   tuple(c for c, v in verdicts.items() if v == "veto"), tuple(missing),
                   tuple(c for c, v in verdicts.items() if v == "pending"), tuple(concerns), settled, rules)


@dataclass(frozen=True)
class InspectCut:
    """One post after inspection: who is struck, who is proposed for 递补, what goes forward."""

    post: str
    k: int  # places: the length of the list the inspection started from
    listed: tuple[str, ...]
    members: tuple[str, ...]  # listed + backfilled by decision, in the order they came in
    struck: tuple[str, ...]
    backfilled: tuple[str, ...]
    status: str  # ok | tied | short | unfilled
    held: bool
    advanced: tuple[str, ...]  # members not struck, in ranking order
    tie: Tie | None = None
    decision: str | None = None  # backfilled | no-backfill
    chosen: tuple[str, ...] = ()
    proposed: tuple[str, ...] = ()  # replacements the ranking proposes now (the tied, at a tie)

    @property
    def open_to(self) -> tuple[str, ...]:
        """Who may be inspected on this post now: its members and the proposed replacements."""
        return self.members + tuple(c for c in self.proposed if c not in self.members)


def _struck(vetting: Mapping[str, Vetting], cid: str) -> bool:
    v = vetting.get(cid)
    return v is not None and v.struck


def propose(listed: Sequence[str], members: Sequence[str], ranking: Sequence[Standing],
            vetting: Mapping[str, Vetting]) -> tuple[tuple[str, ...], Tie | None]:
    """The replacements (递补人选) the ranking proposes for the places strikes left open: the
    next eligible, unstruck candidates off the list; at equal scores across the line, all the
    tied (a `Tie` the decision settles)."""
    need = len(listed) - sum(1 for c in members if not _struck(vetting, c))
    pool = [s for s in ranking if s.eligible and s.candidate not in members and not _struck(vetting, s.candidate)]
    out: list[str] = []
    while need > 0 and pool:
        group = [s.candidate for s in pool if s.score == pool[0].score]
        out += group
        if len(group) > need:
            return tuple(out), Tie(pool[0].score, tuple(group), need)
        need -= len(group)
        pool = pool[len(group):]
    return tuple(out), None


def inspect_post(post: str, listed: Sequence[str], ranking: Sequence[Standing],
                 vetting: Mapping[str, Vetting], *, backfill: Sequence[str] | None = None,
                 no_backfill: bool = False, short_without_decision: bool = False) -> InspectCut:
    """Apply strikes and the recorded 递补 decision to one post's list.

    `ranking` is the producing stage's standings for the post (rank order). A struck
    candidate's place is filled only by a decision: `backfill` names who comes in, each one
    the ranking proposes at that point (`NotProposed` otherwise); `no_backfill` goes on with
    the places left open. Without a decision a post with an open place is held, its
    replacements proposed. `short_without_decision`: a round stored by an older release with
    `backfill = false`, where a strike just shortened the list.
    """
    listed = tuple(listed)
    order = {s.candidate: i for i, s in enumerate(ranking)}
    members = list(listed)
    chosen = list(dict.fromkeys(backfill or ()))
    for cid in chosen:
        proposed, _ = propose(listed, members, ranking, vetting)
        if cid not in proposed:
            raise NotProposed(post, cid, proposed)
        members.append(cid)
    proposed, tie = propose(listed, members, ranking, vetting)

    active = [c for c in members if not _struck(vetting, c)]
    advanced = tuple(sorted(active, key=lambda c: (order.get(c, len(order)), c)))
    common = dict(post=post, k=len(listed), listed=listed, members=tuple(members),
                  struck=tuple(c for c in members if _struck(vetting, c)), backfilled=tuple(chosen),
                  chosen=tuple(chosen))
    if len(active) >= len(listed):
        if no_backfill:
            raise NotShort(post)
        return InspectCut(status="ok", held=False, advanced=advanced,
                          decision="backfilled" if chosen else None, **common)
    status = "short" if active else "unfilled"
    if no_backfill:
        return InspectCut(status=status, held=False, advanced=advanced, decision="no-backfill", **common)
    if short_without_decision:
        return InspectCut(status=status, held=False, advanced=advanced, **common)
    return InspectCut(status="tied" if tie else "short", held=True, advanced=(), tie=tie,
                      decision="backfilled" if chosen else None, proposed=proposed, **common)


def missing_checks(cuts: Sequence[InspectCut], vetting: Mapping[str, Vetting]) -> dict[str, tuple[str, ...]]:
    """candidate -> checks still missing, for everyone who would go forward.

    A struck candidate is out whatever the other departments say, so needs nothing more."""
    return _of_members(cuts, vetting, lambda v: v.missing)


def pending_checks(cuts: Sequence[InspectCut], vetting: Mapping[str, Vetting]) -> dict[str, tuple[str, ...]]:
    """candidate -> checks 核查中, for everyone who would go forward (they block the cut)."""
    return _of_members(cuts, vetting, lambda v: v.pending)


def open_concerns(cuts: Sequence[InspectCut], vetting: Mapping[str, Vetting]) -> dict[str, tuple[str, ...]]:
    """candidate -> concerns not yet settled by a decision, for everyone who would go forward."""
    return _of_members(cuts, vetting, lambda v: v.open_concerns)


def to_inspect(cuts: Sequence[InspectCut], vetting: Mapping[str, Vetting]) -> dict[str, tuple[str, ...]]:
    """The proposed replacements' missing checks: who is to be inspected next."""
    return _of_members(cuts, vetting, lambda v: v.missing, lambda c: c.proposed)


def _of_members(cuts, vetting, what, whom=lambda c: c.members) -> dict[str, tuple[str, ...]]:
    """candidate -> what(their vetting), when not empty, for each unstruck one of whom(cut)."""
    out: dict[str, tuple[str, ...]] = {}
    for c in cuts:
        for cid in whom(c):
            v = vetting.get(cid)
            if v is not None and what(v) and not v.struck:
                out[cid] = what(v)
    return out


def graded_too_little(grades: Mapping[str, Grades]) -> list[tuple[str, int, int]]:
    """(candidate, graded, papers) for each candidate of one evaluation file graded on fewer
    than half of its papers: a sheet for everyone, not the candidate's own unit."""
    return [(cid, g.graded, g.papers) for cid, g in grades.items() if 2 * g.graded < g.papers]


def grade_counts(cells: Iterable[tuple[str, str, int, str | None]]) -> dict[str, Grades]:
    """(candidate, grade, unclear, paper's void reason) per graded cell → candidate -> counts.

    Shared by the stage (from stored rows) and `audit verify` (from re-read raw rows)."""
    raw: dict[str, dict] = {}
    for cid, grade, unclear, void in cells:
        r = raw.setdefault(cid, {"counts": {}, "blank": 0, "invalid": 0, "void": 0})
        if void:
            r["void"] += 1
        elif unclear:
            r["invalid"] += 1
        elif not grade:
            r["blank"] += 1
        else:
            r["counts"][grade] = r["counts"].get(grade, 0) + 1
    return {cid: Grades(**r) for cid, r in raw.items()}


def logged_decisions(stage: Stage, details: Mapping) -> Decisions:
    """The decisions a cut event recorded. A cut made by an older release under `backfill = true`
    backfilled by itself: what it recorded as backfilled is read as the decision it stood for."""
    decisions = Decisions.logged(details)
    if stage.backfill and "backfill" not in details:
        posts = details.get("posts", {})
        backfill = {p: tuple(c.get("backfilled", [])) for p, c in posts.items() if c.get("backfilled")}
        short = [*decisions.accept_short, *(p for p, c in posts.items() if c.get("status") in ("short", "unfilled"))]
        decisions = Decisions({}, (), decisions.reason, backfill, tuple(dict.fromkeys(short)))
    return decisions
