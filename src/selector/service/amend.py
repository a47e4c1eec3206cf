"""Amending a stored round (a correction): what a changed round file changes, key path by key
path, and which stage that has recorded something each change would alter.

A change is accepted once recording has started only when it alters nothing already counted:
descriptive text (the round's title, organizer, locale and complaint channels, a stage's title,
people's descriptive fields such as unit or 出生年月) or the rules of stages that hold nothing
yet. Posts and people (who may be marked, by which name) are read by every stage, so their
changes wait for no stage to hold anything; the tie seed likewise; the number of signers
waits for no stage to be certified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from selector.domain.model import Candidate, Post, Round, Stage
from selector.errors import RoundChange

if TYPE_CHECKING:
    from selector.service.rounds import OpenRound

DESCRIPTIVE_ROUND = ("title", "organizer", "locale", "complaints", "issuer", "doc_number")
PERSON_KEYS = ("id", "name", "label", "posts")
# What the eligibility rules read: counted (who is on the lists) when the round has rules.
ELIGIBILITY_KEYS = ("born", "in_post_since", "probation_until", "discipline_until", "exceptional")


def holdings(open_: "OpenRound", stage: Stage) -> str:
    """What the stage has recorded that its rules were applied to ("" for nothing)."""
    store, rid = open_.store, open_.id
    state = open_.state(stage)
    if state.batches:
        return "ballots"
    if state.row["present"] is not None:
        return "attendance"
    if store.inspection_files(rid, stage.id, withdrawn=True):  # verify re-reads withdrawn ones too
        return "inspection files"
    if store.notice(rid, stage.id):
        return "a notice"
    if store.sittings(rid, stage.id):
        return "sittings"
    if state.locked:
        return "a locked cut"
    if state.certified:
        return "a certificate"
    return ""


def _text(value) -> str:
    if value is None or value == () or value == "":
        return "—"
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _post(p: Post) -> dict[str, str]:
    return {"id": p.id, "title": p.title, "seats": str(p.seats), "max_marks": _text(p.max_marks)}


def _person(c: Candidate) -> dict[str, str]:
    return {"id": c.id, "name": c.name, "label": _text(c.label), "posts": _text(c.posts),
            **{k: v for k, v in c.fields}}


def _stage(s: Stage, previous: str | None) -> dict[str, str]:
    out = {"kind": s.kind, "title": s.title, "candidates": s.candidates,
           "(previous stage)": _text(previous if s.candidates == "previous" else None)}
    if s.takes_ballots:
        out.update({s.entitled_name: str(s.entitled), "quorum": str(s.quorum),
                    "max_marks": _text(s.max_marks), "overvote": s.overvote,
                    "categories": _text(tuple(f"{k} = {v}" for k, v in s.categories)), "form": s.form})
    if s.talk:  # a talk's method and 应谈 are its rules too (absent for other stages, as before)
        out.update({"method": s.method, "expected": _text(tuple(f"{k} = {v}" for k, v in s.expected))})
    if s.cut is not None:
        c = s.cut
        out.update({"cut.ratio": f"1:{c.ratio}", "cut.score": _text(tuple(f"{k} = {v}" for k, v in c.score)),
                    "cut.min_share": str(c.min_share), "cut.ties": c.ties, "cut.shortfall": c.shortfall,
                    "cut.pass": _text(c.pass_), "cut.pass_base": c.pass_base})
    elif s.takes_ballots:
        out["cut"] = "—"
    if s.kind == "inspect":
        ev = s.evaluation
        out.update({"checks": _text(s.checks), "backfill": _text(s.backfill),
                    "evaluation": "—" if ev is None else
                    f"scale {_text(ev.scale)}; top {_text(ev.top)}; pass {ev.pass_}"
                    + (f"; rules {_text(tuple(f'{r.effect}: {r.text}' for r in ev.rules))}"
                       if any(r.effect != "pass" for r in ev.rules) or len(ev.rules) > 1 else "")})
    if s.kind == "notice":
        out["working_days"] = str(s.working_days)
        out["of"] = s.of
        if s.of == "appointment":
            out["probation_months"] = str(s.probation_months)
    if s.kind in ("vote", "decide"):
        out.update({"revotes": str(s.revotes), "after_revotes": s.after_revotes})
    if s.kind == "decide":
        out.update({"members": _text(s.member_names) if s.member_names else str(s.members),
                    "quorum": str(s.quorum), "pass": str(s.majority)})
    return out


def _post_kind(p: Post) -> dict[str, str]:
    """What a notice reads of a post (issue 11.9): changed freely until a notice holds something."""
    return {"level": _text(p.level), "appointment": p.appointment,
            **({"nomination": p.nomination} if p.elected else {})}


def _calendar(round_: Round) -> dict[str, str]:
    return {f"{y.year}.{k}": _text(tuple(d.isoformat() for d in sorted(getattr(y, k))))
            for y in round_.calendars for k in ("holidays", "workdays")}


def _compare(path: str, old: dict[str, str] | None, new: dict[str, str] | None,
             whole: str) -> Iterable[tuple[str, str, str, str]]:
    """(key path, old, new, key) for each difference of two flat tables; a table added or removed
    is one difference, shown by `whole` (its id and name)."""
    if old is None or new is None:
        yield path, "—" if old is None else whole, whole if old is None else "—", ""
        return
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key, "—") != new.get(key, "—"):
            yield f"{path}.{key}", old.get(key, "—"), new.get(key, "—"), key


def changes(open_: "OpenRound", new: Round) -> list[RoundChange]:
    """Every difference between the stored round and `new`, each with the stage that has
    recorded what it would alter (None: the change is accepted)."""
    old = open_.round
    held = {s.id: holdings(open_, s) for s in old.stages}
    first = next(((sid, what) for sid, what in held.items() if what), (None, ""))
    certified = next((s.id for s in old.stages if open_.state(s).certified), None)
    out: list[RoundChange] = []

    def add(path, before, after, stage=None, holds=""):
        out.append(RoundChange(path, before, after, stage, holds if stage else ""))

    round_old = {"title": old.title, "organizer": old.organizer, "locale": old.locale,
                 "tie_seed": _text(old.tie_seed), "complaints": _text(old.complaints),
                 "certify.tellers": str(old.tellers), "certify.scrutineers": str(old.scrutineers),
                 "issuer": _text(old.issuer), "doc_number": _text(old.doc_number),
                 "eligibility": _rules(old)}
    round_new = {"title": new.title, "organizer": new.organizer, "locale": new.locale,
                 "tie_seed": _text(new.tie_seed), "complaints": _text(new.complaints),
                 "certify.tellers": str(new.tellers), "certify.scrutineers": str(new.scrutineers),
                 "issuer": _text(new.issuer), "doc_number": _text(new.doc_number),
                 "eligibility": _rules(new)}
    for path, a, b, key in _compare("round", round_old, round_new, ""):
        if key in DESCRIPTIVE_ROUND:
            add(path, a, b)
        elif key.startswith("certify."):
            add(path, a, b, certified, "a certificate")
        else:
            add(path, a, b, *first)

    old_posts, new_posts = {p.id: p for p in old.posts}, {p.id: p for p in new.posts}
    for i, pid in _indexed(old.posts, new.posts):
        p, q = old_posts.get(pid), new_posts.get(pid)
        for path, a, b, _ in _compare(f"post[{i}]", p and _post(p), q and _post(q),
                                      f"{pid} {(q or p).title}"):
            add(path, a, b, *first)  # every stage reads the posts
    # post kinds, the calendar and the validity of a recommendation are read by notice stages
    # (and, for the validity, when a later stage records): refused once a notice holds something
    notice = next(((s.id, held[s.id]) for s in old.stages if s.kind == "notice" and held.get(s.id)), (None, ""))
    for i, pid in _indexed(old.posts, new.posts):
        p, q = old_posts.get(pid), new_posts.get(pid)
        if p and q:
            for path, a, b, key in _compare(f"post[{i}]", _post_kind(p), _post_kind(q), ""):
                add(path, a, b, *(notice if key != "level" else (None, "")))
    for path, a, b, _ in _compare("calendar", _calendar(old), _calendar(new), ""):
        add(path, a, b, *notice)
    if old.recommendation_valid_months != new.recommendation_valid_months:
        add("round.recommendation_valid_months", str(old.recommendation_valid_months),
            str(new.recommendation_valid_months))

    old_people, new_people = {c.id: c for c in old.candidates}, {c.id: c for c in new.candidates}
    ruled = old.eligibility is not None or new.eligibility is not None  # dates decide who is listed
    for i, cid in _indexed(old.candidates, new.candidates):
        c, d = old_people.get(cid), new_people.get(cid)
        for path, a, b, key in _compare(f"candidate[{i}]", c and _person(c), d and _person(d),
                                        f"{cid} {(d or c).name}"):
            if key and key not in PERSON_KEYS and not (key in ELIGIBILITY_KEYS and ruled):
                add(path, a, b)  # a descriptive field: printed, never counted
            else:
                add(path, a, b, *first)  # who may be marked, and by which name

    old_stages, new_stages = {s.id: s for s in old.stages}, {s.id: s for s in new.stages}
    for i, sid in _indexed(old.stages, new.stages):
        s, t = old_stages.get(sid), new_stages.get(sid)
        before = s and _stage(s, _previous(old, s))
        after = t and _stage(t, _previous(new, t))
        for path, a, b, key in _compare(f"stage[{i}]", before, after, f"{sid} {(t or s).title}"):
            if key == "title":
                add(path, a, b)
            elif held.get(sid):
                add(path, a, b, sid, held[sid])
            else:
                add(path, a, b)
    return out


def _rules(round_: Round) -> str:
    r = round_.eligibility
    if r is None:
        return "—"
    return f"at {r.at.isoformat()}; max_age {_text(r.max_age)}; min_years_in_post {_text(r.min_years_in_post)}"


def _previous(round_: Round, stage: Stage) -> str | None:
    previous = round_.previous(stage)
    return previous.id if previous else None


def _indexed(old: tuple, new: tuple) -> list[tuple[int, str]]:
    """(index, id) of every item in either: its index in the new file, or in the old one when
    it was removed (key paths count from 0 in file order)."""
    out = [(i, x.id) for i, x in enumerate(new)]
    ids = {x.id for x in new}
    out += [(i, x.id) for i, x in enumerate(old) if x.id not in ids]
    return out
