"""Re-opening a locked cut (a correction): allowed while nothing later depends on it.

A stage's cut is the next stage's candidate list, and a later cut may be scored on its shares;
so a cut can be re-opened only while the stages that depend on it hold nothing (their own
corrections come first, the latest stage first), and a certified count only after its
certificate is revoked. The cut rows go; the `reopen cut` event records what they held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from selector.domain.model import Stage
from selector.errors import CorrectCertifiedStage, Dependent, ReasonRequired, ReopenBlocked, RuleError
from selector.storage import events

if TYPE_CHECKING:
    from selector.service.rounds import OpenRound


def dependents(open_: "OpenRound", stage: Stage) -> list[Dependent]:
    """The later stages that depend on the stage's cut and hold something, in round order.

    A stage depends on it wholly when its list comes from it (directly, or through a stage that
    does): its ballots, files, notice and cut were all made on that list. A stage whose cut is
    scored on it depends through that cut only."""
    round_, store, rid = open_.round, open_.store, open_.id
    whole: set[str] = {stage.id}
    out = []
    for later in round_.stages[round_.stage_index(stage.id) + 1:]:
        takes = not open_.takes_roster(later) and round_.previous(later).id in whole
        scores = later.cut is not None and any(sid in whole for sid, _ in later.cut.score)
        if not (takes or scores):
            continue
        state = open_.state(later)
        if takes:
            whole.add(later.id)
            numbered = list(enumerate(store.batches(rid, later.id, withdrawn=True), start=1))
            files = list(enumerate(store.inspection_files(rid, later.id, withdrawn=True), start=1))
            held = Dependent(
                later.id, later.kind,
                batches=tuple((n, b["file"]) for n, b in numbered if b["withdrawn"] is None),
                files=tuple((n, f["file"]) for n, f in files if f["withdrawn"] is None),
                locked=state.locked, certified=state.certified,
                notice=store.notice(rid, later.id) is not None,
                complaints=tuple(c.number for c in store.complaints(rid, later.id)),
                sittings=len(store.sittings(rid, later.id)))
        else:
            held = Dependent(later.id, later.kind, locked=state.locked,
                             certified=state.certified and state.locked)
        if (held.batches or held.files or held.locked or held.certified or held.notice or held.complaints
                or held.sittings):
            out.append(held)
    return out


def reopen(open_: "OpenRound", stage_id: str, reason: str | None) -> dict:
    """Re-open the stage's locked cut; refused while a later stage depends on it (naming what it
    holds) or while the count is certified. Returns what the cut held."""
    if not (reason and reason.strip()):
        raise ReasonRequired("--reopen")
    stage = open_.round.stage(stage_id)
    store, rid = open_.store, open_.id
    with store.write():
        state = open_.state(stage)
        if not state.locked:
            raise RuleError("stage {stage}'s cut is not locked: there is nothing to re-open", stage=stage.id)
        if state.certified:
            raise CorrectCertifiedStage(stage.id)
        blocking = dependents(open_, stage)
        if blocking:
            raise ReopenBlocked(stage.id, tuple(blocking))
        rows = store.locked_cut(rid, stage.id) or {}
        locked_by = events.current_cuts(store.events(rid), stage.id)
        event = open_.log(events.reopen(stage.id, reason=reason.strip(),
                                        cut_event=locked_by[-1]["id"] if locked_by else None,
                                        locked_at=state.row["locked_at"], posts=rows))
        store.unlock(rid, stage.id)
    return {"stage": stage.id, "event": event, "reason": reason.strip(),
            "posts": {p: {"status": r["status"], "advanced": r["advanced"]} for p, r in rows.items()}}
