"""A stage's count from totals (domain/totals.py): the same figures a paper count gives, and
every count the returned papers (or those talked to) cannot hold refused with its row."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from selector.domain.counting import Ballot, count_stage
from selector.domain.model import Candidate, Post, Stage
from selector.domain.totals import TotalRow, count_totals
from selector.errors import BallotFileError

POSTS = (Post("P01", "审计局局长", 1), Post("P02", "统计局副局长", 2))
ROSTER = (Candidate("C01", "张伟", "张伟(审计)", ("P01",)), Candidate("C03", "李娜"),
          Candidate("C05", "刘洋", None, ("P02",)), Candidate("C06", "陈静", None, ("P02",)))
LISTS = {"P01": ("C01", "C03"), "P02": ("C03", "C05", "C06")}
COLUMNS = {"votes": (4, "推荐人数")}
WEIGHTS = (("领导干部", F(2)), ("一般干部", F(1)))


def stage(**kw) -> Stage:
    return Stage(**{"id": "talk", "kind": "recommend", "title": "谈话调研推荐", "electorate": 30,
                    "candidates": "roster", "method": "talk", **kw})


def row(line, post, candidate=None, votes=0, category=None, figure=None, **kw) -> TotalRow:
    return TotalRow(line, post, candidate, figure, category, votes, columns=COLUMNS, **kw)


def test_totals_give_what_the_same_papers_give():
    # five papers: C01+C05, C01+C06, C03+C05/C06, blank/C05, void
    papers = [Ballot("1", marks={"P01": ("C01",), "P02": ("C05",)}),
              Ballot("2", marks={"P01": ("C01",), "P02": ("C06",)}),
              Ballot("3", marks={"P01": ("C03",), "P02": ("C05", "C06")}),
              Ballot("4", marks={"P02": ("C05",)}),
              Ballot("5", void="撕毁")]
    by_papers = count_stage(stage(method="papers"), POSTS, LISTS, ROSTER, papers)
    rows = [row(2, "P01", "C01", 2), row(3, "P01", "C03", 1), row(4, "P01", figure="blank", votes=1),
            row(5, "P01", figure="void", votes=1), row(6, "P02", "C05", 3), row(7, "P02", "C06", 2),
            row(8, "P02", figure="void", votes=1)]
    by_totals = count_totals(stage(), POSTS, LISTS, {None: 5}, rows, "t.csv")
    for pid in ("P01", "P02"):
        a, b = by_papers.posts[pid], by_totals.posts[pid]
        assert (a.returned, a.void, a.valid, a.weighted_valid) == (b.returned, b.void, b.valid, b.weighted_valid)
        assert {c: (x.votes, x.weighted) for c, x in a.counts.items()} == \
            {c: (x.votes, x.weighted) for c, x in b.counts.items()}
    assert by_totals.returned == 5 and by_totals.posts["P01"].blank == 1
    assert by_totals.posts["P01"].share("C01") == F(2, 4)


def test_category_weights_apply_to_counts_and_to_those_talked_to():
    rows = [row(2, "P01", "C01", 6, "领导干部"), row(3, "P01", "C01", 10, "一般干部"),
            row(4, "P01", "C03", 3, "领导干部")]
    result = count_totals(stage(categories=WEIGHTS), POSTS, LISTS, {"领导干部": 9, "一般干部": 18}, rows, "t.csv")
    p01 = result.posts["P01"]
    assert p01.weighted_valid == 36 and p01.counts["C01"].weighted == 22
    assert p01.counts["C01"].by_category == {"领导干部": 6, "一般干部": 10}
    assert p01.share("C01") == F(11, 18) and p01.share("C03") == F(6, 36)
    assert result.returned == 27 and result.posts["P02"].counts == {}


@pytest.mark.parametrize("rows, returned, where, message", [
    ([row(2, "P01", "C01", 6)], {None: 5}, (2, 4), "6 for 张伟(审计), but only 5 valid ballots that are not blank"),
    ([row(2, "P01", figure="blank", votes=2), row(3, "P01", "C01", 4)], {None: 5}, (3, 4),
     "4 for 张伟(审计), but only 3 valid ballots that are not blank"),
    ([row(2, "P01", "C01", 3), row(3, "P01", "C03", 3)], {None: 5}, (3, 4),
     "the counts for P01 add up to 6, more than 5 ballots with at most 1 names each can hold"),
    ([row(2, "P02", "C05", 5), row(3, "P02", "C06", 5), row(4, "P02", "C03", 1)], {None: 5}, (4, 4),
     "the counts for P02 add up to 11, more than 5 ballots with at most 2 names each can hold"),
    ([row(2, "P01", figure="void", votes=3), row(3, "P01", figure="blank", votes=3)], {None: 5}, (3, 4),
     "3 void and 3 blank ballots, but only 5 returned"),
    ([row(2, "P01", figure="valid", votes=4)], {None: 5}, (2, 4),
     "4 valid ballots, but 5 returned less 0 void is 5"),
    ([row(2, "P01", "C01", 1), row(3, "P01", "C01", 1)], {None: 5}, (3, None),
     "the same post, candidate and category as row 2"),
])
def test_counts_the_papers_cannot_hold_are_refused(rows, returned, where, message):
    with pytest.raises(BallotFileError) as caught:
        count_totals(stage(), POSTS, LISTS, returned, rows, "t.csv", {"C01": "张伟(审计)"})
    assert caught.value.place.get("row") == where[0] and caught.value.place.get("column") == where[1]
    assert caught.value.message.endswith(message), caught.value.message


def vote(**kw) -> Stage:
    return Stage(**{"id": "vote1", "kind": "vote", "title": "常委会票决", "members": 9, "form": "approve", **kw})


def test_approve_totals_work_out_abstentions_and_check_the_sums():
    lists = {"P01": ("C01",), "P02": ("C05",)}
    rows = [row(2, "P01", "C01", 6, no=1), row(3, "P02", "C05", 5, no=1, abstain=1),
            row(4, "P02", figure="void", votes=1)]
    result = count_totals(vote(), POSTS, lists, {None: 8}, rows, "v.csv")
    c01, c05 = result.posts["P01"].counts["C01"], result.posts["P02"].counts["C05"]
    assert (c01.votes, c01.no, c01.abstain) == (6, 1, 1)
    assert (c05.votes, c05.no, c05.abstain) == (5, 1, 1) and result.posts["P02"].valid == 7
    with pytest.raises(BallotFileError, match="5 yes, 1 no, 2 abstain and 0 invalid for C05 add up to 8, but "
                                              "there are 7 valid ballots"):
        count_totals(vote(), POSTS, lists, {None: 8},
                     [rows[0], row(3, "P02", "C05", 5, no=1, abstain=2), rows[2]], "v.csv")
    with pytest.raises(BallotFileError, match=r"no row for C05 \(P02\)"):
        count_totals(vote(), POSTS, lists, {None: 8}, rows[:1], "v.csv")
