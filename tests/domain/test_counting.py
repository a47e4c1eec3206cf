"""Counting rules (SPEC §3), domain only, on hand-countable ballots."""

from __future__ import annotations

from fractions import Fraction as F

from selector.domain.counting import Ballot, InvalidMark, count_stage
from selector.domain.model import Candidate, Post, Stage

POSTS = (Post("P01", "审计局局长", 1), Post("P02", "统计局副局长", 2))
ROSTER = (
    Candidate("C01", "张伟", "张伟(审计)", ("P01",)),
    Candidate("C02", "张伟", "张伟(统计)", ("P02",)),
    Candidate("C03", "李娜"),
    Candidate("C04", "王芳", None, ("P01",)),
    Candidate("C05", "刘洋", None, ("P02",)),
    Candidate("C06", "陈静", None, ("P02",)),
)
ALL = {"P01": ("C01", "C03", "C04"), "P02": ("C02", "C03", "C05", "C06")}


def stage(**kw) -> Stage:
    return Stage(**{"id": "rec1", "kind": "recommend", "title": "民主推荐", "electorate": 30,
                    "candidates": "roster", **kw})


def count(ballots, lists=ALL, **kw):
    return count_stage(stage(**kw), POSTS, lists, ROSTER, ballots)


def b(number, p01=(), p02=(), category=None, void=None):
    return Ballot(str(number), category, void, {"P01": tuple(p01), "P02": tuple(p02)})


def test_invalid_marks_are_reported_with_ballot_and_text():
    lists = {"P01": ("C01", "C04"), "P02": ALL["P02"]}  # 李娜 not on P01's list at this stage
    result = count([b(1, ["赵六"]), b(2, ["张伟"]), b(3, ["刘洋"]), b(4, ["李娜"]), b(5, ["王芳"])], lists)
    p01 = result.posts["P01"]
    assert p01.invalid_marks == [
        InvalidMark("1", "P01", "赵六", "not on the roster"),
        # (ballot 2's 张伟 counts: C01 is the only 张伟 on P01's list — the shared-name rule)
        InvalidMark("3", "P01", "刘洋", "not eligible for P01"),
        InvalidMark("4", "P01", "李娜", "not on this stage's list for P01"),
    ]
    # an invalid mark is not counted, but the paper stays valid for the post and is not blank
    assert (p01.returned, p01.void, p01.valid, p01.blank) == (5, 0, 5, 0)
    assert {c: cc.votes for c, cc in p01.counts.items()} == {"C01": 1, "C04": 1}
    assert p01.share("C04") == F(1, 5) and p01.by_list == 1


def test_marks_in_one_cell_are_deduplicated():
    result = count([b(1, ["王芳", "C04", "王\u3000芳"]), b(2, ["赵六", "赵 六"])])
    p01 = result.posts["P01"]
    assert p01.count("C04").votes == 1
    assert [m.text for m in p01.invalid_marks] == ["赵六"]
    assert p01.overvotes == 0 and p01.void == 0


def test_overvote_void_post_counts_invalid_marks():
    # P01 allows 1 mark: a valid and an invalid mark make 2, an overvote voiding P01 only
    result = count([b(1, ["王芳", "赵六"], ["刘洋"]), b(2, ["王芳"], ["刘洋", "陈静", "C02"])])
    p01, p02 = result.posts["P01"], result.posts["P02"]
    assert (p01.void, p01.overvotes, p01.valid) == (1, 1, 1)
    assert p01.count("C04").votes == 1 and p01.invalid_marks == []  # the voided cell reports nothing
    assert (p02.void, p02.overvotes, p02.valid) == (1, 1, 1)  # 3 marks for 2 seats
    assert p02.count("C05").votes == 1 and p02.count("C06").votes == 0
    assert result.void_papers == 0


def test_overvote_void_ballot_voids_the_paper():
    result = count([b(1, ["王芳", "赵六"], ["刘洋"]), b(2, ["王芳"], ["刘洋"])], overvote="void-ballot")
    p01, p02 = result.posts["P01"], result.posts["P02"]
    assert result.void_papers == 1
    assert (p01.void, p01.valid, p02.void, p02.valid) == (1, 1, 1, 1)
    assert p02.count("C05").votes == 1
    assert p01.overvotes == 1 and p02.overvotes == 0


def test_max_marks_overrides_seats():
    result = count([b(1, ["王芳", "李娜"])], max_marks=2)
    assert result.posts["P01"].void == 0 and result.posts["P01"].count("C03").votes == 1


