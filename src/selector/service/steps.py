"""Next steps as values: what `status` says to do next, worded by `cli.messages`."""

from __future__ import annotations

from dataclasses import dataclass

from selector.errors import SelectorError


@dataclass(frozen=True)
class Step:
    stage: str


@dataclass(frozen=True)
class Tally(Step):
    """Tally the first batch, giving the attendance."""

    entitled_name: str
    entitled: int


@dataclass(frozen=True)
class MoreOrCut(Step):
    """Tally another batch, or lock the stage's list (a stage without a cut rule)."""


@dataclass(frozen=True)
class Cut(Step):
    """Make the cut; `tied` and `short` posts (or `held`, unnamed) need a decision first."""

    tied: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    held: bool = False


@dataclass(frozen=True)
class Inspect(Step):
    """Record the missing findings: (candidate, checks missing) for the first few."""

    missing: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class OpenNotice(Step):
    """Open the notice with its start date."""


@dataclass(frozen=True)
class ResolveComplaint(Step):
    """Close an open complaint with its outcome."""

    number: int


@dataclass(frozen=True)
class CloseNotice(Step):
    """Close the notice once its end date has passed (from the day after)."""

    end: str


@dataclass(frozen=True)
class Blocked:
    """No command can be named yet: the refusal says why."""

    error: SelectorError
