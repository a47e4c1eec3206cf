"""The shapes of the views: what the service builds for a stage and the reports render.

A view is the `show --json` structure (SPEC §4, plus names and details), so it stays a plain
JSON-ready dict; these TypedDicts name its keys for the code on both sides. `total=False`
where a key is there only for some stages or once something is counted.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Result(TypedDict, total=False):
    """One candidate's line in a post: counts, share, and (with a cut rule) rank and standing."""

    candidate: str
    name: str
    votes: int
    yes: int
    no: int | None
    abstain: int | None
    invalid: int
    share: str  # a reduced fraction, "25/39"
    weighted: str
    by_category: dict[str, int]
    score: str
    rank: int
    passed: bool | None
    eligible: bool
    needs: int | None
    tied: bool


class PostView(TypedDict, total=False):
    """One post of a stage: its ballots, its results and its cut (ballot stages), its people
    with their checks (inspect), or its appointees (notice)."""

    post: str
    title: str
    seats: int
    k: int
    ballots: dict[str, Any]
    invalid_marks: int
    placed_by_list: int  # marks counted by the shared-name rule (given when there are any)
    invalid_mark_list: list[dict[str, str]]
    void_list: list[dict[str, str]]
    results: list[Result]
    pass_line: dict[str, Any]
    status: str | None
    advanced: list[str] | None
    decision: dict[str, Any]
    tie: dict[str, Any]
    lot: dict[str, Any]
    votes: list[dict[str, Any]]  # decide: every vote on the post, per nominee and sitting
    revotes: list[dict[str, Any]]  # vote: the re-votes (再次投票) of a post held at a tie or short
    # decide/vote: the ballot of the next sitting, its places and why (a dict); notice: the
    # appointees held (暂缓) after a postponed complaint, each with its `until` (a list)
    pending: dict[str, Any] | list[dict[str, Any]]
    outcome: str  # decide: open | deferred | revote | ok | short | unfilled


class StageView(TypedDict, total=False):
    """A stage as one structure: every screen, `--json` and document starts from it."""

    round: str
    stage: str
    kind: str
    title: str
    state: str
    attendance: dict[str, Any] | None
    certified: bool
    certified_at: str | None
    certified_by: dict[str, list[str]] | None
    tie_seed: str | None
    posts: list[PostView]
    void_papers: list[dict[str, str]]  # papers void as a whole: ballot and reason
    waiting: Any  # a refusal (why the stage waits), worded by the CLI
    sittings: list[dict[str, Any]]  # decide stages, and vote stages with re-votes: date, present, method, file
    members: list[str] | None  # decide: the members by name, when the round file names them
    rule: dict[str, Any]  # decide: pass, quorum, revotes, after_revotes
    corrections: list[dict[str, Any]]
    eligibility: dict[str, Any]  # a stage whose list is the roster, when the round has eligibility rules
