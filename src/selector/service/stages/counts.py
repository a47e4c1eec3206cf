"""Stages recorded from counts, not papers: signed totals (`tally STAGE --totals FILE`, any
recommend or vote stage) and the 谈话调研推荐 (`method = "talk"`, a recommend stage that only
takes counts).

A counts file is stored as a batch of layout "totals" (raw rows, hashes and all, like a
ballot file; `ballots` is the papers returned) with the papers returned per category in
table `counted`; `domain.totals.count_totals` makes the stage's count from it, so shares,
weights, cuts, views and documents are those of a paper count. There are no ballot numbers:
`audit sample`/`compare` refuse such a stage, and `audit verify` re-reads the stored rows
(and the file, with --files) instead of recounting papers.
"""

from __future__ import annotations

import json
from fractions import Fraction

from selector.domain.counting import StageCount
from selector.domain.model import normalize
from selector.errors import (
    BallotFileError, CountedByCategory, CountsOnly, RecordedFromPapers, RecordedFromTotals, ReturnedRequired,
    RuleError,
)
from selector.i18n import N_
from selector.service import steps

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from selector.readers.ballots import Paper
    from selector.service.recheck import Report
    from selector.service.stages.ballots import BallotStage

LAYOUT = "totals"  # the batches.layout of a counts file


def totals_batch(batches: list[dict]) -> dict | None:
    """The live counts batch among a stage's batches, if it was recorded from counts."""
    return next((b for b in batches if b["layout"] == LAYOUT and b["withdrawn"] is None), None)


def returned_by_category(handler: "BallotStage", given: dict[str | None, int] | None, option: str
                         ) -> dict[str | None, int]:
    """--returned/--talked as given (category or None → number), checked against the stage's
    categories: one plain number without categories, one per category with them."""
    stage = handler.stage
    names = [c for c, _ in stage.categories]
    text = ", ".join(f"{c}={n}" if c is not None else str(n) for c, n in (given or {}).items())
    refusal = CountedByCategory(stage.id, option, tuple(names), text)
    if not given:
        raise ReturnedRequired(stage.id, stage.talk)
    if not names:
        if list(given) != [None]:
            raise refusal
        return dict(given)
    of = {normalize(c): c for c in names}
    out: dict[str | None, int] = {}
    for key, number in given.items():
        name = of.get(normalize(key)) if key is not None else None
        if name is None or name in out:
            raise refusal
        out[name] = number
    if set(out) != set(names):
        raise refusal
    return {c: out[c] for c in names}


def talk_attendance(stage, returned: dict[str | None, int]) -> RuleError | None:
    """A talk's 实谈 per category against its 应谈: the refusal, or None."""
    expected = dict(stage.expected)
    for category, number in returned.items():
        if category in expected and number > expected[category]:
            return RuleError("stage {stage}: {talked} talked to in {category}, but only {expected} are to be talked "
                             "to (应谈)", stage=stage.id, talked=number, category=category,
                             expected=expected[category])
    return None


def read_totals(handler: "BallotStage", paper: "Paper", name: str, header: list[str], rows,
                returned: dict[str | None, int]) -> StageCount:
    """A counts file's rows → the stage's count (refused whole at the first problem)."""
    from selector.domain.totals import count_totals
    from selector.readers.counts import read_counts

    names = {c.id: c.display for c in handler.round.candidates}
    read = read_counts(name, header, rows, paper, names)
    return count_totals(handler.stage, handler.round.posts, paper.lists, returned, read, name, names)


def refuse_second(handler: "BallotStage", batches: list[dict]) -> None:
    """Counts are the whole record of a stage: none beside papers, and only one counts file."""
    _refuse_recorded(handler, batches)
    if batches:
        raise RecordedFromPapers(handler.stage.id, len(batches))


def _refuse_recorded(handler: "BallotStage", batches: list[dict]) -> None:
    """Refuse any input on a stage already recorded from a counts file."""
    recorded = totals_batch(batches)
    if recorded is not None:
        number = next(b["number"] for b in handler.batch_list() if b["id"] == recorded["id"])
        raise RecordedFromTotals(handler.stage.id, number, recorded["file"])


