"""Round files with a `decide` stage (讨论决定) and re-vote keys: what is read, and each refusal
with its key path."""

from __future__ import annotations

from fractions import Fraction

import pytest

from selector.domain.model import Threshold
from selector.errors import ConfigError
from selector.readers import roundfile
from support import DATA, good_round

DECIDE = '\n[[stage]]\nid = "decide"\nkind = "decide"\ntitle = "市委常委会讨论决定"\n'


def test_a_decide_stage_with_named_members():
    r, _, _ = roundfile.load(DATA / "decide" / "round.toml")
    decide, notice = r.stages
    assert decide.kind == "decide" and decide.members == 11 and decide.member_names[:2] == ("陈明", "周立")
    assert decide.majority == Threshold(">", Fraction(1, 2)) and decide.quorum == Threshold(">=", Fraction(2, 3))
    assert (decide.revotes, decide.after_revotes, decide.entitled, decide.entitled_name) == (1, "unfilled", 11,
                                                                                             "members")
    assert not decide.takes_ballots


def test_decide_defaults_and_vote_revote_keys(tmp_path):
    path = good_round(tmp_path, {"members = 9": 'members = 9\nrevotes = 2\nafter_revotes = "refer"',
                                 'shortfall = "accept"': 'shortfall = "revote"'},
                      DECIDE + 'members = 7\npass = ">= 2/3"\n')
    r, _, _ = roundfile.load(path)
    vote1, decide = r.stages[1:]
    assert (vote1.revotes, vote1.after_revotes, vote1.cut.shortfall) == (2, "refer", "revote")
    assert (decide.members, decide.member_names, decide.majority) == (7, (), Threshold(">=", Fraction(2, 3)))
    assert (decide.revotes, decide.after_revotes) == (1, "unfilled")


@pytest.mark.parametrize("replace, append, message", [
    ({}, DECIDE, "stage[2].members: missing (应到会成员: a number, or the members' names)"),
    ({}, DECIDE + 'members = ["陈明", "周立", "陈明"]\n', "stage[2].members: lists the same item twice"),
    ({}, DECIDE + 'members = ["陈明", "周 立", "周立"]\n', "stage[2].members: lists the same item twice"),
    ({}, DECIDE + "members = 0\n", "stage[2].members: expected a whole number ≥ 1, got 0"),
    ({}, DECIDE + "members = 11\nrevotes = -1\n", "stage[2].revotes: expected a whole number ≥ 0, got -1"),
    ({}, DECIDE + "members = 11\nrevotes = 11\n",
     "stage[2].revotes: expected a whole number ≥ 0 and at most 10, got 11"),
    ({}, DECIDE + 'members = 11\nafter_revotes = "lot"\n',
     'stage[2].after_revotes: expected one of unfilled | refer, got "lot"'),
    ({}, DECIDE + 'members = 11\npass = "1/2"\n',
     'stage[2].pass: expected a threshold like ">= 2/3" or "> 1/2", got "1/2"'),
    ({}, DECIDE + "members = 11\nmax_marks = 1\n", "stage[2].max_marks: not used by a decide stage"),
    ({'ratio = "1:2"': 'ratio = "1:2"\nshortfall = "revote"'}, "",
     'stage[0].cut.shortfall: "revote" is for vote stages (再次投票)'),
    ({'ratio = "1:2"': 'ratio = "1:2"\nrevotes = 1'}, "", "stage[0].cut.revotes: unknown key"),
    ({'electorate = 30': 'electorate = 30\nrevotes = 1'}, "", "stage[0].revotes: not used by a recommend stage"),
])
def test_refusals(tmp_path, replace, append, message):
    with pytest.raises(ConfigError) as e:
        roundfile.load(good_round(tmp_path, replace, append))
    assert message in e.value.message
