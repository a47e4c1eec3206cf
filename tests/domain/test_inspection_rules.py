"""Inspection rules: vetoes and 民主测评 strike, struck candidates are backfilled (递补)."""

from fractions import Fraction

import pytest

from selector.domain.cuts import Standing
from selector.domain.inspection import EVALUATION, Finding, Grades, inspect_post, missing_checks, vet
from selector.domain.model import Evaluation, Threshold
from selector.errors import NotTied

CHECKS = ("纪检", "信访")
EV = Evaluation(("优秀", "称职", "基本称职", "不称职"), ("优秀", "称职"), Threshold(">=", Fraction(2, 3)))


def clear(cid, verdicts=None):
    verdicts = verdicts or {}
    return {c: Finding(cid, c, verdicts.get(c, "clear")) for c in CHECKS}


def ranking(*scores):
    """Standings from (id, score[, eligible]) in rank order."""
    out, rank = [], 0
    for i, item in enumerate(scores, start=1):
        cid, sc, *rest = item
        if not out or out[-1].score != Fraction(sc):
            rank = i
        out.append(Standing(cid, Fraction(sc), rank, rest[0] if rest else True))
    return out


def vetted(people, struck=(), missing=()):
    out = {}
    for cid in people:
        findings = clear(cid, {"纪检": "veto"} if cid in struck else None)
        if cid in missing:
            findings = {}
        out[cid] = vet(cid, CHECKS, findings, None, None)
    return out


def test_a_veto_strikes_and_a_concern_does_not():
    assert vet("C1", CHECKS, clear("C1", {"信访": "veto"}), None, None).struck
    v = vet("C1", CHECKS, clear("C1", {"信访": "concern"}), None, None)
    assert not v.struck and v.missing == () and v.checks == {"纪检": "clear", "信访": "concern"}


def test_missing_checks_are_listed_and_do_not_strike():
    v = vet("C1", CHECKS, {"纪检": Finding("C1", "纪检", "clear")}, EV, None)
    assert v.missing == ("信访", EVALUATION)
    assert not v.struck and v.evaluated is None


def test_evaluation_passes_exactly_at_two_thirds():
    v = vet("C1", CHECKS, clear("C1"), EV, Grades({"优秀": 1, "称职": 1, "不称职": 1}))
    assert v.evaluated is True and not v.struck
    assert v.grades.top(EV) == 2 and v.grades.valid == 3 and v.grades.rate(EV) == Fraction(2, 3)


def test_evaluation_just_below_two_thirds_strikes():
    # 5 of 8 = 0.625 < 2/3 (two thirds of 8 is 16/3, so 6 are needed)
    v = vet("C1", CHECKS, clear("C1"), EV, Grades({"优秀": 3, "称职": 2, "基本称职": 3}))
    assert v.evaluated is False and v.struck and not v.vetoes


def test_blank_and_unclear_grades_are_valid_ballots_without_a_top_grade():
    g = Grades({"优秀": 2}, blank=1, invalid=1, void=5)
    assert g.valid == 4 and g.passed(EV) is False  # 2 of 4; the 5 void papers do not count
    assert Grades({"优秀": 2}, blank=1).passed(EV) is True  # 2 of 3


def test_a_struck_candidate_is_replaced_by_the_next_eligible_in_the_ranking():
    rank = ranking(("C1", "1/2"), ("C2", "1/4"), ("C3", "1/8"), ("C4", "1/16", False), ("C5", "1/32"))
    vetting = vetted(["C1", "C2", "C3", "C4", "C5"], struck=["C2"])
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=True)
    assert cut.struck == ("C2",)
    assert cut.backfilled == ("C5",)  # C4 is not eligible
    assert cut.advanced == ("C1", "C3", "C5") and cut.status == "ok" and not cut.held


def test_a_struck_backfill_is_backfilled_in_turn():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2), ("C5", 1))
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetted(["C1", "C2", "C3", "C4", "C5"],
                                                                struck=["C2", "C4"]), backfill=True)
    assert cut.backfilled == ("C4", "C5") and cut.advanced == ("C1", "C3", "C5")


def test_a_backfilled_candidate_without_checks_is_missing():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2))
    vetting = vetted(["C1", "C2", "C3", "C4"], struck=["C2"], missing=["C4"])
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=True)
    assert missing_checks([cut], vetting) == {"C4": ("纪检", "信访")}  # the struck C2 needs nothing more


def test_a_tie_at_the_backfill_line_is_held_until_resolved():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2), ("C5", 2))
    vetting = vetted(["C1", "C2", "C3", "C4", "C5"], struck=["C1"])
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=True)
    assert cut.status == "tied" and cut.held and cut.tie.tied == ("C4", "C5") and cut.tie.slots == 1
    assert set(cut.open_to) == {"C1", "C2", "C3", "C4", "C5"}
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=True, resolve=["C5"])
    assert cut.advanced == ("C2", "C3", "C5") and cut.decision == "resolved" and cut.chosen == ("C5",)
    with pytest.raises(NotTied) as e:
        inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=True, resolve=["C2"])
    assert (e.value.post, e.value.strangers, e.value.tied) == ("P01", ("C2",), ("C4", "C5"))


def test_nobody_left_to_backfill_holds_the_post_until_accepted_short():
    rank = ranking(("C6", 3), ("C7", 2), ("C8", 1))
    vetting = vetted(["C6", "C7", "C8"], struck=["C7"])
    cut = inspect_post("P02", ["C6", "C7", "C8"], rank, vetting, backfill=True)
    assert cut.status == "short" and cut.held
    cut = inspect_post("P02", ["C6", "C7", "C8"], rank, vetting, backfill=True, accept_short=True)
    assert cut.status == "short" and not cut.held and cut.advanced == ("C6", "C8")
    assert cut.decision == "accepted-short"


def test_without_backfill_a_strike_just_shortens_the_list():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2))
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetted(["C1", "C2", "C3", "C4"], struck=["C2"]),
                       backfill=False)
    assert cut.status == "short" and not cut.held and cut.advanced == ("C1", "C3") and cut.backfilled == ()
