"""A decide stage's `ratio = "1:N"` (choose N x seats per post), read like a cut's ratio."""

from __future__ import annotations

import pytest

from selector.errors import ConfigError
from selector.readers import roundfile
from support import DATA, good_round

DECIDE = '\n[[stage]]\nid = "decide"\nkind = "decide"\ntitle = "市委常委会讨论决定"\nmembers = 11\n'


def test_ratio_is_read_and_defaults_to_one(tmp_path):
    decide = roundfile.load(good_round(tmp_path, {}, DECIDE + 'ratio = "1:2"\n'))[0].stages[-1]
    assert (decide.kind, decide.ratio) == ("decide", 2)
    plain, _, _ = roundfile.load(DATA / "decide" / "round.toml")
    assert plain.stages[0].ratio == 1


@pytest.mark.parametrize("replace, append, message", [
    ({}, DECIDE + 'ratio = "2:1"\n', 'stage[2].ratio: expected "1:N", got "2:1"'),
    ({}, DECIDE + "ratio = 2\n", 'stage[2].ratio: expected "1:N", got 2'),
    ({}, DECIDE + 'ratio = "1:0"\n', 'stage[2].ratio: expected "1:N", got "1:0"'),
    ({}, DECIDE + 'ratio = "1:1001"\n', 'stage[2].ratio: N of "1:N" may be at most 1,000, got "1:1001"'),
    ({"members = 9": 'members = 9\nratio = "1:2"'}, "", "stage[1].ratio: not used by a vote stage"),
])
def test_refusals(tmp_path, replace, append, message):
    with pytest.raises(ConfigError) as e:
        roundfile.load(good_round(tmp_path, replace, append))
    assert message in e.value.message