def refuse_papers(handler: "BallotStage", batches: list[dict]) -> None:
    """A ballot tally on a talk stage, or on a stage recorded from totals, is refused."""
    if handler.stage.talk:
        raise CountsOnly(handler.stage.id)
    _refuse_recorded(handler, batches)


# -- the view -----------------------------------------------------------------------------------
def add_to_view(handler: "BallotStage", view: dict, count: StageCount | None) -> None:
    """What a stage recorded from counts adds to its view: `source` and the counts file (where
    recorded so), and for a talk its `method`, 应谈/实谈 per category and each post's 集中度
    (the share of the name most often given). Other stages' views are left as they were."""
    stage = handler.stage
    batches = handler.store.batches(handler.round.id, stage.id)
    recorded = totals_batch(batches)
    if recorded is None and not stage.talk:
        return
    if recorded is not None:
        counted = handler.store.counted(recorded["id"])
        view["source"] = "totals"
        view["totals"] = {"file": recorded["file"], "sha256": recorded["sha256"], "at": recorded["at"],
                          "returned": [{"category": c, "returned": n} for c, n in counted.items()]}
    else:
        counted = {}
    if not stage.talk:
        return
    view["method"] = "talk"
    expected = dict(stage.expected)
    cats = [c for c, _ in stage.categories] or [None]
    view["talks"] = [{"category": c, "expected": expected.get(c, stage.electorate) if c is not None
                      else stage.electorate, "talked": counted.get(c)} for c in cats]
    for entry in view["posts"]:
        results = entry.get("results") or []
        top = max(results, key=lambda r: Fraction(r["share"]), default=None)
        entry["concentration"] = None if top is None or count is None else {
            "candidate": top["candidate"], "name": top["name"], "share": top["share"]}


def next_step(handler: "BallotStage", label: str):
    """A talk stage not recorded yet: record its counts."""
    if label == "ready" and handler.stage.talk:
        return steps.TallyTalk(handler.stage.id, tuple(c for c, _ in handler.stage.categories))
    return None


# -- audit verify ---------------------------------------------------------------------------------
def recount_totals(handler: "BallotStage", batch: dict) -> tuple[StageCount, tuple[str, str, dict] | None]:
    """The stage counted again from its stored counts rows and returned papers (the code a
    `--totals` tally uses), and the problem met doing so: (table, message, fields) or None."""
    from selector.domain.counting import PostCount

    stage, store = handler.stage, handler.store
    returned = store.counted(batch["id"])
    cats = [c for c, _ in stage.categories] or [None]
    if set(returned) != set(cats):
        empty = StageCount(stage, {p.id: PostCount(p, ()) for p in handler.round.posts})
        return empty, ("counted", N_("the papers returned per category ({stored}) do not fit the stage's "
                                     "categories"), {"stored": _figures(returned)})
    try:
        header = json.loads(batch["header"])
        return read_totals(handler, handler.paper(), batch["file"], header, store.stored_rows(batch["id"]),
                           returned), None
    except (BallotFileError, ValueError, TypeError) as e:
        lists = handler.open.lists(stage)
        empty = StageCount(stage, {p.id: PostCount(p, tuple(lists[p.id])) for p in handler.round.posts})
        return empty, ("rows", N_("the stored rows no longer read as counts: {error}"),
                       {"error": e if isinstance(e, BallotFileError) else str(e)})


def recheck_counted(handler: "BallotStage", logged: list[tuple[dict, dict]], batches: list[dict],
                    report: "Report") -> None:
    """Each counts batch's papers returned per category against its tally event."""
    from selector.service.recheck import At

    for (event, _), batch in zip(logged, batches):
        if batch["layout"] != LAYOUT:
            continue
        recorded = {k or None: v for k, v in (event["details"].get("counted") or {}).items()}
        stored = handler.store.counted(batch["id"])
        if stored != recorded:
            report.add(At("stage {stage}: table {table}, batch {batch}", stage=handler.stage.id, table="counted",
                          batch=batch["id"]),
                       N_("papers returned per category are {stored} but tally event #{event} recorded {recorded}"),
                       stored=_figures(stored), event=event["id"], recorded=_figures(recorded))


def _figures(counted: dict) -> str:
    return ", ".join(f"{c}={n}" if c else str(n) for c, n in counted.items()) or "-"
