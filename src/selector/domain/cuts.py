"""Shortlists (SPEC §3 "Cuts"): scores, ranking, eligibility, ties and shortfalls.

Ties are values, not exceptions: a post whose cut falls inside a group of equal scores is
`tied`, and only a named policy (`widen`, `lot`) or a recorded decision moves it on.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from operator import itemgetter

from selector.domain.model import Cut, Threshold
from selector.errors import BadResolve, NotShort, NotTied, TiesDecidedByRound
from selector.records import dataclass, field


@dataclass(frozen=True)
class Standing:
    """One candidate's line in a post's ranking."""

    candidate: str
    score: Fraction
    rank: int
    eligible: bool
    passed: bool | None = None  # None: no pass rule
    needs: int | None = None  # votes short of the pass line


@dataclass(frozen=True)
class Tie:
    """Equal scores across the cut line: `slots` places for the `tied` candidates."""

    score: Fraction
    tied: tuple[str, ...]
    slots: int


@dataclass(frozen=True)
class PostCut:
    """The cut of one post: standings in order, its status, and who goes on."""

    post: str
    k: int
    standings: tuple[Standing, ...]
    status: str  # ok | tied | short | unfilled
    held: bool
    advanced: tuple[str, ...]  # meaningful only when not held
    tie: Tie | None = None
    decision: str | None = None  # resolved | accepted-short | widened | lot
    chosen: tuple[str, ...] = ()  # resolved or drawn from the tie


# The cut decisions someone made (a post's `decision`): only with one is the reason kept.
DECIDED = ("resolved", "accepted-short", "backfilled", "no-backfill")


@dataclass(frozen=True)
class Decisions:
    """The clerk's decisions at a cut, recorded with one reason: who advances from a tie at
    each post (`resolve`), and which posts go on with fewer than k (`accept_short`)."""

    resolve: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    accept_short: tuple[str, ...] = ()
    reason: str | None = None
    # An inspection's 递补 decisions: who fills a struck candidate's place, which posts go on short.
    backfill: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    no_backfill: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.resolve or self.accept_short or self.backfill or self.no_backfill)

    @property
    def posts(self) -> list[str]:
        """Every post a decision names."""
        return [*self.resolve, *self.accept_short, *self.backfill, *self.no_backfill]

    @classmethod
    def stored(cls, cut: Mapping[str, Mapping]) -> "Decisions":
        """The decisions a locked cut's rows (post -> row) were made with."""
        return cls({p: tuple(r["chosen"]) for p, r in cut.items() if r["decision"] == "resolved"},
                   tuple(p for p, r in cut.items() if r["decision"] == "accepted-short"),
                   next((r["reason"] for r in cut.values() if r["reason"]), None),
                   {p: tuple(r["chosen"]) for p, r in cut.items()
                    if r["decision"] in ("backfilled", "no-backfill") and r["chosen"]},
                   tuple(p for p, r in cut.items() if r["decision"] == "no-backfill"))

    @classmethod
    def logged(cls, details: Mapping) -> "Decisions":
        """The decisions a cut event recorded."""
        return cls({p: tuple(ids) for p, ids in details.get("resolve", {}).items()},
                   tuple(details.get("accept_short", [])), details.get("reason"),
                   {p: tuple(ids) for p, ids in details.get("backfill", {}).items()},
                   tuple(details.get("no_backfill", [])))


@dataclass(frozen=True)
class PassRule:
    """The pass line of a cut: `threshold` of `base` yes votes (base differs per post)."""

    threshold: Threshold
    base: int


def rank(scores: Mapping[str, Fraction]) -> list[tuple[str, Fraction, int]]:
    """Competition ranking (1, 2, 2, 4) by score, highest first; equal scores listed by id."""
    # by id, then (stably) by score, highest first: the order of the key (-score, id) without
    # making a negated Fraction per candidate
    ordered = sorted(sorted(scores.items(), key=itemgetter(0)), key=itemgetter(1), reverse=True)
    out, previous, current = [], None, 0
    for position, (cid, score) in enumerate(ordered, start=1):
        if score != previous:
            current, previous = position, score
        out.append((cid, score, current))
    return out


ZERO = Fraction(0)


