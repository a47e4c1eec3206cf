"""Inspection rules: vetoes and 民主测评 strike, concerns and 递补 wait for decisions."""

from fractions import Fraction

import pytest

from selector.domain.cuts import Standing
from selector.domain.inspection import (
    EVALUATION, Finding, Grades, Settlement, inspect_post, logged_decisions, missing_checks, open_concerns,
    pending_checks, to_inspect, vet,
)
from selector.domain.model import Evaluation, GradeRule, Stage, Threshold
from selector.errors import NotProposed, NotShort

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


def test_blank_unclear_and_void_papers_do_not_count_for_the_candidate():
    g = Grades({"优秀": 2}, blank=1, invalid=1, void=5)
    assert g.graded == 2 and g.papers == 9 and g.passed(EV) is True  # 2 of the 2 that graded them
    assert Grades({"优秀": 2, "不称职": 2}, blank=3).passed(EV) is False  # 2 of 4


def test_rules_name_any_grade_pass_strike_and_concern():
    scale = ("优秀", "称职", "基本称职", "不称职")
    ev = Evaluation(scale, ("优秀", "称职"), Threshold(">=", Fraction(2, 3)), rules=(
        GradeRule(("优秀", "称职"), Threshold(">=", Fraction(2, 3)), "pass", "称职以上 >= 2/3"),
        GradeRule(("不称职",), Threshold(">", Fraction(1, 3)), "strike", "不称职 > 1/3"),
        GradeRule(("基本称职", "不称职"), Threshold(">=", Fraction(1, 5)), "concern", "基本称职以下 >= 1/5")))
    # 7 of 9 称职以上 passes; 2 of 9 基本称职以下 >= 1/5 is a concern to decide
    v = vet("C1", CHECKS, clear("C1"), ev, Grades({"优秀": 3, "称职": 4, "基本称职": 1, "不称职": 1}))
    assert not v.struck and v.concerns == (EVALUATION,) and v.open_concerns == (EVALUATION,)
    assert v.rules == {"称职以上 >= 2/3": True, "不称职 > 1/3": False, "基本称职以下 >= 1/5": True}
    # 不称职 4 of 10 > 1/3 strikes even with 6 of 10 top... which also misses 2/3
    v = vet("C1", CHECKS, clear("C1"), ev, Grades({"优秀": 6, "不称职": 4}))
    assert v.struck and v.evaluated is False
    # exactly 1/3 不称职 does not strike (超过 is strict); 2/3 称职以上 passes
    v = vet("C1", CHECKS, clear("C1"), ev, Grades({"称职": 6, "不称职": 3}))
    assert v.evaluated is True and not v.struck


def test_pending_blocks_and_a_concern_waits_for_a_decision():
    v = vet("C1", CHECKS, clear("C1", {"纪检": "pending", "信访": "concern"}), None, None)
    assert v.pending == ("纪检",) and v.concerns == ("信访",) and not v.struck and v.missing == ()
    cut = inspect_post("P01", ["C1"], ranking(("C1", 1)), {"C1": v})
    assert pending_checks([cut], {"C1": v}) == {"C1": ("纪检",)}
    assert open_concerns([cut], {"C1": v}) == {"C1": ("信访",)}
    kept = vet("C1", CHECKS, clear("C1", {"信访": "concern"}), None, None, Settlement("keep", "已查清", ("信访",)))
    assert kept.open_concerns == () and not kept.struck
    struck = vet("C1", CHECKS, clear("C1", {"信访": "concern"}), None, None, Settlement("strike", "问题属实", ("信访",)))
    assert struck.struck and struck.open_concerns == ()


def test_a_concern_raised_after_a_decision_needs_a_decision_of_its_own():
    # the 部务会 kept C1 on the 信访 concern; a 纪检 concern that comes in later is not covered by it
    kept = Settlement("keep", "已查清", ("信访",))
    v = vet("C1", CHECKS, clear("C1", {"信访": "concern", "纪检": "concern"}), None, None, kept)
    assert v.concerns == ("纪检", "信访") and v.open_concerns == ("纪检",) and not v.struck
    cut = inspect_post("P01", ["C1"], ranking(("C1", 1)), {"C1": v})
    assert open_concerns([cut], {"C1": v}) == {"C1": ("纪检",)}


