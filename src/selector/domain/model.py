"""The round as data: posts, candidates, stages and their rules. Frozen, exact, no I/O."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from fractions import Fraction

from selector.domain.eligibility import Rules, Standing
from selector.errors import NotFound
from selector.records import dataclass, field

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import Literal

    StageKind = Literal["recommend", "vote", "inspect", "notice", "decide"]

BALLOT_KINDS = ("recommend", "vote")


# Characters nobody sees: the format characters (Unicode category Cf: soft hyphen, zero-width
# space and joiners, direction marks and isolates, word joiner, BOM, tags … as of Unicode 15.1;
# a test checks the list against the running Python's unicodedata), the variation selectors
# and the combining grapheme joiner. A name or ballot number pasted from a web page or a chat
# often carries one, and "张伟\u200b" must be 张伟.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]")


def normalize(text: str) -> str:
    """Names (and ballot numbers, headings, tokens) are compared after removing invisible
    characters (INVISIBLE), then NFKC, with every space (also U+3000) removed."""
    # Fast path (most cells): letters/digits only, already NFKC — nothing to change. No
    # invisible character is a letter or digit, and none is ASCII.
    if text.isalnum() and unicodedata.is_normalized("NFKC", text):
        return text
    if not text.isascii():
        text = INVISIBLE.sub("", text)
    return "".join(unicodedata.normalize("NFKC", text).split())


def has_invisible(text: str) -> bool:
    """Does `text` hold a character `normalize` removes as invisible?"""
    return not text.isascii() and INVISIBLE.search(text) is not None


@dataclass(frozen=True)
class Threshold:
    """`OP FRACTION`: `>` is 超过 (strictly more), `>=` is …以上 (inclusive)."""

    op: Literal[">", ">="]
    fraction: Fraction

    def met(self, part: Fraction | int, whole: Fraction | int) -> bool:
        """Does `part` of `whole` meet the threshold? Exact; a zero whole meets only `>= 0`."""
        need = self.fraction if whole == 1 else self.fraction * whole
        return part > need if self.op == ">" else part >= need

    def minimum(self, whole: int) -> int:
        """The least whole number of votes out of `whole` that meets the threshold."""
        need = self.fraction * whole
        floor = need.numerator // need.denominator
        if self.op == ">":
            return floor + 1
        return floor if floor == need else floor + 1

    def __str__(self) -> str:
        return f"{self.op} {self.fraction}"


@dataclass(frozen=True)
class Post:
    """A post to fill: its seats, how many marks a paper may give it, and its kind."""

    id: str
    title: str
    seats: int
    max_marks: int | None = None  # marks per ballot for this post where the stage sets none
    # Post kinds (issue 11.9): 正职 | 副职 (None: not said), and how the post is filled —
    # "appointed" (任命: 拟任, with a 试用期) or "elected" (选举: 拟推荐为…人选, or with
    # nomination = "提名", 拟提名为…候选人; no 试用期).
    level: str | None = None
    appointment: Literal["appointed", "elected"] = "appointed"
    nomination: Literal["推荐", "提名"] = "推荐"

    @property
    def elected(self) -> bool:
        return self.appointment == "elected"


@dataclass(frozen=True)
class Candidate:
    """A person on the roster: the posts they may be marked for and what the documents print."""

    id: str
    name: str
    label: str | None = None
    posts: tuple[str, ...] = ()  # empty: may be marked for any post
    fields: tuple[tuple[str, str], ...] = ()  # descriptive (gender, born, unit...) in file order

    @property
    def display(self) -> str:
        """The name as printed: the label where one is given (it tells namesakes apart)."""
        return self.label or self.name

    def field(self, key: str) -> str:
        return dict(self.fields).get(key, "")

    def eligible_for(self, post_id: str) -> bool:
        return not self.posts or post_id in self.posts


@dataclass(frozen=True)
class Cut:
    """How a stage makes its shortlist (`[stage.cut]`)."""

    ratio: int  # N of "1:N": advance N x seats per post
    score: tuple[tuple[str, Fraction], ...]  # (stage id, weight) on vote share
    min_share: Threshold = Threshold(">=", Fraction(0))
    ties: Literal["hold", "widen", "lot"] = "hold"
    shortfall: Literal["hold", "accept", "revote"] = "hold"  # revote: vote stages only
    pass_: Threshold | None = None
    pass_base: Literal["members", "present", "valid"] = "members"


@dataclass(frozen=True)
class Evaluation:
    """民主测评: a grade scale, the grades that count as good, and the pass share.

    `rules` name any grades of the scale (`称职以上 >= 2/3`, `不称职 > 1/3`); `top`/`pass_`
    are the first pass rule's (None when there is none). `unknown`: cell texts that mean
    "does not know the candidate" and, like a blank, do not count for them."""

    scale: tuple[str, ...]
    top: tuple[str, ...]
    pass_: Threshold | None
    rules: tuple["GradeRule", ...] = ()
    unknown: tuple[str, ...] = ("不了解",)

    def __post_init__(self):
        if not self.rules and self.pass_ is not None:  # the older form: top grades and a pass share
            object.__setattr__(self, "rules", (GradeRule(self.top, self.pass_, "pass",
                                                         "、".join(self.top) + f" {self.pass_}"),))


@dataclass(frozen=True)
class GradeRule:
    """One 民主测评 rule: the share of `grades` among the papers that graded the candidate
    meets `threshold` → `effect`: pass (missing it strikes), strike, or concern."""

    grades: tuple[str, ...]
    threshold: Threshold
    effect: Literal["pass", "strike", "concern"]
    text: str  # as the round file wrote it: `称职以上 >= 2/3`


@dataclass(frozen=True)
class Stage:
    """One stage of the round as its file gives it: its kind, who votes, and its rules."""

    id: str
    kind: StageKind
    title: str
    electorate: int | None = None  # recommend: 应到人数
    members: int | None = None  # vote: 应到会成员
    quorum: Threshold = Threshold(">=", Fraction(2, 3))
    max_marks: int | None = None  # None: the post's seats (choose); unlimited (approve)
    overvote: Literal["void-post", "void-ballot"] = "void-post"
    categories: tuple[tuple[str, Fraction], ...] = ()
    candidates: Literal["roster", "previous"] = "previous"
    form: Literal["choose", "approve"] = "choose"
    # recommend: "talk" is a 谈话调研推荐, recorded from counts (no papers); `expected` its 应谈
    # per category (category, number), in the order of `categories`
    method: Literal["papers", "talk"] = "papers"
    expected: tuple[tuple[str, int], ...] = ()
    cut: Cut | None = None
    checks: tuple[str, ...] = ()
    evaluation: Evaluation | None = None
    backfill: bool | None = None  # None: 递补 by decision; True/False only in rounds stored before 2019 rules
    working_days: int | None = None
    # decide (讨论决定) and vote stages: members by name (empty: by count only), the pass line of
    # a decision (of 应到会成员), re-votes (再次投票) allowed per post and what comes after them
    member_names: tuple[str, ...] = ()
    majority: Threshold = Threshold(">", Fraction(1, 2))
    revotes: int = 1
    after_revotes: Literal["unfilled", "refer"] = "unfilled"
    ratio: int = 1  # decide stages: N of `ratio = "1:N"`, choose N x seats per post (差额 on to the next vote)
    # notice stages: what they publish — 考察对象 before inspection, or 任前公示 — and the
    # 试用期 (months) an appointment notice records for appointed posts
    of: Literal["inspection", "appointment"] = "appointment"
    probation_months: int = 12

    @property
    def takes_ballots(self) -> bool:
        return self.kind in BALLOT_KINDS

    @property
    def approve(self) -> bool:
        """同意/不同意/弃权 per candidate (the round file allows `form` on vote stages only)."""
        return self.form == "approve"

    @property
    def talk(self) -> bool:
        """A 谈话调研推荐: counts of those talked to, not numbered papers."""
        return self.method == "talk"

    @property
    def entitled(self) -> int:
        """应到: the electorate of a recommendation, the members of a vote."""
        return self.electorate if self.kind == "recommend" else self.members  # type: ignore[return-value]

    @property
    def entitled_name(self) -> str:
        """What 应到 is called at this stage: "electorate" or "members"."""
        return "electorate" if self.kind == "recommend" else "members"

    @property
    def weights(self) -> dict[str, Fraction]:
        return dict(self.categories)

    def marks_allowed(self, post: Post) -> int | None:
        if self.max_marks is not None:
            return self.max_marks
        if post.max_marks is not None:
            return post.max_marks
        return None if self.form == "approve" else post.seats


@dataclass(frozen=True)
class YearSchedule:
    """A year's official holidays (放假) and make-up working days (调休上班), as the State
    Council publishes them, given by the round file (`[calendar.YYYY]`) or a calendar file."""

    year: int
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    source: str = ""  # where it was given: "round file" or the calendar file's name


@dataclass(frozen=True)
class Round:
    """A round as its file gives it: the posts, the people and the stages in order."""

    id: str
    title: str
    organizer: str
    locale: Literal["zh-CN", "en"]
    posts: tuple[Post, ...]
    candidates: tuple[Candidate, ...]
    stages: tuple[Stage, ...]
    tie_seed: str = ""
    complaints: str = ""
    tellers: int = 1
    scrutineers: int = 2
    calendars: tuple[YearSchedule, ...] = ()  # years the official calendar library lacks
    recommendation_valid_months: int = 12  # a recommendation result serves one year
    issuer: str = ""  # 发文机关 over a document's title, when the round file gives one
    doc_number: str = ""  # 文号 under it
    eligibility: Rules | None = None  # [round.eligibility]
    standings: tuple[Standing, ...] = ()  # whom it excludes, and who is let through by 破格
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def post(self, post_id: str) -> Post:
        return self._lookup("post", post_id, self.posts)

    def stage(self, stage_id: str) -> Stage:
        return self._lookup("stage", stage_id, self.stages)

    def candidate(self, cand_id: str) -> Candidate:
        return self._lookup("candidate", cand_id, self.candidates)

    def eligible(self) -> dict[str, tuple[str, ...]]:
        """Each post's roster: the ids of everyone who may stand for it, in roster order.

        Made once per round (one pass over the roster, not one per post) and copied out."""
        table = self._index.get("eligible")
        if table is None:
            every = [p.id for p in self.posts]
            found: dict[str, list[str]] = {pid: [] for pid in every}
            excluded = self.excluded()
            for c in self.candidates:
                if excluded and c.id in excluded:
                    continue
                for pid in c.posts or every:
                    ids = found.get(pid)
                    if ids is not None and (not ids or ids[-1] != c.id):
                        ids.append(c.id)
            table = self._index["eligible"] = {pid: tuple(ids) for pid, ids in found.items()}
        return dict(table)

    def excluded(self) -> dict[str, Standing]:
        """Those the eligibility rules keep off every list (the rules' date is `eligibility.at`)."""
        return {s.candidate: s for s in self.standings if s.excluded}

    def exceptional(self, cand_id: str) -> str | None:
        """The stated reason a person is let through by 破格, or None."""
        return next((s.exceptional for s in self.standings if s.candidate == cand_id and not s.excluded), None)

    def stage_index(self, stage_id: str) -> int:
        return next(i for i, s in enumerate(self.stages) if s.id == stage_id)

    def previous(self, stage: Stage) -> Stage | None:
        i = self.stage_index(stage.id)
        return self.stages[i - 1] if i else None

    def ranked_by(self, stage: Stage) -> Stage | None:
        """The stage whose ranking produced this stage's list: the previous one, looking past
        notice stages (a notice publishes the list it was given; it ranks nobody)."""
        i = self.stage_index(stage.id) - 1
        while i >= 0 and self.stages[i].kind == "notice":
            i -= 1
        return self.stages[i] if i >= 0 else None

    def _lookup(self, kind, key, items):
        table = self._index.get(kind)
        if table is None:
            table = self._index[kind] = {item.id: item for item in items}
        try:
            return table[key]
        except KeyError:
            known = ", ".join(table) or "none"
            if kind == "post":
                raise NotFound("no post {id!r} in round {round} (known: {known})", id=key, round=self.id,
                               known=known) from None
            if kind == "stage":
                raise NotFound("no stage {id!r} in round {round} (known: {known})", id=key, round=self.id,
                               known=known) from None
            raise NotFound("no candidate {id!r} in round {round} (known: {known})", id=key, round=self.id,
                           known=known) from None


def natural(text: str) -> tuple:
    """Sort key putting ballot 2 before ballot 10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)
