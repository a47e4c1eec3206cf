"""Rounds: check, store, list, and open one — `OpenRound`, what every stage use case works on.

Nothing here prints or exits; errors are typed (`selector.errors`) and worded by `cli`.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path

from selector.domain import eligibility
from selector.domain.cuts import Decisions
from selector.domain.model import Round, Stage, normalize
from selector.errors import (
    AmendmentWithoutReason, CorrectCertifiedStage, CorrectLockedStage, CorrectUsedStage,
    DecisionWithoutReason, NoRoundYet, NotFound, PreviousCutNotLocked, RoundChange, RoundChangeRefused,
    RuleError, SeveralRounds, WrongStageKind,
)
from selector.readers import roundfile
from selector.records import dataclass
from selector.storage import events
from selector.storage.store import Store

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import TypeVar

    from selector.service.stages.protocol import StageHandler

    H = TypeVar("H")


def check_round(path: str | Path) -> Round:
    """Validate a round file (and its roster) without touching any database."""
    round_, _, _ = roundfile.load(path)
    return round_


def init_round(store: Store, path: str | Path, operator: str,
               reason: str | None = None) -> tuple[Round, str, list[RoundChange]]:
    """Store a round. Returns (round, "stored" | "unchanged" | "updated" | "amended", changes).

    A changed file updates the round until a stage records something; after that it is an
    amendment (a correction, with a reason), accepted only when it alters nothing counted."""
    from selector.service import amend

    path = Path(path)
    round_, sources, doc = roundfile.load(path)
    sha = hashlib.sha256(b"".join(sources[k] for k in sorted(sources))).hexdigest()
    with store.write():
        existing = store.round_row(round_.id)
        if existing and existing["sha256"] == sha:
            return round_, "unchanged", []
        if existing:
            stored = OpenRound(store, round_.id, operator)
            if any(amend.holdings(stored, s) for s in stored.round.stages):
                found = amend.changes(stored, round_)
                refused = tuple(c for c in found if c.stage)
                if refused:
                    raise RoundChangeRefused(round_.id, str(path), refused)
                if not (reason and reason.strip()):
                    raise AmendmentWithoutReason(round_.id, str(path), tuple(found))
                before = {r["name"]: r["sha256"] for r in store.round_file_rows(round_.id)}
                store.save_round(round_, path.name, sha, sources, doc)
                store.log(round_.id, operator, *events.amend(
                    path.name, round_.title, sha, sources, reason=reason.strip(), before=existing["sha256"],
                    before_files=before, changes=[{"path": c.path, "old": c.old, "new": c.new} for c in found],
                    eligibility=eligibility.record(round_.eligibility, round_.standings)))
                return round_, "amended", found
        store.save_round(round_, path.name, sha, sources, doc)
        store.log(round_.id, operator, *events.init(path.name, round_.title, bool(existing), sha, sources,
                                                    eligibility.record(round_.eligibility, round_.standings)))
    return round_, "updated" if existing else "stored", []


def choose_round(store: Store, round_id: str | None, ids: list[str]) -> str:
    """The round named (it must be among `ids`), or the only one of `ids`."""
    if round_id is None:
        if not ids:
            raise NoRoundYet(str(store.path))
        if len(ids) > 1:
            raise SeveralRounds(str(store.path), tuple(ids))
        return ids[0]
    if round_id not in ids:
        raise NotFound("no round {round!r} in {path} (rounds: {known})", round=round_id, path=str(store.path),
                       known=", ".join(ids) or "none")
    return round_id


def load_round(store: Store, round_id: str | None) -> Round:
    """The round named, or the only one in the database."""
    round_id = choose_round(store, round_id, store.round_ids())
    row = store.round_row(round_id)
    return roundfile.from_sources(row["main"], store.round_files(round_id), store.round_doc(round_id))


def round_overview(store: Store) -> list[dict]:
    """Every stored round with its progress and the time of its last recorded change."""
    out = []
    for row in store.rounds():
        round_ = load_round(store, row["id"])
        locked = sum(1 for s in round_.stages if store.stage_row(row["id"], s.id)["locked_at"])
        state = "complete" if locked == len(round_.stages) else f"{locked}/{len(round_.stages)} stages locked"
        out.append({"id": row["id"], "title": row["title"], "state": state, "at": row["at"],
                    "last": store.last_change(row["id"]), "locked": locked, "stages": len(round_.stages)})
    return out


@dataclass(frozen=True)
class StageState:
    """A stage's stored state: its row, whether its cut is locked or its count certified, batches."""

    row: dict
    locked: bool
    certified: bool
    batches: list[dict]