def test_a_struck_candidate_is_proposed_and_comes_in_only_by_decision():
    rank = ranking(("C1", "1/2"), ("C2", "1/4"), ("C3", "1/8"), ("C4", "1/16", False), ("C5", "1/32"))
    vetting = vetted(["C1", "C2", "C3", "C4", "C5"], struck=["C2"])
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting)
    assert cut.struck == ("C2",) and cut.proposed == ("C5",)  # C4 is not eligible
    assert cut.backfilled == () and cut.held and cut.status == "short" and cut.advanced == ()
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=["C5"])
    assert cut.backfilled == ("C5",) and cut.decision == "backfilled"
    assert cut.advanced == ("C1", "C3", "C5") and cut.status == "ok" and not cut.held
    with pytest.raises(NotProposed) as e:
        inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=["C4"])
    assert (e.value.post, e.value.candidate, e.value.proposed) == ("P01", "C4", ("C5",))


def test_a_struck_proposal_gives_way_to_the_next():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2), ("C5", 1))
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetted(["C1", "C2", "C3", "C4", "C5"],
                                                                struck=["C2", "C4"]))
    assert cut.proposed == ("C5",)
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetted(["C1", "C2", "C3", "C4", "C5"], struck=["C2", "C4"]),
                       backfill=["C5"])
    assert cut.backfilled == ("C5",) and cut.advanced == ("C1", "C3", "C5")


def test_a_backfilled_candidate_without_checks_is_missing():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2))
    vetting = vetted(["C1", "C2", "C3", "C4"], struck=["C2"], missing=["C4"])
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting)
    assert missing_checks([cut], vetting) == {} and to_inspect([cut], vetting) == {"C4": ("纪检", "信访")}
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=["C4"])
    assert missing_checks([cut], vetting) == {"C4": ("纪检", "信访")}  # the struck C2 needs nothing more


def test_a_tie_at_the_backfill_line_proposes_all_tied_and_the_decision_picks():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2), ("C5", 2))
    vetting = vetted(["C1", "C2", "C3", "C4", "C5"], struck=["C1"])
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting)
    assert cut.status == "tied" and cut.held and cut.tie.tied == ("C4", "C5") and cut.tie.slots == 1
    assert set(cut.open_to) == {"C1", "C2", "C3", "C4", "C5"}
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetting, backfill=["C5"])
    assert cut.advanced == ("C2", "C3", "C5") and cut.decision == "backfilled" and cut.chosen == ("C5",)


def test_a_post_goes_on_short_by_decision():
    rank = ranking(("C6", 3), ("C7", 2), ("C8", 1), ("C9", "1/2"))
    vetting = vetted(["C6", "C7", "C8", "C9"], struck=["C7"])
    cut = inspect_post("P02", ["C6", "C7", "C8"], rank, vetting)
    assert cut.status == "short" and cut.held and cut.proposed == ("C9",)
    cut = inspect_post("P02", ["C6", "C7", "C8"], rank, vetting, no_backfill=True)
    assert cut.status == "short" and not cut.held and cut.advanced == ("C6", "C8")
    assert cut.decision == "no-backfill"
    with pytest.raises(NotShort):
        inspect_post("P02", ["C6", "C7", "C8"], rank, vetted(["C6", "C7", "C8"]), no_backfill=True)


def test_a_round_stored_with_backfill_false_still_shortens_without_a_decision():
    rank = ranking(("C1", 5), ("C2", 4), ("C3", 3), ("C4", 2))
    cut = inspect_post("P01", ["C1", "C2", "C3"], rank, vetted(["C1", "C2", "C3", "C4"], struck=["C2"]),
                       short_without_decision=True)
    assert cut.status == "short" and not cut.held and cut.advanced == ("C1", "C3") and cut.backfilled == ()


def test_an_old_cut_event_with_automatic_backfill_reads_as_the_decision_it_stood_for():
    stage = Stage("inspect", "inspect", "考察", backfill=True)
    details = {"posts": {"P01": {"status": "ok", "advanced": ["C1", "C3", "C4"], "struck": ["C2"],
                                 "backfilled": ["C4"]},
                         "P02": {"status": "short", "advanced": ["C6"], "struck": ["C7"], "backfilled": []}}}
    d = logged_decisions(stage, details)
    assert d.backfill == {"P01": ("C4",)} and d.no_backfill == ("P02",)
    assert logged_decisions(Stage("inspect", "inspect", "考察"), details).backfill == {}
