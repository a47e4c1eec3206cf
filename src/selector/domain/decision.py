"""讨论决定 and 再次投票 (re-votes): who passes at a sitting, 回避, 缓议/暂缓, choosing k of n,
and where a tie or a failed vote goes. Pure: values in, values out, typed refusals.

A *sitting* (a meeting of the 常委会/党组会, or a re-vote of a vote stage) takes up posts; for
each of a post's nominees it records 同意 / 不同意 / 缓议 counts (from secret ballot papers, a show
of hands or an oral vote — `method`), who was recused (回避), or that the item was put off
(暂缓表决). A nominee passes with `pass_` of the members entitled to vote on the item (应到会成员
less those recused for it); of those who pass, the `slots` with most 同意 are chosen. A tie at
the last place, or fewer passing than places, goes to a re-vote (another sitting) among the tied
or those not chosen, at most `revotes` times; then the post is left unfilled or referred back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction

from selector.domain.model import Stage, Threshold
from selector.errors import BallotFileError
from selector.records import dataclass

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import Literal

METHODS = ("ballot", "hands", "oral")  # 无记名投票 | 举手表决 | 口头表决
AFTER = ("unfilled", "refer")  # what a post comes to when the re-votes allowed are used up


@dataclass(frozen=True)
class Item:
    """One nominee taken up at a sitting. Counts are None for an item put off without a vote."""

    post: str
    nominee: str
    yes: int | None = None  # 同意
    no: int | None = None  # 不同意
    other: int | None = None  # 缓议 (a decision) / 弃权 (a vote's re-vote)
    recused: tuple[str, ...] = ()  # 回避: members who left for this item
    deferred: bool = False  # 暂缓表决: the item is put off to a later sitting


@dataclass(frozen=True)
class Sitting:
    """A sitting as recorded: its number in the stage, date, attendance, method and items."""

    number: int
    date: date
    present: int
    method: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Rule:
    """How a stage's sittings decide: the pass line of `base` (members, or those present), less
    those recused for the item; how many re-votes a post may have; what comes after them."""

    members: int
    pass_: Threshold
    revotes: int = 1
    after: Literal["unfilled", "refer"] = "unfilled"
    base: Literal["members", "present"] = "members"

    def line_of(self, sitting: Sitting, item: Item) -> int:
        """The number the pass line is a share of, for this item at this sitting."""
        whole = self.members if self.base == "members" else sitting.present
        return whole - len(item.recused)


@dataclass(frozen=True)
class Vote:
    """One nominee's item at one sitting, judged."""

    sitting: int
    item: Item
    voters: int  # present less those recused
    base: int  # what the pass line is a share of
    passed: bool | None  # None: put off without a decision
    needs: int | None = None  # 同意 short of the line
    revote: bool = False  # this was a re-vote (再次投票)


@dataclass(frozen=True)
class Pending:
    """Where an open post stands: who is chosen already, who the next sitting votes on and for
    how many places, how many re-votes it has had, and why it waits."""

    chosen: tuple[str, ...]
    ballot: tuple[str, ...]
    slots: int
    revotes: int = 0
    why: Literal["new", "deferred", "tied", "short"] = "new"
    again: bool = False  # the next vote on the post is a re-vote (after a tie or a failed vote)


@dataclass(frozen=True)
class Outcome:
    """A post after every sitting so far: settled (`pending` None) or waiting."""

    post: str
    status: str  # open (not taken up) | deferred | revote | ok | short | unfilled
    advanced: tuple[str, ...]
    pending: Pending | None
    votes: tuple[Vote, ...] = ()
    decision: str | None = None  # revote (settled by one) | unfilled | referred (re-votes used up)
    tied: tuple[str, ...] = ()  # tied at the last place (waiting for, or left after, a re-vote)
    revotes: int = 0

    @property
    def settled(self) -> bool:
        return self.pending is None


ANYONE = Threshold(">", Fraction(0))  # a re-vote without a pass line: at least one vote


def rule_of(stage: Stage) -> Rule:
    """How the stage's sittings decide: a decide stage's own pass line (of 应到会成员), or a vote
    stage's cut line (of members, or of those present — at a re-vote, those present at it)."""
    if stage.kind == "decide":
        return Rule(stage.members, stage.majority, stage.revotes, stage.after_revotes, "members")
    cut = stage.cut
    line = cut.pass_ if cut is not None and cut.pass_ is not None else ANYONE
    base = "members" if cut is None or cut.pass_base == "members" else "present"
    return Rule(stage.members, line, stage.revotes, stage.after_revotes, base)