def test_void_papers_and_blanks():
    result = count([b(1, void="撕毁"), b(2), b(3, ["王芳"]), b(4, [], ["陈静"]),
                    Ballot("5", marks={})])
    p01, p02 = result.posts["P01"], result.posts["P02"]
    assert result.returned == 5 and result.void_papers == 1
    assert (p01.returned, p01.void, p01.valid, p01.blank) == (5, 1, 4, 3)
    assert (p02.returned, p02.void, p02.valid, p02.blank) == (5, 1, 4, 3)
    assert p01.share("C04") == F(1, 4)


def test_category_weights():
    weights = (("领导干部", F(3)), ("一般干部", F(1)))
    result = count([b(1, ["王芳"], category="领导干部"), b(2, ["李娜"], category="一般干部"),
                    b(3, ["王芳"], category="一般干部"), b(4, [], category="领导干部"),
                    b(5, ["王芳", "李娜"], category="领导干部"),  # overvote: not in the denominator
                    b(6, ["李娜"], category="一般干部", void="无法辨认")], categories=weights)
    p01 = result.posts["P01"]
    assert p01.valid == 4
    assert p01.weighted_valid == 3 + 1 + 1 + 3
    assert p01.count("C04").votes == 2 and p01.count("C04").weighted == 4
    assert p01.count("C04").by_category == {"领导干部": 1, "一般干部": 1}
    assert p01.share("C04") == F(4, 8) and p01.share("C03") == F(1, 8)
    assert p01.share("C01") == 0


def test_fractional_weights_stay_exact():
    weights = (("甲", F(1, 3)), ("乙", F(2, 3)))
    result = count([b(1, ["王芳"], category="甲"), b(2, ["李娜"], category="乙")], categories=weights)
    assert result.posts["P01"].share("C04") == F(1, 3)


def test_no_valid_ballots_share_is_zero():
    result = count([b(1, void="x")])
    assert result.posts["P01"].valid == 0 and result.posts["P01"].share("C04") == 0


def approve(number, p01=None, p02=None, void=None, category=None):
    choices = {}
    if p01:
        choices["P01"] = p01
    if p02:
        choices["P02"] = p02
    return Ballot(str(number), category, void, {}, choices)


def vote(ballots, **kw):
    st = Stage(**{"id": "vote1", "kind": "vote", "title": "票决", "members": 9, "form": "approve", **kw})
    lists = {"P01": ("C01", "C04"), "P02": ("C05", "C02")}
    return count_stage(st, POSTS, lists, ROSTER, ballots)


def test_approve_counts_and_blanks():
    result = vote([
        approve(1, {"C01": "yes", "C04": "no"}, {"C05": "yes"}),
        approve(2, {"C01": "yes", "C04": "abstain"}, {"C05": "no", "C02": "invalid"}),
        approve(3),  # every cell empty: a blank for both posts
        approve(4, {"C01": "invalid"}),
        approve(5, {"C01": "yes"}, void="做记号"),
    ])
    p01, p02 = result.posts["P01"], result.posts["P02"]
    c01, c04 = p01.count("C01"), p01.count("C04")
    assert (c01.votes, c01.no, c01.abstain, c01.invalid) == (2, 0, 1, 1)
    assert (c04.votes, c04.no, c04.abstain, c04.invalid) == (0, 1, 3, 0)
    assert (p01.returned, p01.void, p01.valid, p01.blank) == (5, 1, 4, 1)
    assert (p02.valid, p02.blank) == (4, 2)  # ballots 3 and 4 leave P02 empty
    c05, c02 = p02.count("C05"), p02.count("C02")
    assert (c05.votes, c05.no, c05.abstain) == (1, 1, 2)
    assert (c02.votes, c02.invalid, c02.abstain) == (0, 1, 3)
    assert p01.share("C01") == F(2, 4) and p02.share("C05") == F(1, 4)


def test_approve_max_marks_limits_yes_votes():
    result = vote([approve(1, {"C01": "yes", "C04": "yes"}), approve(2, {"C01": "yes", "C04": "no"})],
                  max_marks=1)
    p01 = result.posts["P01"]
    assert (p01.void, p01.overvotes, p01.valid) == (1, 1, 1)
    assert p01.count("C04").votes == 0 and p01.count("C01").votes == 1


def test_approve_without_max_marks_has_no_limit():
    result = vote([approve(1, {"C01": "yes", "C04": "yes"})])
    assert result.posts["P01"].void == 0 and result.posts["P01"].count("C04").votes == 1