class OpenRound:
    """One stored round, the database it lives in, and who is working on it."""

    def __init__(self, store: Store, round_id: str | None, operator: str):
        self.store = store
        self.operator = operator
        self.round = load_round(store, round_id)
        self.roster = {c.id: c for c in self.round.candidates}

    @property
    def id(self) -> str:
        return self.round.id

    # -- stages and their handlers ------------------------------------------------------------
    def handler(self, stage: Stage | str) -> "StageHandler":
        """The stage's handler (the one place that knows its kind)."""
        from selector.service.stages import handler_for

        return handler_for(self, self.round.stage(stage) if isinstance(stage, str) else stage)

    def expect(self, stage_id: str, handler_type: type[H]) -> H:
        """The stage's handler, refused unless it is a `handler_type` (tally needs a ballot stage…)."""
        handler = self.handler(stage_id)
        if not isinstance(handler, handler_type):
            raise WrongStageKind(stage_id, handler.stage.kind, handler_type.capability)  # type: ignore[attr-defined]
        return handler

    def state(self, stage: Stage) -> StageState:
        row = self.store.stage_row(self.id, stage.id)
        return StageState(row, bool(row["locked_at"]), bool(row["certified_at"]),
                          self.store.batches(self.id, stage.id))

    def takes_roster(self, stage: Stage) -> bool:
        """Does the stage's list come from the roster (not from a previous stage's cut)?"""
        return stage.candidates == "roster" or self.round.previous(stage) is None

    def waiting(self, stage: Stage) -> bool:
        """Does the stage still wait for its candidate list (a previous cut not locked yet)?"""
        try:
            self.lists(stage)
        except RuleError:
            return True
        return False

    def lists(self, stage: Stage) -> dict[str, tuple[str, ...]]:
        """Each post's candidate list at `stage`: the roster, or the previous stage's locked cut."""
        if self.takes_roster(stage):
            return self.round.eligible()
        previous = self.round.previous(stage)
        cut = self.store.locked_cut(self.id, previous.id)
        if cut is None:
            raise PreviousCutNotLocked(stage.id, previous.id)
        return {p.id: tuple(cut[p.id]["advanced"]) if p.id in cut else () for p in self.round.posts}

    def decisions(self, stage: Stage) -> Decisions:
        """The decisions the stage's locked cut was made with (none before it is locked)."""
        return Decisions.stored(self.store.locked_cut(self.id, stage.id) or {})

    def users_of(self, stage: Stage) -> list[str]:
        """Later stages whose locked cut was scored on this stage's results."""
        return [s.id for s in self.round.stages
                if s.id != stage.id and s.cut and stage.id in dict(s.cut.score)
                and self.store.stage_row(self.id, s.id)["locked_at"]]

    def log(self, event: tuple[str, str | None, dict, dict]) -> int:
        """Append an event built by `storage.events` to the round's chain."""
        return self.store.log(self.id, self.operator, *event)

    def cut(self, stage_id: str, decisions: Decisions) -> "StageHandler":
        """Make and lock a stage's list with the clerk's decisions; refused (locking nothing)
        while a post is held. Returns the stage's handler."""
        if decisions and not (decisions.reason and decisions.reason.strip()):
            raise DecisionWithoutReason()
        try:
            lists = self.lists(self.round.stage(stage_id))
        except RuleError:  # a waiting stage: its handler says so
            lists = {}
        decisions = Decisions({self.post_id(p): tuple(self.person(p, t, lists.get(self.post_id(p), ()))
                                                      for t in texts)
                               for p, texts in decisions.resolve.items()},
                              tuple(self.post_id(p) for p in decisions.accept_short), decisions.reason,
                              {self.post_id(p): tuple(self.person(p, t) for t in texts)
                               for p, texts in decisions.backfill.items()},
                              tuple(self.post_id(p) for p in decisions.no_backfill))
        handler = self.handler(stage_id)
        with self.store.write():
            self.refuse_expired(handler.stage)
            handler.cut(decisions)
        return handler

    def refuse_expired(self, stage: Stage) -> None:
        """A recommendation result serves `round.recommendation_valid_months` (one year) from the
        day its cut was locked (issue 12.6): a later stage whose list comes from it records
        nothing after that, and the refusal gives the date it expired."""
        at = stage
        while not self.takes_roster(at):
            previous = self.round.previous(at)
            if previous.kind == "recommend":
                locked_at = self.store.stage_row(self.id, previous.id)["locked_at"]
                if not locked_at:
                    return
                from datetime import datetime

                from selector.domain.notice import one_year
                from selector.storage.clock import CHINA, today

                locked = datetime.fromisoformat(locked_at).astimezone(CHINA).date()
                months = self.round.recommendation_valid_months
                until = one_year(locked, months)
                if today() > until:
                    raise RuleError("stage {stage}: the recommendation of stage {source} (locked {locked}) was valid "
                                    "until {until} and has expired ({months} months, "
                                    "round.recommendation_valid_months); a new recommendation is needed",
                                    stage=stage.id, source=previous.id, locked=locked.isoformat(),
                                    until=until.isoformat(), months=months)
                return
            at = previous

    def post_id(self, text: str) -> str:
        """A post named by its id or its title (as a clerk writes it); unknown text as given."""
        key = normalize(text)
        return next((p.id for p in self.round.posts if key in (normalize(p.id), normalize(p.title))), text)

    @cached_property
    def people(self):
        """The round's roster to find people in (`service.people`, the one resolver)."""
        from selector.service.people import People

        return People(self.round)

    def person(self, post: str, text: str, *among) -> str:
        """A person named by id, label or name; a name two roster people share is the only one
        of them on `among` (the lists the decision is about, narrowest first), then among those
        who may stand for the post. The text as given when it names nobody or more than one
        (the rule then says whom it expected)."""
        pid = self.post_id(post)
        return self.people.id_or_text(text, *among, self.round.eligible().get(pid, ()))
    def refuse_correction(self, stage: Stage) -> None:
        """A stage's inputs can be corrected until its cut is locked (re-open it first), while its
        count is not certified (revoke first) and no later locked cut was scored on it."""
        state = self.state(stage)
        if state.certified:
            raise CorrectCertifiedStage(stage.id)
        if state.locked:
            raise CorrectLockedStage(stage.id)
        users = self.users_of(stage)
        if users:
            raise CorrectUsedStage(stage.id, tuple(users))

    def refuse_if_locked(self, stage: Stage) -> None:
        """A locked cut cannot change (the handlers' `cut` checks this first)."""
        if self.state(stage).locked:
            raise RuleError("stage {stage}'s cut is already locked; a locked cut cannot change", stage=stage.id)

    # -- the pipeline ---------------------------------------------------------------------------
    def status(self) -> list[dict]:
        """Each stage's state, counts and, for the first unfinished one, the next step (a value)."""
        out, next_given = [], False
        for stage in self.round.stages:
            handler = self.handler(stage)
            state = self.state(stage)
            label = handler.label(state)
            row = state.row
            entry = {"stage": stage.id, "kind": stage.kind, "title": stage.title, "state": label,
                     "certified": state.certified, "batches": len(state.batches),
                     "returned": self.store.returned(self.id, stage.id), "present": row["present"],
                     "issued": row["issued"], "next": None}
            entry.update(handler.counts())
            if not next_given and label != "locked":
                entry["next"] = handler.next_step(label)
                next_given = True
            out.append(entry)
        return out