def item_json(item: Item) -> dict:
    """An item as stored and logged (storage keeps it as JSON)."""
    return {"post": item.post, "nominee": item.nominee, "agree": item.yes, "disagree": item.no,
            "other": item.other, "recused": list(item.recused), "deferred": item.deferred}


def judge(rule: Rule, sitting: Sitting, item: Item, revote: bool = False) -> Vote:
    """Does the nominee pass at this sitting? (None when the item was put off without counts.)"""
    voters = sitting.present - len(item.recused)
    base = rule.line_of(sitting, item)
    if item.yes is None or item.deferred:
        return Vote(sitting.number, item, voters, base, None, revote=revote)
    passed = rule.pass_.met(item.yes, base)
    needs = None if passed else rule.pass_.minimum(base) - item.yes
    return Vote(sitting.number, item, voters, base, passed, needs, revote)


def start(nominees: Iterable[str], slots: int) -> Pending:
    """A post not yet taken up: every nominee on the ballot for its places."""
    return Pending((), tuple(nominees), slots)


def settle(post: str, begin: Pending, sittings: Iterable[Sitting], rule: Rule,
           tied: tuple[str, ...] = ()) -> Outcome:
    """The post after the sittings (in order) that took it up, from `begin`: a post not taken
    up yet, or (`begin.again`) one a vote left tied or short, which goes to a re-vote while
    re-votes are left (`tied`: those tied at its last place)."""
    votes: list[Vote] = []
    outcome = _next(post, begin, rule, votes, tied) if begin.again else _waiting(post, begin, votes)
    state = outcome.pending
    for sitting in sittings:
        items = [i for i in sitting.items if i.post == post]
        if not items or state is None:
            continue
        revote = state.again
        judged = [judge(rule, sitting, i, revote) for i in items]
        votes.extend(judged)
        if any(v.passed is None for v in judged):  # 暂缓表决: the whole post waits, its ballot as it was
            state = Pending(state.chosen, state.ballot, state.slots, state.revotes, "deferred", state.again)
            outcome = _waiting(post, state, votes)
            continue
        outcome = _count(post, state, judged, rule, votes, revote)
        state = outcome.pending
    return outcome


def _waiting(post: str, state: Pending, votes: list[Vote], tied: tuple[str, ...] = ()) -> Outcome:
    status = {"new": "open", "deferred": "deferred", "tied": "revote", "short": "revote"}[state.why]
    return Outcome(post, status, (), state, tuple(votes), tied=tied, revotes=state.revotes)


def _count(post: str, state: Pending, judged: list[Vote], rule: Rule, votes: list[Vote],
           revote: bool) -> Outcome:
    """The places filled from one vote on the post's ballot (the same line for k of n)."""
    used = state.revotes + revote
    passed = sorted((v for v in judged if v.passed), key=lambda v: (-v.item.yes, v.item.nominee))
    slots = state.slots
    if len(passed) > slots and passed[slots - 1].item.yes == passed[slots].item.yes:
        line = passed[slots - 1].item.yes
        above = tuple(v.item.nominee for v in passed if v.item.yes > line)
        tied = tuple(v.item.nominee for v in passed if v.item.yes == line)
        chosen = state.chosen + above
        return _next(post, Pending(chosen, tied, slots - len(above), used, "tied", True), rule, votes, tied)
    chosen = state.chosen + tuple(v.item.nominee for v in passed[:slots])
    left = slots - min(len(passed), slots)
    if not left:
        return Outcome(post, "ok", chosen, None, tuple(votes), "revote" if used else None, revotes=used)
    rest = tuple(v.item.nominee for v in judged if not v.passed)
    return _next(post, Pending(chosen, rest, left, used, "short", True), rule, votes)


def _next(post: str, state: Pending, rule: Rule, votes: list[Vote], tied: tuple[str, ...] = ()) -> Outcome:
    """A tie or too few passing: another vote when re-votes are left, else the round's rule."""
    if state.revotes < rule.revotes and state.ballot:
        return _waiting(post, state, votes, tied)
    status = ("short" if state.chosen else "unfilled")
    decision = "referred" if rule.after == "refer" else "unfilled"
    return Outcome(post, status, state.chosen, None, tuple(votes), decision, tied, state.revotes)


