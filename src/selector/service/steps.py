"""Next steps as values: what `status` says to do next, worded by `cli.messages`.

Records without `__eq__`, not frozen (`selector.records`): each is made, worded and
dropped, never compared or kept."""

from __future__ import annotations

from selector.errors import SelectorError
from selector.records import dataclass


@dataclass(eq=False)
class Step:
    """The next step of a stage (cli/messages.py words each kind)."""

    stage: str


@dataclass(eq=False)
class Tally(Step):
    """Tally the first batch, giving the attendance."""

    entitled_name: str
    entitled: int


@dataclass(eq=False)
class TallyTalk(Step):
    """Record a 谈话调研推荐's counts with the people talked to (per category)."""

    categories: tuple[str, ...]


@dataclass(eq=False)
class MoreOrCut(Step):
    """Tally another batch, or lock the stage's list (a stage without a cut rule)."""


@dataclass(eq=False)
class Cut(Step):
    """Make the cut; `tied` and `short` posts (or `held`, unnamed) need a decision first."""

    tied: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    held: bool = False


@dataclass(eq=False)
class Inspect(Step):
    """Record the missing findings: (candidate, checks missing) for the first few."""

    missing: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(eq=False)
class Pending(Step):
    """Checks 核查中 block the cut: (candidate, checks) — record the finding when it is done."""

    pending: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(eq=False)
class Settle(Step):
    """Concerns wait for a recorded decision (keep or strike): (candidate, concerns)."""

    concerns: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(eq=False)
class Backfill(Step):
    """Struck candidates' places wait for the 递补 decision: (post, proposed ids)."""

    proposed: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(eq=False)
class OpenNotice(Step):
    """Open the notice with its start date."""


@dataclass(eq=False)
class ResolveComplaint(Step):
    """Close an open complaint with its outcome."""

    number: int


@dataclass(eq=False)
class CloseNotice(Step):
    """Close the notice once its end date has passed (from the day after)."""

    end: str


@dataclass(eq=False)
class Blocked:
    """No command can be named yet: the refusal says why."""

    error: SelectorError


@dataclass(eq=False)
class Sitting(Step):
    """Record a sitting (讨论决定) or a re-vote (再次投票) taking up these posts."""

    posts: tuple[str, ...] = ()
    revote: bool = False
