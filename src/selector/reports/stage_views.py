"""Inspect and notice stages as plain structures (SPEC §4 `--json`, plus names and details).

`view.stage_view` hands these stages here, so `show`, `cut` and exports share one shape.
"""

from __future__ import annotations

from selector.domain.inspection import EVALUATION
from selector.domain.model import Stage
from selector.errors import RuleError
from selector.reports.numbers import frac
from selector.stages import inspection, notice


def _head(sel, stage: Stage) -> dict:
    state = sel.state(stage)
    return {"round": sel.round.id, "stage": stage.id, "kind": stage.kind, "title": stage.title,
            "state": sel.label(stage, state), "attendance": None, "certified": state["certified"],
            "tie_seed": sel.round.tie_seed or None}


def inspect_view(sel, stage: Stage) -> dict:
    """Each post's candidates with their sign-offs, 民主测评 counts and rate, struck or not."""
    view = _head(sel, stage)
    ev = stage.evaluation
    view.update({"checks": list(stage.checks), "backfill": stage.backfill,
                 "evaluation": {"scale": list(ev.scale), "top": list(ev.top), "pass": str(ev.pass_)}
                 if ev else None, "files": [], "missing": {}, "posts": []})
    try:
        state = inspection(sel, stage)
    except RuleError as e:
        view["waiting"] = str(e)
        view["posts"] = [{"post": p.id, "title": p.title, "seats": p.seats, "results": [],
                          "status": None, "advanced": None} for p in sel.round.posts]
        return view
    view["files"] = [{"file": f["file"], "kind": f["kind"], "sha256": f["sha256"], "at": f["at"]}
                     for f in state.files]
    view["missing"] = {cid: list(m) for cid, m in state.missing.items()}
    locked = sel.store.locked_cut(sel.round.id, stage.id)
    for cut in state.cuts:
        post = sel.round.post(cut.post)
        ranking = {s.candidate: s for s in state.rankings.get(post.id, ())}
        people = list(cut.open_to)
        people.sort(key=lambda c: (ranking[c].rank if c in ranking else 10**9, c))
        results = []
        for cid in people:
            v = state.vetting[cid]
            st = ranking.get(cid)
            item = {"candidate": cid, "name": sel.roster[cid].display,
                    "rank": st.rank if st else None, "score": frac(st.score) if st else None,
                    "listed": cid in cut.listed, "backfilled": cid in cut.backfilled,
                    "tied": bool(cut.tie and cid in cut.tie.tied and cid not in cut.members),
                    "checks": dict(v.checks), "notes": {},
                    "evaluation": None, "struck": v.struck,
                    "struck_by": list(v.vetoes) + ([EVALUATION] if v.evaluated is False else []),
                    "missing": list(v.missing), "passed": v.evaluated}
            if v.grades is not None:
                g = v.grades
                item["evaluation"] = {"counts": {grade: g.counts.get(grade, 0) for grade in ev.scale},
                                      "blank": g.blank, "invalid": g.invalid, "void": g.void,
                                      "valid": g.valid, "top": g.top(ev), "rate": frac(g.rate(ev)),
                                      "passed": v.evaluated}
            results.append(item)
        _notes(sel, stage, results)
        entry = {"post": post.id, "title": post.title, "seats": post.seats, "k": cut.k,
                 "results": results, "listed": list(cut.listed), "struck": list(cut.struck),
                 "backfilled": list(cut.backfilled), "status": cut.status, "held": cut.held}
        if locked is not None and post.id in locked:
            entry["status"] = locked[post.id]["status"]
            entry["advanced"] = locked[post.id]["advanced"]
            if locked[post.id]["decision"]:
                entry["decision"] = {"kind": locked[post.id]["decision"],
                                     "chosen": locked[post.id]["chosen"],
                                     "reason": locked[post.id]["reason"]}
        else:
            entry["advanced"] = None
            entry["would_advance"] = list(cut.advanced) if not cut.held else None
        if cut.tie is not None:
            entry["tie"] = {"score": frac(cut.tie.score), "tied": list(cut.tie.tied),
                            "slots": cut.tie.slots}
        view["posts"].append(entry)
    return view


def _notes(sel, stage: Stage, results: list[dict]) -> None:
    from selector.storage import records

    found = records.findings(sel.store, sel.round.id, stage.id)
    for item in results:
        for check, f in found.get(item["candidate"], {}).items():
            if f.note:
                item["notes"][check] = f.note


def notice_view(sel, stage: Stage) -> dict:
    """The notice's dates, complaints and each appointee's outcome."""
    view = _head(sel, stage)
    try:
        state = notice(sel, stage)
    except RuleError as e:
        view.update({"waiting": str(e), "notice": {"start": None, "end": None, "complaints": []},
                     "posts": [{"post": p.id, "title": p.title, "seats": p.seats, "results": [],
                                "status": None, "advanced": None} for p in sel.round.posts]})
        return view
    row = state.row or {}
    view["posts"] = []
    view["notice"] = {
        "start": row.get("start"), "end": row.get("end"), "working_days": stage.working_days,
        "calendar": row.get("calendar"), "warning": row.get("warning"),
        "complaints": [{"number": c.number, "candidate": c.candidate,
                        "name": sel.roster[c.candidate].display, "received": c.received.isoformat(),
                        "summary": c.summary, "named": c.named, "outcome": c.outcome,
                        "note": c.note or None, "until": c.until.isoformat() if c.until else None}
                       for c in state.complaints]}
    locked = sel.store.locked_cut(sel.round.id, stage.id)
    for post in sel.round.posts:
        people = state.people[post.id]
        entry = {"post": post.id, "title": post.title, "seats": post.seats,
                 "results": [{"candidate": p.candidate, "name": sel.roster[p.candidate].display,
                              "outcome": p.outcome, "until": p.until.isoformat() if p.until else None,
                              "complaints": list(p.complaints)} for p in people]}
        if locked is not None and post.id in locked:
            entry["status"] = locked[post.id]["status"]
            entry["advanced"] = locked[post.id]["advanced"]
        else:
            entry["status"] = None
            entry["advanced"] = None
        entry["pending"] = [{"candidate": p.candidate, "until": p.until.isoformat()}
                            for p in people if p.outcome == "pending"]
        view["posts"].append(entry)
    return view
