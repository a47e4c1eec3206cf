"""讨论决定 (常委会, 党组会): a `decide` stage, and the sittings it shares with the re-votes (再次投票)
of a vote stage.

A sitting is a record file (readers/sitting.py) taking up posts; `domain.decision` settles each
post from the sittings in order. The stage's list is locked with `selector cut` once every post
is settled (passed, or left unfilled / referred back after the re-votes allowed).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction
from pathlib import Path

from selector.domain.cuts import Decisions, PostCut
from selector.domain.decision import (
    Item, Outcome, Pending, Sitting, check_sitting, item_json, rule_of, settle, start,
)
from selector.domain.model import Stage
from selector.errors import OpenPost, RevoteNotResolve, RuleError, UndecidedPosts
from selector.service import steps
from selector.service.views import corrections, frac
from selector.storage import events

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import ClassVar
    from selector.views import StageView
    from selector.service.recheck import Report
    from selector.service.rounds import OpenRound, StageState

def sitting_of(row: dict) -> Sitting:
    """A stored sitting row as the domain value."""
    items = tuple(Item(i["post"], i["nominee"], i["agree"], i["disagree"], i["other"], tuple(i["recused"]),
                       bool(i["deferred"])) for i in json.loads(row["items"]))
    return Sitting(row["number"], date.fromisoformat(row["date"]), row["present"], row["method"], items)


class TakesSittings:
    """A stage that records sittings: a decide stage, or a vote stage's re-votes."""

    capability: ClassVar[str] = "sittings"
    open: "OpenRound"
    stage: Stage

    def sittings(self) -> list[Sitting]:
        return [sitting_of(r) for r in self.open.store.sittings(self.open.id, self.stage.id)]

    def open_posts(self) -> dict[str, Pending]:
        """The posts a sitting may take up now, with their ballots."""
        return self.open_posts_after(self.sittings())

    def open_posts_after(self, sittings: list[Sitting]) -> dict[str, Pending]:
        """The posts open after these sittings (the stored ones, or those re-read by verify)."""
        raise NotImplementedError

    def _sitting_allowed(self) -> None:
        """Refuse a sitting the stage cannot take now (locked, nothing open…)."""
        if self.open.state(self.stage).locked:
            raise RuleError("stage {stage}'s cut is locked: no more sittings can be recorded", stage=self.stage.id)
        self.open.refuse_expired(self.stage)  # a sitting uses the recommendation too (issue 12.6)

    def record_sitting(self, path: str | Path) -> Sitting:
        """Read a sitting record (and the papers it names), check it against the stage (date
        order, quorum, ballots, 回避, counts) and record it; the whole record is refused otherwise."""
        from selector.readers.sitting import load_sitting, read_sitting

        data, name = load_sitting(path)
        folder = Path(path).parent
        stage, store, rid = self.stage, self.open.store, self.open.id
        with store.write():
            self._sitting_allowed()
            before = store.sittings(rid, stage.id)
            number = len(before) + 1
            lists = self.open.lists(stage)
            record = read_sitting(data, str(path), self.open.round, lists, number, stage.member_names, stage.id,
                                  lambda rel: (load_sitting(folder / rel, "papers file")[0], str(folder / rel)))
            sitting = record.sitting
            previous = date.fromisoformat(before[-1]["date"]) if before else None
            open_posts = self.open_posts()
            check_sitting(sitting, file=str(path), open_posts=open_posts, previous=previous, rule=rule_of(stage),
                          member_names=stage.member_names, quorum=stage.quorum, keys=record.keys,
                          name_of={c: p.display for c, p in self.open.roster.items()})
            revote = any(open_posts[i.post].again for i in sitting.items)
            items = [item_json(i) for i in sitting.items]
            sha = hashlib.sha256(data).hexdigest()
            papers = record.papers
            given = None if papers is None else {"file": papers.name, "sha256": hashlib.sha256(papers.data).hexdigest(),
                                                 "papers": papers.papers, "void": papers.void}
            store.add_sitting({"round": rid, "stage": stage.id, "number": number, "date": sitting.date.isoformat(),
                               "present": sitting.present, "method": sitting.method, "file": name,
                               "sha256": sha, "source": data.decode("utf-8"),
                               "items": json.dumps(items, ensure_ascii=False),
                               "papers_file": given and given["file"], "papers_sha256": given and given["sha256"],
                               "papers": papers and papers.data, "event": None})
            event = self.open.log(events.sitting(stage.id, number=number, date=sitting.date.isoformat(),
                                                 present=sitting.present, method=sitting.method, file=name,
                                                 sha256=sha, items=items, revote=revote, papers=given))
            store.set_sitting_event(rid, stage.id, number, event)
        return sitting

    def sitting_rows(self) -> list[dict]:
        """The stored sittings as views list them (without the record's text)."""
        return [{"number": r["number"], "date": r["date"], "present": r["present"], "method": r["method"],
                 "file": r["file"], "sha256": r["sha256"], "at": r["at"], "papers_file": r["papers_file"]}
                for r in self.open.store.sittings(self.open.id, self.stage.id)]

    def votes_view(self, outcome: Outcome) -> list[dict]:
        """Every vote on a post, in order (one line per nominee and sitting)."""
        roster, rule = self.open.roster, rule_of(self.stage)

        def own_line(v) -> dict:  # 回避 lowering this item's line below the post's: its own line (issue 12.1)
            line = rule.pass_.minimum(v.base)
            return {"line": line} if v.item.recused and line != rule.pass_.minimum(rule.members) else {}

        return [{"sitting": v.sitting, "candidate": v.item.nominee, "name": roster[v.item.nominee].display,
                 "yes": v.item.yes, "no": v.item.no, "other": v.item.other, "recused": list(v.item.recused),
                 "voters": v.voters, "base": v.base, "passed": v.passed, "needs": v.needs,
                 "deferred": v.item.deferred, "revote": v.revote, **own_line(v)} for v in outcome.votes]

    def undecided(self, outcomes: dict[str, Outcome]) -> tuple[OpenPost, ...]:
        roster = self.open.roster
        return tuple(OpenPost(o.post, o.status, o.pending.ballot, tuple(roster[c].display for c in o.pending.ballot),
                              o.pending.slots)
                     for o in outcomes.values() if o.pending is not None)


