"""Certification: 计票人 and 监票人 sign a ballot stage's count; it is frozen from then on."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

from selector.domain.model import normalize
from selector.errors import NoTallyYet, ReasonRequired, RuleError, TooFewSigners
from selector.service.stages.ballots import BallotStage
from selector.storage import events

if TYPE_CHECKING:
    from selector.service.rounds import OpenRound


def certify(open_: "OpenRound", stage_id: str, tellers: Iterable[str], scrutineers: Iterable[str]) -> dict:
    """Sign the count. Returns the certificate (also the event's details) with `at` and the
    event `hash`, which the signed paper record should carry: it fixes the whole log up to
    this moment."""
    stage = open_.expect(stage_id, BallotStage).stage
    tellers, scrutineers = _names(tellers), _names(scrutineers)
    need = {"teller": open_.round.tellers, "scrutineer": open_.round.scrutineers}
    for role, names in (("teller", tellers), ("scrutineer", scrutineers)):
        if len(names) < need[role]:
            raise TooFewSigners(stage.id, role, need[role], len(names))
    both = sorted(set(map(normalize, tellers)) & set(map(normalize, scrutineers)))
    if both:
        raise RuleError("certify {stage}: {names} cannot be both teller and scrutineer (scrutineers check the "
                        "tellers' count)", stage=stage.id, names=", ".join(both))
    store, rid = open_.store, open_.id
    with store.write():
        state = open_.state(stage)
        row = state.row
        if state.certified:
            signed = json.loads(row["certificate"] or "{}")
            raise RuleError("stage {stage} was already certified at {at} (tellers {tellers}; scrutineers "
                            "{scrutineers}); a certificate cannot change", stage=stage.id, at=row["certified_at"],
                            tellers=", ".join(signed.get("tellers", [])),
                            scrutineers=", ".join(signed.get("scrutineers", [])))
        if not state.batches:
            raise NoTallyYet(stage.id, "certify")
        certificate = {"tellers": tellers, "scrutineers": scrutineers,
                       "batches": len(state.batches), "returned": store.returned(rid, stage.id),
                       "results_sha256": store.results_digest(rid, stage.id),
                       "log_head": store.head(rid)}
        event = store.event(open_.log(events.certify(stage.id, certificate)))
        store.certify(rid, stage.id, event["at"], certificate)
    return {**certificate, "stage": stage.id, "at": event["at"], "hash": event["hash"]}


def revoke(open_: "OpenRound", stage_id: str, reason: str | None) -> dict:
    """Withdraw a stage's certificate (a correction), so its count can be corrected and signed
    again; the event records the certificate it revoked, and the stage's sheets carry it."""
    if not (reason and reason.strip()):
        raise ReasonRequired("--revoke")
    stage = open_.expect(stage_id, BallotStage).stage
    store, rid = open_.store, open_.id
    with store.write():
        row = open_.state(stage).row
        if not row["certified_at"]:
            raise RuleError("stage {stage} is not certified: there is no certificate to revoke", stage=stage.id)
        signed = events.of(store.events(rid), stage.id, "certify")
        certificate = json.loads(row["certificate"] or "{}")
        event = open_.log(events.revoke(stage.id, reason=reason.strip(),
                                        certify_event=signed[-1]["id"] if signed else None,
                                        certified_at=row["certified_at"], certificate=certificate))
        store.revoke(rid, stage.id)
    return {"stage": stage.id, "event": event, "reason": reason.strip(),
            "certified_at": row["certified_at"], "certificate": certificate}


def _names(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and normalize(v) not in map(normalize, out):
            out.append(v)
    return out
