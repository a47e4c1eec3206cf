"""One handler per stage kind, behind one protocol; the registry is the only place that maps
a stage's kind to the code that runs it.

Adding a kind: a domain rule module (`domain/`), a handler here (keeping the protocol of
`protocol.py`), a renderer (`reports/terminal.py` RENDERERS, documents), and their tests;
then its branch in `handler_for`.
"""

from __future__ import annotations

from selector.domain.model import Stage

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from selector.service.rounds import OpenRound
    from selector.service.stages.protocol import StageHandler


def handler_for(open_: "OpenRound", stage: Stage) -> "StageHandler":
    """The handler of a stage of its kind; each kind's module is imported when a stage of
    that kind is handled (a tally imports neither the inspection's nor the notices' code)."""
    kind = stage.kind
    if kind in ("recommend", "vote"):
        from selector.service.stages.ballots import RecommendStage, VoteStage

        return (RecommendStage if kind == "recommend" else VoteStage)(open_, stage)
    if kind == "inspect":
        from selector.service.stages.inspect import InspectStage

        return InspectStage(open_, stage)
    if kind == "notice":
        from selector.service.stages.notice import NoticeStage

        return NoticeStage(open_, stage)
    if kind == "decide":
        from selector.service.stages.decide import DecideStage

        return DecideStage(open_, stage)
    raise KeyError(kind)