# -- a sitting's record, checked against the stage ----------------------------------------------

def check_sitting(sitting: Sitting, *, file: str, open_posts: Mapping[str, Pending], previous: date | None,
                  rule: Rule, member_names: tuple[str, ...], quorum: Threshold, keys: Mapping[int, str],
                  name_of: Mapping[str, str]) -> None:
    """Refuse (whole, naming the key path) a sitting the stage cannot take: dated before the
    previous one, without a quorum, taking up a post not open or only part of its ballot,
    recusing someone who is not a member, or counting more voters than there are.

    `keys`: each item's key path in the file (`item[2]`); `name_of`: nominee id -> name."""
    if previous is not None and sitting.date < previous:
        raise BallotFileError("date {date} is before the previous sitting ({previous}): sittings are recorded in "
                              "the order they were held", file=file, key="date", date=sitting.date.isoformat(),
                              previous=previous.isoformat())
    if sitting.present > rule.members:
        raise BallotFileError("{present} present but the members are only {members}", file=file, key="present",
                              present=sitting.present, members=rule.members)
    if not quorum.met(sitting.present, rule.members):
        raise BallotFileError("no quorum: {present} present of {members} members, the quorum {quorum} needs at "
                              "least {need}; the sitting cannot decide", file=file, key="present",
                              present=sitting.present, members=rule.members, quorum=str(quorum),
                              need=quorum.minimum(rule.members))
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(sitting.items):
        key = keys.get(index, f"item[{index}]")
        pending = open_posts.get(item.post)
        if pending is None:
            raise BallotFileError("post {post} is not open for a decision at this stage", file=file,
                                  key=key + ".post", post=item.post)
        if item.nominee not in pending.ballot:
            raise BallotFileError("{name} ({id}) is not on the ballot for post {post} (the ballot: {ballot})",
                                  file=file, key=key + ".nominee", name=name_of.get(item.nominee, item.nominee),
                                  id=item.nominee, post=item.post,
                                  ballot=", ".join(name_of.get(n, n) for n in pending.ballot))
        if (item.post, item.nominee) in seen:
            raise BallotFileError("{name} is taken up twice for post {post} (also item[{other}])", file=file,
                                  key=key + ".nominee", name=name_of.get(item.nominee, item.nominee),
                                  post=item.post, other=seen[(item.post, item.nominee)])
        seen[(item.post, item.nominee)] = index
        for person in item.recused:
            if member_names and person not in member_names:
                raise BallotFileError("{person} is recused but is not a member of this body (members: {members})",
                                      file=file, key=key + ".recused", person=person,
                                      members="、".join(member_names))
        if len(item.recused) > sitting.present:
            raise BallotFileError("{n} recused but only {present} present", file=file, key=key + ".recused",
                                  n=len(item.recused), present=sitting.present)
        if item.yes is None:
            continue
        voters = sitting.present - len(item.recused)
        given = item.yes + (item.no or 0) + (item.other or 0)
        if given > voters:
            raise BallotFileError("{given} votes counted but only {voters} could vote ({present} present, "
                                  "{recused} recused)", file=file, key=key, given=given, voters=voters,
                                  present=sitting.present, recused=len(item.recused))
        if item.deferred and rule.pass_.met(item.yes, rule.line_of(sitting, item)):
            raise BallotFileError("{name} reached the pass line ({yes} 同意): a passed item cannot be put off",
                                  file=file, key=key + ".deferred", name=name_of.get(item.nominee, item.nominee),
                                  yes=item.yes)
    taken = {item.post for item in sitting.items}
    for post in sorted(taken):
        missing = [n for n in open_posts[post].ballot if (post, n) not in seen]
        if missing:
            raise BallotFileError("post {post} is taken up without {missing}: a sitting votes on the post's whole "
                                  "ballot", file=file, key="item", post=post,
                                  missing=", ".join(name_of.get(n, n) for n in missing))
    if not sitting.items:
        raise BallotFileError("no [[item]]: a sitting takes up at least one nominee", file=file, key="item")
