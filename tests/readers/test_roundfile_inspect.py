"""The inspect stage's keys under the 2019 条例: 凡提四必, 民主测评 rules on any grade, and
`backfill`, which a round file may no longer set (a round stored before is still read)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from selector.domain.model import Threshold
from selector.errors import ConfigError
from selector.readers import roundfile
from stagehelp import ROUND

TEXT = ROUND.read_text("utf-8")
EVAL = 'evaluation = { scale = ["优秀", "称职", "基本称职", "不称职"], top = ["优秀", "称职"], pass = ">= 2/3" }'


def parse(text: str, legacy: bool = False):
    return roundfile.parse(text.encode("utf-8"), "round.toml", lambda name: b"", legacy=legacy)


def inspect_stage(text: str):
    return next(s for s in parse(text).stages if s.kind == "inspect")


def test_fan_ti_si_bi_is_a_ready_preset_alone_or_in_a_list():
    four = ("干部档案审核", "个人有关事项报告核查", "纪检监察机关意见", "信访举报核查")
    assert inspect_stage(TEXT.replace('checks = ["纪检", "信访"]', 'checks = "凡提四必"')).checks == four
    stage = inspect_stage(TEXT.replace('checks = ["纪检", "信访"]', 'checks = ["凡提四必", "综治"]'))
    assert stage.checks == (*four, "综治")
    with pytest.raises(ConfigError) as e:
        parse(TEXT.replace('checks = ["纪检", "信访"]', 'checks = ["凡提四必", "信访举报核查"]'))
    assert e.value.message == "round.toml: stage[1].checks: lists the same item twice"


def test_rules_name_any_grade_of_the_scale():
    ev = inspect_stage(TEXT.replace(EVAL, 'evaluation = { scale = ["好", "较好", "一般", "差"], '
                                          'pass = "较好以上 >= 2/3", strike = ["差 > 1/3"], '
                                          'concern = "一般、差 >= 1/5", unknown = ["不了解", "不熟悉"] }')).evaluation
    assert [(r.grades, r.threshold, r.effect) for r in ev.rules] == [
        (("好", "较好"), Threshold(">=", Fraction(2, 3)), "pass"), (("差",), Threshold(">", Fraction(1, 3)), "strike"),
        (("一般", "差"), Threshold(">=", Fraction(1, 5)), "concern")]
    assert ev.top == ("好", "较好") and ev.unknown == ("不了解", "不熟悉")
    below = inspect_stage(TEXT.replace(EVAL, 'evaluation = { scale = ["优秀", "称职", "基本称职", "不称职"], '
                                             'strike = "基本称职以下 > 1/2" }')).evaluation
    assert below.rules[0].grades == ("基本称职", "不称职") and below.pass_ is None
    # the older form: the top grades and a pass share, read as one pass rule
    old = inspect_stage(TEXT).evaluation
    assert [(r.grades, r.effect) for r in old.rules] == [(("优秀", "称职"), "pass")]


@pytest.mark.parametrize("evaluation, message", [
    ('{ scale = ["优秀", "称职"], pass = "良好以上 >= 2/3" }',
     'stage[1].evaluation.pass: "良好以上" is not on the scale (优秀/称职)'),
    ('{ scale = ["优秀", "称职"], strike = "称职" }',
     "stage[1].evaluation.strike: expected a rule like \"称职以上 >= 2/3\" (grades, then a threshold), got \"称职\""),
    ('{ scale = ["优秀", "称职"] }', "stage[1].evaluation: give at least one rule: pass, strike or concern"),
    ('{ scale = ["优秀", "称职"], pass = "优秀 >= 3/2" }', "a threshold is a share of at most 1"),
    ('{ scale = ["优秀", "称职"], concern = "优秀 >= 1/2", unknown = ["优秀"] }',
     'stage[1].evaluation.unknown: "优秀" is on the scale'),
    ('{ scale = ["优秀", "称职"], top = ["优秀"] }', "stage[1].evaluation.pass: missing (required)"),
])
def test_rule_refusals_name_the_key(evaluation, message):
    with pytest.raises(ConfigError) as e:
        parse(TEXT.replace(EVAL, f"evaluation = {evaluation}"))
    assert message in e.value.message


def test_backfill_is_refused_in_a_round_file_with_what_to_do_instead():
    with pytest.raises(ConfigError) as e:
        parse(TEXT.replace("[[stage]]\nid = \"vote1\"", "backfill = true\n\n[[stage]]\nid = \"vote1\""))
    assert e.value.message.startswith("round.toml: stage[1].backfill: 递补 is no longer automatic: delete this key")
    assert "cut STAGE --backfill POST=ID or --no-backfill POST, with --reason" in e.value.message


def test_a_round_stored_before_keeps_its_backfill_key():
    text = TEXT.replace("[[stage]]\nid = \"vote1\"", "backfill = true\n\n[[stage]]\nid = \"vote1\"")
    assert next(s for s in parse(text, legacy=True).stages if s.kind == "inspect").backfill is True
    assert inspect_stage(TEXT).backfill is None
