"""The protocol every stage kind's handler keeps (`handler_for` in `service/stages/__init__.py`
gives each stage its handler). For readers and type checkers: nothing imports it at run time
(a command need not load `typing`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from selector.domain.cuts import Decisions, PostCut
from selector.domain.model import Stage

if TYPE_CHECKING:
    from selector.views import StageView
    from selector.service.recheck import Report
    from selector.service.rounds import OpenRound, StageState
    from selector.service.steps import Blocked, Step


class StageHandler(Protocol):
    """What every stage kind does: its state and next step, its cut, its view, its re-check."""

    capability: ClassVar[str]  # what commands call it for: "ballots" | "inspect" | "notice" | "sittings"
    documents: ClassVar[tuple[str, ...]]  # the documents `export` makes of it
    open: "OpenRound"
    stage: Stage

    def label(self, state: "StageState") -> str:
        """Its state as `status` shows it (waiting, ready, …, locked)."""

    def next_step(self, label: str) -> "Step | Blocked":
        """What to do next while it is not locked."""

    def counts(self) -> dict:
        """Figures for `status` beyond the ballot counts (files, complaints)."""

    def cut(self, decisions: Decisions) -> list[PostCut]:
        """Make and lock its list (inside the caller's transaction), or refuse."""

    def view(self, cuts: list[PostCut] | None = None) -> StageView:
        """The stage as one structure: `show --json`, the screens and the documents."""

    def recheck(self, events: list[dict], report: "Report"):
        """`audit verify`: stored rows against the log, results made again; returns the recount."""

    def recut(self, recount, decisions: Decisions) -> dict[str, tuple[str, list[str]]] | None:
        """The cut made again from the recount (post -> (status, advanced)), or None."""

    def recheck_files(self, found: dict[str, list[Path]], folder: Path, report: "Report") -> None:
        """`audit verify --files`: its original input files re-hashed and re-read."""
