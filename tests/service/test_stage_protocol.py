"""Every stage kind's handler keeps the protocol of `service/stages/protocol.py` (which only
type checkers import: a command does not load `typing`), member by member."""

from __future__ import annotations

import inspect

import pytest

from selector.service.stages.ballots import RecommendStage, VoteStage
from selector.service.stages.decide import DecideStage
from selector.service.stages.inspect import InspectStage
from selector.service.stages.notice import NoticeStage
from selector.service.stages.protocol import StageHandler

MEMBERS = [name for name, value in vars(StageHandler).items() if inspect.isfunction(value) and not name.startswith("_")]


@pytest.mark.parametrize("handler", [RecommendStage, VoteStage, InspectStage, NoticeStage, DecideStage])
def test_every_handler_keeps_the_protocol(handler):
    assert {"label", "next_step", "cut", "view", "recheck"} <= set(MEMBERS)
    for name in MEMBERS:  # each takes the protocol's arguments as the callers give them: by place
        given = [p for p in inspect.signature(getattr(StageHandler, name)).parameters if p != "self"]
        inspect.signature(getattr(handler, name)).bind(None, *given)  # (self, then one value a parameter)
    assert isinstance(handler.capability, str) and isinstance(handler.documents, tuple)
