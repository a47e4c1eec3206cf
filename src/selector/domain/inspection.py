"""Inspection (考察, SPEC §3 "Inspection and notice"): sign-offs, 民主测评, strikes and 递补.

Inspection is of a person, not of a post: one person's findings and evaluation count on
every post list they stand on. A candidate is struck by any `veto`, or by an evaluation
whose share of `top` grades over valid evaluation ballots misses the `pass` line. With
`backfill`, each struck candidate is replaced by the next eligible candidate of the ranking
that produced the list; equal scores across that line are a tie that only a recorded
decision settles, as at any cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from selector.domain.cuts import Standing, Tie
from selector.domain.model import Evaluation
from selector.errors import NotShort, NotTied, ShortWithoutBackfill, TiedNotShort

VERDICTS = ("clear", "concern", "veto")
EVALUATION = "民主测评"  # how a missing evaluation is named among the missing checks


@dataclass(frozen=True)
class Finding:
    """One department's sign-off on one candidate (道德品行鉴定 and the like)."""

    candidate: str
    check: str
    verdict: str  # clear | concern | veto
    note: str = ""
    source: str = ""  # file and row, for the record
    line: int = 0  # row in its file


@dataclass
class EvaluationPaper:
    """One 民主测评 paper: the grade given each candidate ("" blank; None unclear)."""

    number: str
    void: str | None
    grades: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Grades:
    """A candidate's 民主测评 counts. `valid` papers are every paper that had a column for
    the candidate and was not void; a blank cell (no grade) or an unclear mark is valid."""

    counts: Mapping[str, int] = field(default_factory=dict)  # grade -> papers
    blank: int = 0
    invalid: int = 0
    void: int = 0

    @property
    def valid(self) -> int:
        return sum(self.counts.values()) + self.blank + self.invalid

    def top(self, evaluation: Evaluation) -> int:
        return sum(self.counts.get(g, 0) for g in evaluation.top)

    def rate(self, evaluation: Evaluation) -> Fraction:
        """Share of top grades over valid papers (0 with no valid paper)."""
        return Fraction(self.top(evaluation), self.valid) if self.valid else Fraction(0)

    def passed(self, evaluation: Evaluation) -> bool | None:
        """None while nothing valid was graded: the evaluation is still missing."""
        if not self.valid:
            return None
        return evaluation.pass_.met(self.top(evaluation), self.valid)


@dataclass(frozen=True)
class Vetting:
    """Where one candidate stands in the inspection."""

    candidate: str
    checks: Mapping[str, str | None]  # check -> verdict (None: not signed off yet)
    grades: Grades | None  # None: the stage has no evaluation
    evaluated: bool | None  # evaluation passed? None: no evaluation rule, or not evaluated yet
    vetoes: tuple[str, ...]
    missing: tuple[str, ...]  # checks (and 民主测评) still to come

    @property
    def struck(self) -> bool:
        return bool(self.vetoes) or self.evaluated is False


def vet(candidate: str, checks: Sequence[str], findings: Mapping[str, Finding],
        evaluation: Evaluation | None, grades: Grades | None) -> Vetting:
    """One candidate's sign-offs and evaluation → struck or not, and what is missing."""
    verdicts = {c: (findings[c].verdict if c in findings else None) for c in checks}
    missing = [c for c, v in verdicts.items() if v is None]
    passed = None
    if evaluation is not None:
        grades = grades or Grades()
        passed = grades.passed(evaluation)
        if passed is None:
            missing.append(EVALUATION)
    else:
        grades = None
    return Vetting(candidate, verdicts, grades, passed,
                   tuple(c for c, v in verdicts.items() if v == "veto"), tuple(missing))


@dataclass(frozen=True)
class InspectCut:
    """One post after inspection: who is struck, who came in by 递补, what goes forward."""

    post: str
    k: int  # places: the length of the list the inspection started from
    listed: tuple[str, ...]
    members: tuple[str, ...]  # listed + backfilled, in the order they came in
    struck: tuple[str, ...]
    backfilled: tuple[str, ...]
    status: str  # ok | tied | short | unfilled
    held: bool
    advanced: tuple[str, ...]  # members not struck, in ranking order
    tie: Tie | None = None
    decision: str | None = None  # resolved | accepted-short
    chosen: tuple[str, ...] = ()

    @property
    def open_to(self) -> tuple[str, ...]:
        """Who may be inspected on this post now: its members and, at a held tie, the tied."""
        return self.members + tuple(c for c in (self.tie.tied if self.tie else ()) if c not in self.members)


