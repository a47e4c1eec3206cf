"""Spot checks of a count: a reproducible sample of papers to pull, hand-read papers compared
with the tally, and double entry (双人录入) — two keyings that must agree."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable

from selector.domain.counting import Ballot
from selector.domain.model import Stage, natural, normalize
from selector.errors import BallotFileError, NoPapers, RuleError, SameFileTwice
from selector.i18n import N_
from selector.readers.ballots import Paper, interpret
from selector.readers.tables import open_table
from selector.records import dataclass
from selector.service.rounds import OpenRound
from selector.service.stages import counts
from selector.service.stages.ballots import BallotStage
from selector.storage import events

SAMPLE_ALGORITHM = N_("every ballot number B tallied for the stage is ranked by "
                    "SHA-256(\"SEED/STAGE/B\" in UTF-8) as hex, lowest first; the first N are drawn")


def sample_key(seed: str, stage_id: str, ballot: str) -> str:
    """The draw key of one paper: anyone can recompute it with any SHA-256 tool."""
    return hashlib.sha256(f"{seed}/{stage_id}/{ballot}".encode("utf-8")).hexdigest()


def sample(open_: OpenRound, stage_id: str, seed: str, count: int) -> dict:
    """A reproducible list of paper ballots to pull from the box for a hand check (logged).
    `seed` is not empty and `count` at least 1 (the command checks both)."""
    stage = open_.expect(stage_id, BallotStage).stage
    store, rid = open_.store, open_.id
    _refuse_totals(open_, stage, "sample")
    papers = store.papers(rid, stage.id)
    if not papers:
        raise RuleError("stage {stage} has no tallied ballots to sample", stage=stage.id)
    keyed = sorted((sample_key(seed, stage.id, p["ballot"]), p["ballot"], p["file"]) for p in papers)
    drawn = [{"order": i, "ballot": b, "file": f, "key": k}
             for i, (k, b, f) in enumerate(keyed[:count], start=1)]
    with store.write():
        open_.log(events.audit_sample(stage.id, seed=seed, count=count, of=len(papers),
                                      ballots=[d["ballot"] for d in drawn]))
    return {"stage": stage.id, "seed": seed, "count": count, "of": len(papers),
            "algorithm": SAMPLE_ALGORITHM, "ballots": drawn}


def _refuse_totals(open_: OpenRound, stage: Stage, command: str) -> None:
    """A stage recorded from totals (or a talk) has no papers to draw or compare."""
    if stage.talk or counts.totals_batch(open_.store.batches(open_.id, stage.id)) is not None:
        raise NoPapers(stage.id, command)


@dataclass
class Difference:
    ballot: str
    cell: str  # "P01 审计局局长", "P01/C001", "category", "void" or "paper"
    first: str  # what was tallied (compare) / the first keying (double entry)
    second: str  # the hand count (compare) / the second keying


def compare(open_: OpenRound, stage_id: str, path: Path, *, layout: str = "wide",
            encoding: str | None = None, sheet: str | None = None) -> dict:
    """Hand-read ballots (same format as a tally) against what was tallied; the check is logged."""
    handler = open_.expect(stage_id, BallotStage)
    stage = handler.stage
    _refuse_totals(open_, stage, "compare")
    paper = handler.paper()
    with open_table(path, encoding=encoding, sheet=sheet) as table:
        hand = _by_number(interpret(paper, table.name, table.header, table.rows, layout))
    tallied = _tallied(open_, stage, paper, set(hand))
    differences = _diff(paper, tallied, hand, missing_first="not tallied")
    result = {"stage": stage.id, "file": table.name, "sha256": table.sha256, "ballots": len(hand),
              "differences": [{"ballot": d.ballot, "cell": d.cell, "tallied": d.first, "hand": d.second}
                              for d in differences]}
    with open_.store.write():
        open_.log(events.audit_compare(stage.id, file=table.name, sha256=table.sha256, ballots=len(hand),
                                       differences=result["differences"]))
    return result


def double_entry(open_: OpenRound, stage_id: str, first: Path, second: Path, *, layout: str = "wide",
                 encoding: str | None = None, sheet: str | None = None) -> dict:
    """双人录入: two independent keyings of the same papers must agree, ballot by ballot.

    Refuses (nothing recorded) with every differing ballot and cell; otherwise returns what
    the tally event records about the check."""
    paper = open_.expect(stage_id, BallotStage).paper()
    readings, tables = [], []
    for path in (first, second):
        with open_table(path, encoding=encoding, sheet=sheet) as table:
            readings.append(_by_number(interpret(paper, table.name, table.header, table.rows, layout)))
        tables.append(table)
    if tables[0].sha256 == tables[1].sha256:
        raise SameFileTwice(tables[0].name, tables[1].name)
    differences = _diff(paper, readings[0], readings[1], missing_first="missing")
    if differences:
        details = [f"ballot {d.ballot} · {d.cell}: {tables[0].name} has {d.first!r}, "
                   f"{tables[1].name} has {d.second!r}" for d in differences]
        text = (N_("{first} and {second} differ on {n} cells: nothing recorded; check the paper ballots and "
                   "correct the keying") if len(differences) > 1 else
                N_("{first} and {second} differ on {n} cell: nothing recorded; check the paper ballots and "
                   "correct the keying"))
        raise BallotFileError(text, details, first=tables[0].name, second=tables[1].name, n=len(differences))
    # Recorded in the tally event as `checked_against`: the second keying, and the file it checked.
    return {"file": tables[1].name, "sha256": tables[1].sha256, "ballots": len(readings[1]),
            "tallied_sha256": tables[0].sha256}


def _by_number(ballots: Iterable[Ballot]) -> dict[str, Ballot]:
    return {b.number: b for b in ballots}


def _tallied(open_: OpenRound, stage: Stage, paper: Paper, wanted: set[str]) -> dict[str, Ballot]:
    out: dict[str, Ballot] = {}
    for b in open_.store.batches(open_.id, stage.id):
        rows = open_.store.stored_rows(b["id"])
        for ballot in interpret(paper, b["file"], json.loads(b["header"]), rows, b["layout"]):
            if ballot.number in wanted:
                out[ballot.number] = ballot
    return out


def _cells(paper: Paper, ballot: Ballot) -> dict[str, tuple[object, str]]:
    """A ballot as comparable cells: name -> (meaning, text to show)."""
    cells: dict[str, tuple[object, str]] = {
        "category": (ballot.category or "", ballot.category or ""),
        "void": (normalize(ballot.void or ""), ballot.void or ""),
    }
    for post in paper.posts:
        if paper.approve:
            marked = ballot.choices.get(post.id, {})
            for cid in paper.lists[post.id]:
                choice = marked.get(cid, "abstain")
                cells[f"{post.id}/{cid}"] = (choice, choice)
        else:
            texts = ballot.marks.get(post.id, ())
            meaning = set()
            for text in texts:
                # a shared name is the one of that name on the post's list, as the count reads it
                cid = paper.resolver.place(text, paper.lists[post.id])[0]
                # An unknown or ambiguous name is compared as written (normalised).
                meaning.add(cid if isinstance(cid, str) else "?" + normalize(text))
            cells[f"{post.id} {post.title}"] = (frozenset(meaning), "、".join(texts) or "(blank)")
    return cells


def _diff(paper: Paper, first: dict[str, Ballot], second: dict[str, Ballot], *,
          missing_first: str) -> list[Difference]:
    out = []
    for number in sorted(set(first) | set(second), key=natural):
        a, b = first.get(number), second.get(number)
        if a is None or b is None:
            out.append(Difference(number, "paper", "present" if a else missing_first,
                                  "present" if b else "missing"))
            continue
        ca, cb = _cells(paper, a), _cells(paper, b)
        for name in ca:
            if ca[name][0] != cb[name][0]:
                out.append(Difference(number, name, ca[name][1], cb[name][1]))
    return out
