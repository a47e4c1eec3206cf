"""讨论决定 and re-votes as pure rules (domain/decision.py): the pass line of 应到会成员, 回避, 暂缓,
choosing k of n on the same line, and what a tie or a failed vote goes to."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from selector.domain.decision import Item, Pending, Rule, Sitting, check_sitting, judge, settle, start
from selector.domain.model import Threshold
from selector.errors import BallotFileError

MAJORITY = Threshold(">", Fraction(1, 2))
QUORUM = Threshold(">=", Fraction(2, 3))
MEMBERS = ("陈明", "周立", "吴红", "郑国强", "孙伟", "钱进", "赵敏", "冯涛", "褚云", "卫东", "蒋平")
RULE = Rule(11, MAJORITY, revotes=1, after="unfilled")


def sitting(number: int, day: str, present: int, *items: Item, method: str = "hands") -> Sitting:
    return Sitting(number, date.fromisoformat(day), present, method, items)


def test_six_of_eleven_pass_and_five_do_not():
    s = sitting(1, "2026-11-20", 11, Item("P01", "C01", 6, 4, 1), Item("P02", "C02", 5, 5, 1))
    passed, failed = (judge(RULE, s, i) for i in s.items)
    assert (passed.passed, passed.base, passed.voters, passed.needs) == (True, 11, 11, None)
    assert (failed.passed, failed.needs) == (False, 1)
    # more than half of 应到会成员, not of those present: 6 of 8 present still needs 6
    few = sitting(2, "2026-11-21", 8, Item("P02", "C02", 5, 3, 0))
    assert judge(RULE, few, few.items[0]).passed is False


def test_recusal_leaves_the_member_out_of_that_nominee_vote_only():
    s = sitting(1, "2026-11-20", 10, Item("P03", "C03", 6, 3, 0, recused=("钱进",)), Item("P03", "C04", 3, 6, 1))
    recused, other = (judge(RULE, s, i) for i in s.items)
    assert (recused.voters, recused.base) == (9, 10)  # 10 present − 1; 11 members − 1
    assert (other.voters, other.base) == (10, 11)
    assert recused.passed is True  # 6 > 10/2


def test_a_deferred_post_is_decided_at_a_later_sitting():
    first = sitting(1, "2026-11-20", 11, Item("P03", "C03", deferred=True), Item("P03", "C04", deferred=True))
    waiting = settle("P03", start(("C03", "C04"), 1), [first], RULE)
    assert waiting.status == "deferred" and waiting.pending.ballot == ("C03", "C04")
    assert not waiting.pending.again  # 暂缓 is no re-vote
    second = sitting(2, "2026-11-27", 10, Item("P03", "C03", 7, 2, 0), Item("P03", "C04", 3, 6, 1))
    done = settle("P03", start(("C03", "C04"), 1), [first, second], RULE)
    assert (done.status, done.advanced, done.settled, done.decision) == ("ok", ("C03",), True, None)
    assert [(v.sitting, v.passed) for v in done.votes] == [(1, None), (1, None), (2, True), (2, False)]


def test_choose_k_of_n_on_the_same_line():
    s = sitting(1, "2026-11-20", 11, Item("P05", "A", 9, 2), Item("P05", "B", 7, 4), Item("P05", "C", 6, 5),
                Item("P05", "D", 4, 7))
    done = settle("P05", start("ABCD", 2), [s], RULE)
    assert done.advanced == ("A", "B") and done.status == "ok"
    # only one over the line for two places: one place goes to a re-vote among the rest
    low = sitting(1, "2026-11-20", 11, Item("P05", "A", 9, 2), Item("P05", "B", 5, 6), Item("P05", "C", 4, 7))
    part = settle("P05", start("ABC", 2), [low], RULE)
    assert part.status == "revote" and part.pending == Pending(("A",), ("B", "C"), 1, 0, "short", True)


def test_a_tie_at_the_seat_line_is_voted_again_among_the_tied():
    tie = sitting(1, "2026-11-20", 11, Item("P05", "A", 9, 2), Item("P05", "B", 7, 4), Item("P05", "C", 7, 4))
    held = settle("P05", start("ABC", 2), [tie], RULE)
    assert held.status == "revote" and held.tied == ("B", "C")
    assert held.pending.chosen == ("A",) and held.pending.ballot == ("B", "C") and held.pending.slots == 1
    again = sitting(2, "2026-11-27", 11, Item("P05", "B", 8, 3), Item("P05", "C", 6, 5))
    done = settle("P05", start("ABC", 2), [tie, again], RULE)
    assert (done.status, done.advanced, done.decision, done.revotes) == ("ok", ("A", "B"), "revote", 1)
    assert [v.revote for v in done.votes] == [False, False, False, True, True]


def test_after_the_revotes_allowed_the_post_is_left_unfilled_or_referred_back():
    first = sitting(1, "2026-11-20", 11, Item("P02", "C02", 5, 5, 1))
    again = sitting(2, "2026-11-27", 9, Item("P02", "C02", 5, 4))
    done = settle("P02", start(("C02",), 1), [first, again], RULE)
    assert (done.status, done.advanced, done.decision, done.settled) == ("unfilled", (), "unfilled", True)
    referred = settle("P02", start(("C02",), 1), [first, again], Rule(11, MAJORITY, revotes=1, after="refer"))
    assert referred.decision == "referred" and referred.status == "unfilled"
    none_allowed = settle("P02", start(("C02",), 1), [first], Rule(11, MAJORITY, revotes=0))
    assert none_allowed.settled and none_allowed.status == "unfilled"


def test_a_vote_stage_tie_starts_as_a_pending_revote():
    rule = Rule(9, MAJORITY, revotes=2)
    begin = Pending((), ("C01", "C04"), 1, 0, "tied", True)
    still = sitting(1, "2026-11-20", 8, Item("P01", "C01", 4, 4), Item("P01", "C04", 4, 4), method="ballot")
    once = settle("P01", begin, [still], rule, tied=("C01", "C04"))
    assert once.status == "revote" and once.revotes == 1  # tied again, one re-vote left
    twice = settle("P01", begin, [still, Sitting(2, date(2026, 11, 21), 8, "ballot", still.items)], rule)
    assert twice.settled and twice.status == "unfilled" and twice.revotes == 2
    assert settle("P01", begin, [], Rule(9, MAJORITY, revotes=0), tied=("C01", "C04")).status == "unfilled"


def check(s: Sitting, previous: str | None = None, members=MEMBERS, open_posts=None):
    posts = open_posts or {"P01": start(("C01",), 1), "P03": start(("C03", "C04"), 1)}
    check_sitting(s, file="s.toml", open_posts=posts, previous=date.fromisoformat(previous) if previous else None,
                  rule=RULE, member_names=members, quorum=QUORUM, keys={}, name_of={"C01": "张伟"})


@pytest.mark.parametrize("s, previous, message", [
    (sitting(2, "2026-11-19", 11, Item("P01", "C01", 6, 5)), "2026-11-20",
     "date 2026-11-19 is before the previous sitting (2026-11-20)"),
    (sitting(1, "2026-11-20", 11, Item("P01", "C01", 6, 5, recused=("王五",))), None,
     "王五 is recused but is not a member of this body"),
    (sitting(1, "2026-11-20", 9, Item("P01", "C01", 6, 3, 1)), None,
     "10 votes counted but only 9 could vote (9 present, 0 recused)"),
    (sitting(1, "2026-11-20", 9, Item("P01", "C01", 6, 2, 1, recused=("钱进",))), None,
     "9 votes counted but only 8 could vote (9 present, 1 recused)"),
    (sitting(1, "2026-11-20", 7, Item("P01", "C01", 6, 1)), None,
     "no quorum: 7 present of 11 members, the quorum >= 2/3 needs at least 8"),
    (sitting(1, "2026-11-20", 11, Item("P03", "C03", 6, 5)), None,
     "post P03 is taken up without C04: a sitting votes on the post's whole ballot"),
    (sitting(1, "2026-11-20", 11, Item("P02", "C02", 6, 5)), None, "post P02 is not open for a decision"),
    (sitting(1, "2026-11-20", 11, Item("P01", "C01", 7, 4, deferred=True)), None,
     "张伟 reached the pass line (7 同意): a passed item cannot be put off"),
])
def test_a_sitting_the_stage_cannot_take_is_refused_whole(s, previous, message):
    with pytest.raises(BallotFileError) as e:
        check(s, previous)
    assert message in e.value.message and e.value.message.startswith("s.toml: ")


def test_a_recusal_needs_named_members_only_to_check_them():
    check(sitting(1, "2026-11-20", 11, Item("P01", "C01", 6, 4, 0, recused=("钱进",))))  # a member: fine
    check(sitting(1, "2026-11-20", 11, Item("P01", "C01", 6, 5)), "2026-11-20")  # same day as the last: fine