class DecideStage(TakesSittings):
    """讨论决定: a `decide` stage."""

    capability: ClassVar[str] = "sittings"
    documents: ClassVar[tuple[str, ...]] = ("decision", "shortlist", "record")

    def __init__(self, open_: "OpenRound", stage: Stage):
        self.open, self.stage = open_, stage
        self.store, self.round = open_.store, open_.round

    # -- the rule -------------------------------------------------------------------------------
    def slots(self, post) -> int:
        """How many the stage chooses for a post: its seats, times N of `ratio = "1:N"` (a 常委会
        sending 1:2 nominees on to the 全委会's vote)."""
        return self.stage.ratio * post.seats

    def outcomes(self, sittings: list[Sitting] | None = None) -> dict[str, Outcome]:
        """Each post as the sittings (stored, or re-read by `audit verify`) leave it."""
        lists = self.open.lists(self.stage)
        sittings = self.sittings() if sittings is None else sittings
        rule = rule_of(self.stage)
        out = {}
        for post in self.round.posts:
            nominees = lists[post.id]
            if not nominees:  # nobody to decide on: nothing to hold the post open
                out[post.id] = Outcome(post.id, "unfilled", (), None)
                continue
            out[post.id] = settle(post.id, start(nominees, self.slots(post)), sittings, rule)
        return out

    def open_posts_after(self, sittings: list[Sitting]) -> dict[str, Pending]:
        return {p: o.pending for p, o in self.outcomes(sittings).items() if o.pending is not None}

    def cuts(self, decisions: Decisions | None = None, outcomes: dict[str, Outcome] | None = None) -> list[PostCut]:
        outcomes = self.outcomes() if outcomes is None else outcomes
        out = []
        for post in self.round.posts:
            o = outcomes[post.id]
            if o.pending is not None:
                out.append(PostCut(post.id, self.slots(post), (), o.status, True, ()))
            else:
                out.append(PostCut(post.id, self.slots(post), (), o.status, False, o.advanced, decision=o.decision))
        return out

    def cut(self, decisions: Decisions) -> list[PostCut]:
        stage = self.stage
        self.open.refuse_if_locked(stage)
        if decisions:
            raise RevoteNotResolve(stage.id, stage.kind, tuple(decisions.posts))
        outcomes = self.outcomes()
        cuts = self.cuts(outcomes=outcomes)
        held = self.undecided(outcomes)
        if held:
            raise UndecidedPosts(stage.id, held, cuts)
        self.store.save_cut(self.round.id, stage.id, cuts, None)
        self.open.log(events.cut(stage.id, cuts, decisions, None))
        return cuts

    # -- the pipeline ---------------------------------------------------------------------------
    def label(self, state: "StageState") -> str:
        """waiting | ready (no sitting yet) | sitting (posts still open) | decided | locked."""
        if state.locked:
            return "locked"
        if self.open.waiting(self.stage):
            return "waiting"
        if not self.store.sittings(self.round.id, self.stage.id):
            return "ready"
        return "sitting" if self.open_posts() else "decided"

    def next_step(self, label: str):
        stage = self.stage
        if label == "waiting":
            return steps.Cut(self.round.previous(stage).id)
        if label == "decided":
            return steps.Cut(stage.id)
        pending = self.open_posts()
        return steps.Sitting(stage.id, tuple(pending), bool(pending) and all(p.again for p in pending.values()))

    def counts(self) -> dict:
        return {"batches": 0, "returned": 0, "sittings": len(self.store.sittings(self.round.id, self.stage.id))}

    # -- the view -------------------------------------------------------------------------------
    def view(self, cuts: list[PostCut] | None = None) -> StageView:
        """Members, sittings, each post's votes (latest first in `results`) and its outcome."""
        stage, open_ = self.stage, self.open
        st = open_.state(stage)
        rows = self.sitting_rows()
        view = {"round": self.round.id, "stage": stage.id, "kind": stage.kind, "title": stage.title,
                "state": self.label(st), "certified": st.certified, "tie_seed": None,
                "attendance": {"members": stage.members, "present": rows[-1]["present"] if rows else None,
                               "issued": None, "returned": 0},
                "members": list(stage.member_names) or None,
                "rule": {"pass": str(stage.majority), "base": "members", "quorum": str(stage.quorum),
                         "revotes": stage.revotes, "after_revotes": stage.after_revotes},
                "sittings": rows}
        if stage.ratio != 1:  # chooses N x seats per post: said only where it is so
            view["rule"]["ratio"] = stage.ratio  # N of "1:N"
        corrected = corrections(self.store, self.round.id, stage.id)
        if corrected:
            view["corrections"] = corrected
        try:
            outcomes = self.outcomes()
        except RuleError as e:
            view.update({"waiting": e, "posts": [{"post": p.id, "title": p.title, "seats": p.seats, "results": [],
                                                  "status": None, "advanced": None} for p in self.round.posts]})
            return view
        locked = self.store.locked_cut(self.round.id, stage.id)
        view["posts"] = [self.post_view(post, outcomes[post.id], locked) for post in self.round.posts]
        return view

    def post_view(self, post, o: Outcome, locked: dict | None) -> dict:
        lists = self.open.lists(self.stage)
        votes = self.votes_view(o)
        latest = {}
        for v in votes:  # each nominee's last vote
            latest[v["candidate"]] = v
        results = []
        for cid in lists[post.id]:
            v = latest.get(cid)
            line = {"candidate": cid, "name": self.open.roster[cid].display,
                    "votes": v["yes"] if v else None, "yes": v["yes"] if v else None,
                    "no": v["no"] if v else None, "defer": v["other"] if v else None, "abstain": None,
                    "invalid": 0, "share": frac(Fraction(v["yes"], v["base"])) if v and v["yes"] is not None
                    and v["base"] else None, "passed": v["passed"] if v else None,
                    "needs": v["needs"] if v else None, "recused": v["recused"] if v else [],
                    "voters": v["voters"] if v else None, "sitting": v["sitting"] if v else None,
                    "deferred": bool(v and v["deferred"]), "chosen": cid in o.advanced}
            results.append(line)
        results.sort(key=lambda r: (r["yes"] is None, -(r["yes"] or 0), r["candidate"]))
        entry = {"post": post.id, "title": post.title, "seats": post.seats, "results": results, "votes": votes,
                 "pass_line": {"rule": str(self.stage.majority), "base": "members", "of": self.stage.members,
                               "votes": self.stage.majority.minimum(self.stage.members)},
                 "revotes": o.revotes, "outcome": o.status, "decided": o.settled}
        if o.tied:
            entry["tie"] = {"tied": list(o.tied), "slots": o.pending.slots if o.pending else None}
        if o.pending is not None:
            entry["pending"] = {"ballot": list(o.pending.ballot), "slots": o.pending.slots,
                                "why": o.pending.why, "revote": o.pending.again}
        if locked is not None and post.id in locked:
            entry["status"] = locked[post.id]["status"]
            entry["advanced"] = locked[post.id]["advanced"]
        else:
            entry["status"] = o.status
            entry["advanced"] = None
        if o.decision:
            entry["decision"] = {"kind": o.decision, "chosen": list(o.advanced), "reason": None}
        return entry

    # -- audit verify ---------------------------------------------------------------------------
    def recheck(self, log: list[dict], report: "Report"):
        from selector.service.stages.decide_check import recheck_sittings

        return recheck_sittings(self, log, report)

    def recut(self, recount, decisions: Decisions) -> dict[str, tuple[str, list[str]]] | None:
        if recount is None:
            return None
        return {c.post: (c.status, list(c.advanced)) for c in self.cuts(outcomes=self.outcomes(recount))}

    def recheck_files(self, found: dict[str, list[Path]], folder: Path, report: "Report") -> None:
        from selector.service.stages.decide_check import recheck_sitting_files

        recheck_sitting_files(self, found, report)
