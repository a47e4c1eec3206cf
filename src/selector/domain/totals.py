"""A stage recorded from counts rather than papers: the totals a meeting counted and signed
(`tally STAGE --totals FILE`), or the counts of a 谈话调研推荐 (a talk stage).

The reader (`readers/counts.py`) turns each row into a `TotalRow`; `count_totals` checks the
rows against the stage's returned papers (实谈 for a talk) and makes the same `StageCount` a
paper count makes, so shares, weights, cuts and documents work unchanged. There are no papers:
no ballot numbers, invalid marks or overvotes, and nothing to recount by hand.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Mapping

from selector.domain.counting import CandidateCount, PostCount, StageCount
from selector.domain.model import Post, Stage
from selector.errors import BallotFileError
from selector.records import dataclass, field

FIGURES = ("void", "blank", "valid")  # a post's figures, given on rows of their own


@dataclass(frozen=True)
class TotalRow:
    """One row of a counts file, as read.

    A candidate row has `candidate` (an id); a figure row has `figure` (void, blank or valid)
    and its number in `votes`. `votes` is the count (recommend/choose) or 同意 (approve);
    `abstain` is None when the file has no 弃权 column (then it is what is left of the valid
    ballots). `columns` maps each role to its column, for messages."""

    line: int
    post: str
    candidate: str | None = None
    figure: str | None = None
    category: str | None = None
    votes: int = 0
    no: int = 0
    abstain: int | None = None
    invalid: int = 0
    columns: Mapping[str, tuple[int, str]] = field(default_factory=dict, compare=False)


def _at(name: str, row: TotalRow, role: str | None) -> dict:
    """The place of a row (and a column) for a refusal."""
    place: dict = {"file": name, "row": row.line or None}
    if role is not None and role in row.columns:
        place.update(column=row.columns[role][0], heading=row.columns[role][1])
    return place


def count_totals(stage: Stage, posts: Iterable[Post], lists: Mapping[str, Iterable[str]],
                 returned: Mapping[str | None, int], rows: Iterable[TotalRow], name: str,
                 names: Mapping[str, str] | None = None) -> StageCount:
    """The stage's count from its totals. `returned`: papers returned (people talked to) per
    category (None: a stage without categories). Refuses, naming the row and column, a count
    above what the returned papers allow, a figure row that does not add up, and a row given twice.
    `names`: candidate id -> the name to print in messages."""
    names = names or {}
    weights = stage.weights
    cats: list[str | None] = list(weights) if weights else [None]
    result = StageCount(stage, {})
    for post in posts:
        result.posts[post.id] = PostCount(post, tuple(lists.get(post.id, ())))
    void: dict[tuple[str, str | None], int] = {}
    blank: dict[tuple[str, str | None], int] = {}
    valid: dict[tuple[str, str | None], tuple[int, TotalRow]] = {}
    seen: dict[tuple, int] = {}
    candidates: list[TotalRow] = []
    figure_rows: dict[tuple[str, str | None], TotalRow] = {}
    for row in rows:
        key = (row.post, row.candidate, row.figure, row.category)
        if key in seen:
            raise BallotFileError("the same post, candidate and category as row {first}", first=seen[key], **_at(name, row, None))
        seen[key] = row.line
        if row.figure in ("void", "blank"):
            figure_rows[row.post, row.category] = row
        if row.figure == "void":
            void[row.post, row.category] = row.votes
        elif row.figure == "blank":
            blank[row.post, row.category] = row.votes
        elif row.figure == "valid":
            valid[row.post, row.category] = (row.votes, row)
        else:
            candidates.append(row)
    for (pid, cat), (number, row) in valid.items():
        if number != returned[cat] - void.get((pid, cat), 0):
            raise BallotFileError("{valid} valid ballots, but {returned} returned less {void} void is "
                    "{expected}", valid=number, returned=returned[cat], void=void.get((pid, cat), 0),
                    expected=returned[cat] - void.get((pid, cat), 0), **_at(name, row, "votes"))
    for pid, pc in result.posts.items():
        for cat in cats:
            v, b = void.get((pid, cat), 0), blank.get((pid, cat), 0)
            if v + b > returned[cat]:
                raise BallotFileError("{void} void and {blank} blank ballots, but only {returned} returned", void=v, blank=b,
                        returned=returned[cat], **_at(name, figure_rows.get((pid, cat)) or TotalRow(0, pid), "votes"))
            pc.returned += returned[cat]
            pc.void += v
            pc.blank += b
            pc.weighted_valid += (weights[cat] if cat is not None else 1) * (returned[cat] - v)
    limits = {pid: stage.marks_allowed(pc.post) for pid, pc in result.posts.items()}
    marked: dict[tuple[str, str | None], int] = {}
    for row in candidates:
        pid, cat = row.post, row.category
        pc = result.posts[pid]
        valid_here = returned[cat] - void.get((pid, cat), 0)
        who = names.get(row.candidate, row.candidate)
        if stage.approve:
            given = row.votes + row.no + row.invalid + (row.abstain or 0)
            if row.abstain is None and given > valid_here or row.abstain is not None and given != valid_here:
                raise BallotFileError("{yes} yes, {no} no, {abstain} abstain and {invalid} invalid for {name} "
                        "add up to {given}, but there are {valid} valid ballots", yes=row.votes, no=row.no,
                        abstain=row.abstain if row.abstain is not None else 0, invalid=row.invalid, name=who,
                        given=given, valid=valid_here, **_at(name, row, "votes"))
        else:
            papers = valid_here - blank.get((pid, cat), 0)  # blank papers name nobody
            if row.votes > papers:
                raise BallotFileError("{votes} for {name}, but only {papers} valid ballots that are not blank",
                        votes=row.votes, name=who, papers=papers, **_at(name, row, "votes"))
            marked[pid, cat] = marked.get((pid, cat), 0) + row.votes
            limit = limits[pid]
            if limit is not None and marked[pid, cat] > papers * limit:
                raise BallotFileError("the counts for {post} add up to {total}, more than {papers} ballots "
                        "with at most {limit} names each can hold", post=pid, total=marked[pid, cat], papers=papers,
                        limit=limit, **_at(name, row, "votes"))
        if not row.votes and not stage.approve:
            continue
        cc = pc.counts.get(row.candidate)
        if cc is None:
            cc = pc.counts[row.candidate] = CandidateCount()
        weight = weights[cat] if cat is not None else 1
        cc.votes += row.votes
        cc.weighted += weight * row.votes
        if cat is not None:
            cc.by_category[cat] = cc.by_category.get(cat, 0) + row.votes
        if stage.approve:
            cc.no += row.no
            cc.invalid += row.invalid
            cc.abstain += row.abstain if row.abstain is not None else valid_here - row.votes - row.no - row.invalid
    if stage.approve:  # a vote's signed totals name every nominee
        for pid, pc in result.posts.items():
            for cid in pc.candidates:
                for cat in cats:
                    if (pid, cid, None, cat) in seen:
                        continue
                    if cat is None:
                        raise BallotFileError("no row for {name} ({post}): a vote's totals give every nominee's "
                                              "同意/不同意/弃权", file=name, name=names.get(cid, cid), post=pid)
                    raise BallotFileError("no row for {name} ({post}, {category}): a vote's totals give every "
                                          "nominee's 同意/不同意/弃权 in every category", file=name,
                                          name=names.get(cid, cid), post=pid, category=cat)
    for pc in result.posts.values():
        pc.weighted_valid = Fraction(pc.weighted_valid)
        for cc in pc.counts.values():
            cc.weighted = Fraction(cc.weighted)
    result.returned = sum(returned[c] for c in cats)
    return result
