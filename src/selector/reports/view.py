"""A stage as one plain structure (SPEC §4 `--json` shape, plus names and details).

Every renderer — JSON, the terminal, exported documents — starts from `stage_view`, so
they cannot disagree about a number.
"""

from __future__ import annotations

import json
from fractions import Fraction

from selector.app import Selection
from selector.domain.counting import StageCount
from selector.domain.cuts import PostCut, lot_seed
from selector.domain.model import Stage
from selector.errors import RuleError
from selector.reports.numbers import frac


def stage_view(sel: Selection, stage: Stage, cuts: list[PostCut] | None = None,
               counted: StageCount | None = None) -> dict:
    """The stage's tally, ranking and cut.

    `cuts` overrides the cut (a refused cut's preview); `counted` the stored count (a dry run).
    """
    if not stage.takes_ballots:
        from selector.reports.stage_views import inspect_view, notice_view

        return inspect_view(sel, stage) if stage.kind == "inspect" else notice_view(sel, stage)
    state = sel.state(stage)
    row = state["row"]
    locked_rows, resolve, accept, reasons = sel.stored_decisions(stage)
    count = counted or sel.count(stage)
    if cuts is None and stage.cut is not None and count is not None:
        try:
            cuts = sel.cuts(stage, resolve, accept, count=count)
        except RuleError:
            cuts = None  # e.g. a scored stage not tallied yet: show the count without a ranking
    by_post = {c.post: c for c in cuts or ()}
    over_roster = stage.kind == "recommend" and sel.takes_roster(stage)
    view = {
        "round": sel.round.id, "stage": stage.id, "kind": stage.kind, "title": stage.title,
        "state": sel.label(stage, state),
        "attendance": {stage.entitled_name: stage.entitled, "present": row["present"],
                       "issued": row["issued"], "returned": count.returned if count else 0},
        "certified": state["certified"],
        "certified_at": row["certified_at"],
        "certified_by": _signatures(row["certificate"]),
        "tie_seed": sel.round.tie_seed or None,
        "posts": [],
    }
    for post in sel.round.posts:
        pc = count.posts[post.id] if count else None
        pcut = by_post.get(post.id)
        locked = locked_rows.get(post.id)
        entry = {"post": post.id, "title": post.title, "seats": post.seats}
        if pc is not None:
            entry["ballots"] = {"valid": pc.valid, "void": pc.void, "blank": pc.blank,
                                "returned": pc.returned, "overvotes": pc.overvotes}
            if stage.categories:
                entry["ballots"]["weighted_valid"] = frac(pc.weighted_valid)
            entry["invalid_marks"] = len(pc.invalid_marks)
            entry["invalid_mark_list"] = [{"ballot": m.ballot, "text": m.text, "reason": m.reason}
                                          for m in pc.invalid_marks]
        entry["results"] = _results(sel, stage, pc, pcut, over_roster) if pc is not None else []
        if stage.cut is not None:
            entry["k"] = stage.cut.ratio * post.seats
            if stage.cut.pass_ is not None and pc is not None:
                base = sel.pass_base(stage, pc.valid)
                entry["pass_line"] = {"rule": str(stage.cut.pass_), "base": stage.cut.pass_base,
                                      "of": base, "votes": stage.cut.pass_.minimum(base)}
        if locked is not None:
            entry["status"] = locked["status"]
            entry["advanced"] = locked["advanced"]
            if locked["decision"]:
                entry["decision"] = {"kind": locked["decision"], "chosen": locked["chosen"],
                                     "reason": reasons.get(post.id)}
        elif pcut is not None:
            entry["status"] = pcut.status
            entry["advanced"] = None
        else:
            entry["status"] = "ok" if pc is not None else None  # nothing counted: no status yet
            entry["advanced"] = None
        if pcut is not None and pcut.tie is not None:
            entry["tie"] = {"score": frac(pcut.tie.score), "tied": list(pcut.tie.tied),
                            "slots": pcut.tie.slots}
            if pcut.decision == "lot":
                entry["lot"] = {"seed": lot_seed(sel.round.tie_seed, stage.id, post.id),
                                "drawn": list(pcut.chosen)}
        view["posts"].append(entry)
    return view


def _signatures(certificate: str | None) -> dict | None:
    """Who signed a certified stage's count (计票人, 监票人)."""
    if not certificate:
        return None
    signed = json.loads(certificate)
    return {"tellers": signed.get("tellers", []), "scrutineers": signed.get("scrutineers", [])}


def _results(sel: Selection, stage: Stage, pc, pcut: PostCut | None, over_roster: bool) -> list[dict]:
    standings = {s.candidate: s for s in pcut.standings} if pcut else {}
    approve = stage.kind == "vote" and stage.form == "approve"
    tied = set(pcut.tie.tied) if pcut and pcut.tie else set()
    out = []
    for cid in pc.candidates:
        cc = pc.count(cid)
        st = standings.get(cid)
        if over_roster and not cc.votes and not (st and st.score > 0):
            continue
        person = sel.roster[cid]
        item = {"candidate": cid, "name": person.display, "votes": cc.votes, "yes": cc.votes,
                "no": cc.no if approve else None, "abstain": cc.abstain if approve else None,
                "invalid": cc.invalid, "share": frac(pc.share(cid)), "by_category": cc.by_category}
        if stage.categories:
            item["weighted"] = frac(cc.weighted)
        if pcut is not None:
            item.update({"score": frac(st.score), "rank": st.rank, "passed": st.passed,
                         "eligible": st.eligible, "needs": st.needs, "tied": cid in tied})
        else:
            item["passed"] = None
        out.append(item)
    if pcut is not None:
        out.sort(key=lambda r: (r["rank"], r["candidate"]))
    else:
        out.sort(key=lambda r: (-Fraction(r["share"]), r["candidate"]))
    return out