def inspect_post(post: str, listed: Sequence[str], ranking: Sequence[Standing],
                 vetting: Mapping[str, Vetting], backfill: bool, *,
                 resolve: Sequence[str] | None = None, accept_short: bool = False) -> InspectCut:
    """Apply strikes and backfills to one post's list.

    `ranking` is the producing stage's standings for the post (rank order); only eligible
    candidates off the list can come in. `resolve` names who comes in from a tie at the
    backfill line (in order of preference); `accept_short` goes on with fewer places filled
    when the ranking has nobody left to backfill.
    """
    listed = tuple(listed)
    order = {s.candidate: i for i, s in enumerate(ranking)}
    members = list(listed)
    backfilled: list[str] = []
    chosen: list[str] = []
    resolve = list(dict.fromkeys(resolve or ()))
    tie = None

    def struck(cid: str) -> bool:
        v = vetting.get(cid)
        return v is not None and v.struck

    while backfill:
        active = [c for c in members if not struck(c)]
        need = len(listed) - len(active)
        remaining = [s for s in ranking if s.eligible and s.candidate not in members]
        if need <= 0 or not remaining:
            break
        group = [s.candidate for s in remaining if s.score == remaining[0].score]
        if len(group) <= need:
            members += group
            backfilled += group
            continue
        preferred = [c for c in resolve if c in group]
        if preferred:
            members.append(preferred[0])
            backfilled.append(preferred[0])
            chosen.append(preferred[0])
            continue
        tie = Tie(remaining[0].score, tuple(group), need)
        break
    # The whole list as the committee wrote it down names the ones kept too: then it must be
    # all of them, with the tie decided.
    kept = [c for c in resolve if c not in chosen and c in members and not struck(c)]
    strangers = [c for c in resolve if c not in chosen and c not in kept]
    whole = {c for c in members if not struck(c)}
    if kept and not strangers and (tie is not None or set(resolve) != whole):
        strangers = kept
    if strangers:
        raise NotTied(post, "backfill", tuple(strangers), tie.tied if tie else ())
    active = [c for c in members if not struck(c)]
    advanced = tuple(sorted(active, key=lambda c: (order.get(c, len(order)), c)))
    struck_ids = tuple(c for c in members if struck(c))
    common = dict(post=post, k=len(listed), listed=listed, members=tuple(members), struck=struck_ids,
                  backfilled=tuple(backfilled), chosen=tuple(chosen))
    decision = "resolved" if chosen else None
    if tie is not None:
        if accept_short:
            raise TiedNotShort(post, tie.tied)
        return InspectCut(status="tied", held=True, advanced=(), tie=tie, **common)
    if len(active) >= len(listed):
        if accept_short:
            raise NotShort(post)
        return InspectCut(status="ok", held=False, advanced=advanced, decision=decision, **common)
    status = "short" if active else "unfilled"
    if not backfill:
        # Striking without 递补 is what the round file asks for: fewer go forward.
        if accept_short:
            raise ShortWithoutBackfill(post)
        return InspectCut(status=status, held=False, advanced=advanced, **common)
    if accept_short:
        return InspectCut(status=status, held=False, advanced=advanced, decision="accepted-short",
                          **common)
    return InspectCut(status="short", held=True, advanced=(), decision=decision, **common)


def missing_checks(cuts: Sequence[InspectCut], vetting: Mapping[str, Vetting]) -> dict[str, tuple[str, ...]]:
    """candidate -> checks still missing, for everyone who would go forward (or is tied).

    A struck candidate is out whatever the other departments say, so needs nothing more."""
    out: dict[str, tuple[str, ...]] = {}
    for c in cuts:
        for cid in c.members:
            v = vetting.get(cid)
            if v is not None and v.missing and not v.struck:
                out[cid] = v.missing
    return out


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
