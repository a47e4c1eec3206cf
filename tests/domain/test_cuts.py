"""Shortlists (SPEC §3 "Cuts"): scores, ranking, eligibility, pass lines, ties and shortfalls."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from selector.domain.cuts import PassRule, cut_post, draw, lot_seed, rank, score
from selector.domain.model import Cut, Threshold
from selector.cli.messages import text
from selector.errors import RuleError

HALF = Threshold(">", F(1, 2))


def rule(ratio=1, **kw) -> Cut:
    return Cut(ratio=ratio, score=(("s", F(1)),), **kw)


def cut(scores, seats=1, yes=None, pass_rule=None, **kw):
    options = {k: kw.pop(k) for k in ("seed", "resolve", "accept_short") if k in kw}
    scores = {c: F(s) for c, s in scores.items()}
    return cut_post("P01", seats, rule(**kw), scores, yes or {}, pass_rule, **options)


def test_ratio_gives_k_per_seat():
    scores = {"A": "6/10", "B": "5/10", "C": "4/10", "D": "3/10", "E": "2/10", "F": "1/10", "G": "1/20"}
    assert cut(scores, seats=2, ratio=3).k == 6
    result = cut(scores, seats=2, ratio=3)
    assert (result.status, result.held, result.advanced) == ("ok", False, ("A", "B", "C", "D", "E", "F"))
    result = cut(scores, seats=1, ratio=2)
    assert result.advanced == ("A", "B")


def test_weighted_score_over_stages_absent_is_zero():
    shares = {"rec1": {"A": F(1, 2), "B": F(1, 4)}, "rec2": {"A": F(1, 3), "C": F(2, 3)}}
    weights = {"rec1": F(1), "rec2": F(2)}
    assert score(weights, shares, "A") == F(1, 2) + F(2, 3)
    assert score(weights, shares, "B") == F(1, 4)
    assert score(weights, shares, "C") == F(4, 3)
    assert score(weights, shares, "D") == 0
    assert score(weights, {}, "A") == 0


def test_competition_ranking():
    ranked = rank({"D": F(1, 10), "B": F(3, 10), "C": F(3, 10), "A": F(5, 10), "E": F(0)})
    assert ranked == [("A", F(1, 2), 1), ("B", F(3, 10), 2), ("C", F(3, 10), 2), ("D", F(1, 10), 4),
                      ("E", 0, 5)]


def test_zero_score_and_min_share_are_not_eligible():
    result = cut({"A": "1/2", "B": "1/10", "C": "0"}, ratio=3, shortfall="accept",
                 min_share=Threshold(">=", F(1, 5)))
    assert [(s.candidate, s.eligible) for s in result.standings] == [("A", True), ("B", False), ("C", False)]
    assert (result.status, result.advanced) == ("short", ("A",))


def test_min_share_strictly_more():
    result = cut({"A": "1/2", "B": "1/5"}, ratio=2, min_share=Threshold(">", F(1, 5)), shortfall="accept")
    assert result.advanced == ("A",)


@pytest.mark.parametrize("base, yes, passed", [(29, 15, True), (29, 14, False), (9, 5, True), (9, 4, False),
                                               (10, 5, False), (10, 6, True)])
def test_pass_more_than_half(base, yes, passed):
    result = cut({"A": F(yes, base)}, yes={"A": yes}, pass_rule=PassRule(HALF, base), shortfall="accept")
    st = result.standings[0]
    assert st.passed is passed and st.eligible is passed
    assert st.needs == (None if passed else HALF.minimum(base) - yes)
    assert result.status == ("ok" if passed else "unfilled")
    assert result.advanced == (("A",) if passed else ())


@pytest.mark.parametrize("yes, passed", [(6, True), (5, False)])
def test_pass_two_thirds_inclusive(yes, passed):
    line = Threshold(">=", F(2, 3))
    result = cut({"A": F(yes, 9)}, yes={"A": yes}, pass_rule=PassRule(line, 9), shortfall="accept")
    assert result.standings[0].passed is passed


def test_pass_rule_is_checked_per_candidate_and_score_still_ranks():
    # 29 members: 15 yes passes; the best-scoring candidate below the line does not advance
    result = cut({"A": "16/20", "B": "14/20"}, yes={"A": 16, "B": 14}, pass_rule=PassRule(HALF, 29))
    assert result.advanced == ("A",) and result.status == "ok"
    result = cut({"A": "14/20", "B": "13/20"}, yes={"A": 14, "B": 13}, pass_rule=PassRule(HALF, 29))
    assert (result.status, result.held) == ("short", True)


def test_no_pass_rule_means_passed_is_none():
    assert cut({"A": 1}).standings[0].passed is None


TIED = {"A": "4/10", "B": "3/10", "C": "3/10", "D": "2/10"}


def test_tie_hold():
    result = cut(TIED, ratio=2)
    assert (result.status, result.held, result.advanced) == ("tied", True, ())
    assert (result.tie.tied, result.tie.slots, result.tie.score) == (("B", "C"), 1, F(3, 10))


def test_tie_above_the_line_is_no_tie():
    result = cut({"A": "3/10", "B": "3/10", "C": "2/10"}, ratio=2)
    assert (result.status, result.advanced, result.tie) == ("ok", ("A", "B"), None)


def test_tie_widen():
    result = cut(TIED, ratio=2, ties="widen")
    assert (result.status, result.held, result.advanced, result.decision) == ("ok", False, ("A", "B", "C"),
                                                                               "widened")


@pytest.mark.parametrize("policy", ["widen", "lot"])
def test_resolve_cannot_override_the_round_files_tie_policy(policy):
    with pytest.raises(RuleError) as e:
        cut(TIED, ratio=2, ties=policy, seed="s/rec1/P01", resolve=("B",))
    assert f'the round file decides ties at this cut (ties = "{policy}")' in text(e.value)


def test_tie_lot_is_reproducible_and_seeded():
    seed = lot_seed("2026-03-01 公开种子", "rec1", "P01")
    assert seed == "2026-03-01 公开种子/rec1/P01"
    many = {c: "1/10" for c in "ABCDEFGH"}
    first = cut(many, ratio=3, ties="lot", seed=seed)
    again = cut(many, ratio=3, ties="lot", seed=seed)
    assert first.advanced == again.advanced and len(first.advanced) == 3
    assert first.chosen == draw(seed, tuple("ABCDEFGH"), 3)
    assert first.decision == "lot" and first.status == "ok" and not first.held
    # documented algorithm: random.Random(seed).sample(sorted ids, places)
    import random
    assert first.chosen == tuple(random.Random(seed).sample(sorted("ABCDEFGH"), 3))
    others = {cut(many, ratio=3, ties="lot", seed=lot_seed(f"seed-{i}", "rec1", "P01")).chosen
              for i in range(5)}
    assert len(others | {first.chosen}) > 1


def test_lot_keeps_those_above_the_line():
    result = cut(TIED, ratio=2, ties="lot", seed="x/rec1/P01")
    assert result.advanced[0] == "A" and len(result.advanced) == 2 and result.chosen[0] in ("B", "C")


def test_shortfall_hold_and_accept():
    result = cut({"A": "1/2", "B": "0"}, ratio=3)
    assert (result.status, result.held, result.advanced) == ("short", True, ())
    result = cut({"A": "1/2", "B": "0"}, ratio=3, shortfall="accept")
    assert (result.status, result.held, result.advanced, result.decision) == ("short", False, ("A",), None)
    result = cut({"A": "1/2"}, ratio=3, accept_short=True)
    assert (result.status, result.held, result.decision) == ("short", False, "accepted-short")


def test_unfilled():
    result = cut({"A": "0", "B": "0"}, shortfall="accept")
    assert (result.status, result.held, result.advanced) == ("unfilled", False, ())
    assert cut({}, shortfall="accept").status == "unfilled"


def test_resolve():
    result = cut(TIED, ratio=2, resolve=("C",))
    assert (result.status, result.advanced, result.decision, result.chosen) == ("ok", ("A", "C"),
                                                                                "resolved", ("C",))


@pytest.mark.parametrize("resolve, message", [
    (("D",), "--resolve P01: choose exactly 1 of the tied B, C (got D), or the whole shortlist: A and 1 of B, C"),
    (("B", "C"), "--resolve P01: choose exactly 1 of the tied B, C (got B, C), or the whole shortlist: A and 1 "
                 "of B, C"),
    (("A",), "--resolve P01: choose exactly 1 of the tied B, C (got A), or the whole shortlist: A and 1 of B, C"),
    (("A", "B", "C"), "--resolve P01: choose exactly 1 of the tied B, C (got A, B, C), or the whole shortlist: A "
                      "and 1 of B, C"),
])
def test_resolve_validation(resolve, message):
    with pytest.raises(RuleError) as e:
        cut(TIED, ratio=2, resolve=resolve)
    assert text(e.value) == message


def test_resolve_or_accept_where_not_needed():
    with pytest.raises(RuleError) as e:
        cut({"A": "1/2", "B": "1/3"}, resolve=("A",))
    assert text(e.value) == "P01 is not tied at the cut line: --resolve P01=… is not needed"
    with pytest.raises(RuleError) as e:
        cut({"A": "1/2", "B": "1/3"}, accept_short=True)
    assert text(e.value).startswith("P01 is not short (2 eligible for 1 places)")