def score(weights: Mapping[str, Fraction], shares: Mapping[str, Mapping[str, Fraction]],
          cand_id: str) -> Fraction:
    """Σ weight × share over the scored stages (absent from a stage: share 0 there)."""
    total = ZERO
    for sid, w in weights.items():
        share = shares.get(sid, {}).get(cand_id, ZERO)
        term = share if w == 1 else w * share  # a weight of 1 (the usual score) needs no product
        total = term if total == 0 else total + term
    return total if type(total) is Fraction else Fraction(total)


def lot_seed(tie_seed: str, stage_id: str, post_id: str) -> str:
    """The text that seeds a drawing of lots; printed with the result so anyone can redo it."""
    return f"{tie_seed}/{stage_id}/{post_id}"


def draw(seed: str, tied: tuple[str, ...], slots: int) -> tuple[str, ...]:
    """Reproducible lot: `random.Random(seed).sample(sorted ids, slots)`, in drawn order."""
    import random  # only a lot needs it (and its import costs every command's start-up)

    return tuple(random.Random(seed).sample(sorted(tied), slots))


def cut_post(post_id: str, seats: int, rule: Cut, scores: Mapping[str, Fraction],
             yes_votes: Mapping[str, int], pass_rule: PassRule | None, *,
             seed: str = "", resolve: tuple[str, ...] | None = None,
             accept_short: bool = False) -> PostCut:
    """Rank one post and decide what advances, or say why it is held."""
    k = rule.ratio * seats
    standings = []
    for cid, sc, rk in rank(scores):
        passed = needs = None
        if pass_rule is not None:
            yes = yes_votes.get(cid, 0)
            passed = pass_rule.threshold.met(yes, pass_rule.base)
            needs = None if passed else pass_rule.threshold.minimum(pass_rule.base) - yes
        eligible = sc > 0 and rule.min_share.met(sc, 1) and passed is not False
        standings.append(Standing(cid, sc, rk, eligible, passed, needs))
    eligible = [s for s in standings if s.eligible]

    def done(status, advanced, **kw):
        ordered = tuple(s.candidate for s in standings if s.candidate in set(advanced))
        return PostCut(post_id, k, tuple(standings), status, False, ordered, **kw)

    if resolve is not None and not (len(eligible) > k and eligible[k - 1].score == eligible[k].score):
        raise NotTied(post_id)
    if resolve is not None and rule.ties != "hold":
        raise TiesDecidedByRound(post_id, rule.ties)
    if accept_short and len(eligible) >= k:
        raise NotShort(post_id, len(eligible), k)
    if len(eligible) <= k:
        ids = [s.candidate for s in eligible]
        if len(eligible) == k:
            return done("ok", ids)
        if rule.shortfall == "accept" or accept_short:
            decision = "accepted-short" if accept_short else None
            return done("short" if ids else "unfilled", ids, decision=decision)
        return PostCut(post_id, k, tuple(standings), "short", True, ())
    line = eligible[k - 1].score
    if eligible[k].score != line:
        return done("ok", [s.candidate for s in eligible[:k]])
    above = [s.candidate for s in eligible if s.score > line]
    tie = Tie(line, tuple(s.candidate for s in eligible if s.score == line), k - len(above))
    if rule.ties == "widen":
        return done("ok", above + list(tie.tied), tie=tie, decision="widened")
    if rule.ties == "lot":
        chosen = draw(seed, tie.tied, tie.slots)
        return done("ok", above + list(chosen), tie=tie, decision="lot", chosen=chosen)
    if resolve is None:
        return PostCut(post_id, k, tuple(standings), "tied", True, (), tie=tie)
    chosen = tuple(dict.fromkeys(resolve))
    if set(above) <= set(chosen) and len(chosen) == len(above) + tie.slots:
        # the whole shortlist as the committee wrote it down: the clear ones plus the chosen
        chosen = tuple(c for c in chosen if c not in above)
    strangers = [c for c in chosen if c not in tie.tied]
    if strangers or len(chosen) != tie.slots:
        raise BadResolve(post_id, tie.slots, tie.tied, tuple(dict.fromkeys(resolve)), tuple(above))
    return done("ok", above + list(chosen), tie=tie, decision="resolved", chosen=chosen)
