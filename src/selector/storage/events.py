"""The record's events: one builder per kind of change, and the readers `audit verify` uses.

A builder returns `(command, stage, details, files)` for `Store.log`; the keys written here
are the keys `audit verify` reads back (through the readers below), so the two cannot drift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from selector.domain.cuts import Decisions, PostCut

Event = tuple[str, str | None, dict, dict]

# The events whose hash goes to the witness file (storage/witness.py) as they commit: a
# certification and every cut that locks a list.
ANCHORED = ("certify", "cut", "notice close")


def _files(entries: Iterable[Mapping]) -> dict[str, str]:
    return {e["file"]: e["sha256"] for e in entries}


def _decided(decisions: Decisions) -> dict:
    if not decisions.reason:
        return {}
    out = {"reason": decisions.reason, "resolve": {k: list(v) for k, v in decisions.resolve.items()},
           "accept_short": list(decisions.accept_short)}
    if decisions.backfill or decisions.no_backfill:
        out.update({"backfill": {k: list(v) for k, v in decisions.backfill.items()},
                    "no_backfill": list(decisions.no_backfill)})
    return out


# -- builders -------------------------------------------------------------------------------

def init(file: str, title: str, updated: bool, sha: str, sources: Mapping[str, bytes],
         eligibility: dict | None = None) -> Event:
    """A round stored; `eligibility` (domain.eligibility.record) when the round has rules: the
    date, the limits, and who is excluded or let through by 破格 and why."""
    details = {"file": file, "title": title, "change": "updated" if updated else "stored", "sha256": sha}
    if eligibility is not None:
        details["eligibility"] = eligibility
    return ("init", None, details, {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()})


def amend(file: str, title: str, sha: str, sources: Mapping[str, bytes], *, reason: str,
          changes: list[dict], before: str, before_files: Mapping[str, str],
          eligibility: dict | None = None) -> Event:
    """A stored round changed after something was recorded (a correction: `init` with --reason).
    `changes` are the key paths with their old and new values; `undid` the files replaced."""
    command, stage, details, files = init(file, title, True, sha, sources, eligibility)
    return (command, stage, {**details, "change": "amended", "reason": reason, "changes": changes,
                             "undid": {"sha256": before, "files": dict(before_files)}}, files)


TALLY_BATCH_KEYS = ("file", "sha256", "ballots", "rows", "encoding", "rows_sha256")


def tally(stage: str, batches: list[dict], *, returned: int, returned_before: int, present: int,
          issued: int, layout: str, results_sha256: str, checked: dict | None, voided: int | None,
          sheet: str | None = None, counted: dict[str, int] | None = None,
          marks_sha256: str | None = None) -> Event:
    # `counted`: a stage recorded from counts (layout "totals"), its papers returned per category
    # ("" for a stage without categories); the event then says so plainly (`source`).
    # `sheet` (the --sheet option, null for the first sheet or a CSV) is in every batch entry
    # since m006; its presence also says the batches' `at` and `event` were written exactly.
    # `marks_sha256` (since m014, on a tally adding to a stage already counted): the head of the
    # marks chain, and `results_sha256` is then the chained form (digest.chained).
    return ("tally", stage, {
        "batches": [{**{k: b[k] for k in TALLY_BATCH_KEYS}, "sheet": sheet} for b in batches],
        "returned": returned, "returned_before": returned_before, "present": present, "issued": issued,
        "layout": layout, "results_sha256": results_sha256,
        **({"voided": voided} if voided is not None else {}),
        **({"marks_sha256": marks_sha256} if marks_sha256 is not None else {}),
        **({"checked_against": checked} if checked else {}),
        **({"source": "totals", "counted": counted} if counted is not None else {})}, _files(batches))


def withdraw_batch(stage: str, *, number: int, batch: Mapping, rows_sha256: str, tally_event: int | None,
                   reason: str, returned_before: int, returned: int, results_sha256: str) -> Event:
    """A batch taken out of the count (a correction); its stored rows stay, with this digest."""
    return ("withdraw batch", stage, {
        "batch": number, "file": batch["file"], "reason": reason,
        "undid": {"tally": tally_event, "batch_id": batch["id"], "sha256": batch["sha256"],
                  "rows_sha256": rows_sha256, "ballots": batch["ballots"], "rows": batch["rows"]},
        "returned_before": returned_before, "returned": returned, "results_sha256": results_sha256},
        {batch["file"]: batch["sha256"]})


def tally_refused(stage: str, reason: str, files: dict[str, str]) -> Event:
    return ("tally refused", stage, {"reason": reason}, files)


def cut(stage: str, cuts: Iterable[PostCut], decisions: Decisions, tie_seed: str | None) -> Event:
    cuts = list(cuts)
    return ("cut", stage, {
        "posts": {c.post: {"status": c.status, "advanced": list(c.advanced),
                           **({"decision": c.decision, "chosen": list(c.chosen)} if c.decision else {})}
                  for c in cuts},
        **_decided(decisions),
        **({"tie_seed": tie_seed} if any(c.decision == "lot" for c in cuts) else {}),
    }, {})


def inspect_cut(stage: str, cuts: Iterable, struck: dict, decisions: Decisions) -> Event:
    """The cut of an inspection: each post's strikes and backfills (domain.inspection.InspectCut)."""
    return ("cut", stage, {
        "posts": {c.post: {"status": c.status, "advanced": list(c.advanced), "struck": list(c.struck),
                           "backfilled": list(c.backfilled),
                           **({"decision": c.decision, "chosen": list(c.chosen)} if c.decision else {})}
                  for c in cuts},
        "struck": struck,
        **_decided(decisions),
    }, {})


def inspect(stage: str, entries: list[dict], replaced: list[dict] | None = None,
            reason: str | None = None, sheet: str | None = None) -> Event:
    """Inspection files recorded; with `replaced`, the findings they replace (a correction)."""
    correction = {"reason": reason, "undid": {"findings": replaced}} if replaced else {}
    return ("inspect", stage, {"files": [{**{k: v for k, v in e.items() if k != "sha256"}, "sheet": sheet}
                                         for e in entries], **correction}, _files(entries))


def finding_record(row: Mapping) -> dict:
    """A finding as a correction event records what it undid (a `findings` row)."""
    return {"candidate": row["candidate"], "check": row["check_name"], "verdict": row["verdict"],
            "note": row["note"], "file": row["file"], "line": row["line"]}


def withdraw_file(stage: str, *, number: int, file: Mapping, rows_sha256: str, reason: str,
                  findings: list[dict], ballots: int) -> Event:
    """An inspection file taken back (a correction): what it still said stops counting."""
    return ("withdraw file", stage, {
        "file_number": number, "file": file["file"], "kind": file["kind"], "reason": reason,
        "undid": {"file_id": file["id"], "sha256": file["sha256"], "rows_sha256": rows_sha256,
                  "findings": findings, "ballots": ballots}}, {file["file"]: file["sha256"]})


def withdraw_finding(stage: str, *, finding: dict, reason: str) -> Event:
    return ("withdraw finding", stage, {"candidate": finding["candidate"], "check": finding["check"],
                                        "reason": reason, "undid": {"findings": [finding]}}, {})


def reopen(stage: str, *, reason: str, cut_event: int | None, locked_at: str | None,
           posts: Mapping[str, Mapping]) -> Event:
    """A locked cut re-opened (a correction): the cut rows it removed, as they were."""
    return ("reopen cut", stage, {"reason": reason, "undid": {
        "cut": cut_event, "locked_at": locked_at,
        "posts": {p: {k: row[k] for k in ("status", "advanced", "decision", "chosen", "reason")}
                  for p, row in posts.items()}}}, {})


def revoke(stage: str, *, reason: str, certify_event: int | None, certified_at: str | None,
           certificate: dict) -> Event:
    """A certificate withdrawn (a correction), so the count can be corrected and signed again."""
    return ("revoke certificate", stage, {"reason": reason, "undid": {
        "certify": certify_event, "certified_at": certified_at, "certificate": certificate}}, {})


def withdraw_complaint(stage: str, *, number: int, candidate: str, reason: str, complaint: Mapping) -> Event:
    """A complaint entered in error (a correction); the row stays, marked withdrawn."""
    return ("withdraw complaint", stage, {"number": number, "candidate": candidate, "reason": reason,
                                          "undid": {k: complaint[k] for k in (
                                              "received", "summary", "named", "outcome", "note", "until")}}, {})


def notice_open(stage: str, *, start: str, end: str, working_days: int, calendar: str,
                warnings: list[str], candidates: Mapping[str, Iterable[str]],
                end_reason: str | None = None) -> Event:
    return ("notice open", stage, {
        "start": start, "end": end, "working_days": working_days, "calendar": calendar,
        **({"warning": warnings[0]} if warnings else {}),
        **({"end_reason": end_reason} if end_reason else {}),
        "candidates": {p: list(ids) for p, ids in candidates.items()}}, {})


def complaint(stage: str, *, number: int, received: str, candidate: str, summary: str,
              named: bool, late: bool = False) -> Event:
    return ("complaint", stage, {"number": number, "received": received, "candidate": candidate,
                                 "summary": summary, "named": named, **({"late": True} if late else {})}, {})


def complaint_resolved(stage: str, *, number: int, candidate: str, outcome: str, note: str,
                       until: str | None) -> Event:
    return ("complaint resolved", stage, {"number": number, "candidate": candidate, "outcome": outcome,
                                          "note": note, **({"until": until} if until else {})}, {})


def notice_close(stage: str, cuts: Iterable[PostCut], dropped: list[str], pending: dict[str, str],
                 today: str, appointments: list[dict] | None = None) -> Event:
    """`appointments` (issue 12.6; absent before it, and for a notice of the 考察对象): the
    appointment date and 试用期 end recorded per appointee; `after_end` says the notice could
    close only once its last day had passed (issue 12.5)."""
    extra = {"after_end": True, **({"appointments": appointments} if appointments is not None else {})}
    return ("notice close", stage, {
        "posts": {c.post: {"status": c.status, "advanced": list(c.advanced)} for c in cuts},
        "dropped": dropped, "pending": pending, "today": today, **extra}, {})


def sitting(stage: str, *, number: int, date: str, present: int, method: str, file: str, sha256: str,
            items: list[dict], revote: bool, papers: dict | None = None) -> Event:
    """A sitting of a decide stage, or a re-vote of a vote stage: its record file and what it said;
    `papers` (file, sha256, papers, void): the secret ballot's papers its counts were made from."""
    files = {file: sha256}
    if papers:
        files[papers["file"]] = papers["sha256"]
    return ("sitting", stage, {"number": number, "date": date, "present": present, "method": method,
                               "file": file, "revote": revote, "items": items,
                               **({"papers": {k: papers[k] for k in ("file", "papers", "void")}} if papers else {})},
            files)


def certify(stage: str, certificate: dict) -> Event:
    return ("certify", stage, certificate, {})


def audit_sample(stage: str, *, seed: str, count: int, of: int, ballots: list[str]) -> Event:
    return ("audit sample", stage, {"seed": seed, "count": count, "of": of, "ballots": ballots}, {})


def audit_compare(stage: str, *, file: str, sha256: str, ballots: int, differences: list[dict]) -> Event:
    return ("audit compare", stage, {"file": file, "ballots": ballots, "differences": differences},
            {file: sha256})


def export(stage: str, *, doc: str, fmt: str, out: str, size: int, name: str, sha256: str) -> Event:
    return ("export", stage, {"doc": doc, "format": fmt, "out": out, "bytes": size}, {name: sha256})


def struck(vetting: Mapping, cuts: Iterable) -> dict:
    """Who was struck and why, as the inspect cut event records it (domain.inspection values)."""
    cuts = list(cuts)
    return {cid: {"vetoes": list(v.vetoes), "evaluation": v.evaluated,
                  **({"decision": v.settled.reason} if v.settled and v.settled.decision == "strike" else {})}
            for cid, v in vetting.items() if v.struck and any(cid in c.members for c in cuts)}


def settle(stage: str, candidate: str, decision: str, concerns: list[str], reason: str) -> Event:
    """A recorded decision on a candidate's concerns at an inspection: keep or strike."""
    return ("settle concern", stage, {"candidate": candidate, "decision": decision, "concerns": concerns,
                                      "reason": reason}, {})


def findings_summary(items: Iterable) -> dict:
    """What the inspect event records of a findings file (domain.inspection.Finding values)."""
    items = list(items)
    out = {"findings": len(items),
           "vetoes": [f"{f.candidate} {f.check}" for f in items if f.verdict == "veto"],
           "concerns": [f"{f.candidate} {f.check}" for f in items if f.verdict == "concern"]}
    pending = [f"{f.candidate} {f.check}" for f in items if f.verdict == "pending"]
    return {**out, "pending": pending} if pending else out


# -- readers --------------------------------------------------------------------------------

def is_correction(event: Mapping) -> bool:
    """A correction is an event that says what it undid (withdrawals, re-opening, revocation,
    replaced findings, an amended round)."""
    return isinstance(event.get("details"), dict) and "undid" in event["details"]


def of(events: list[dict], stage: str, *commands: str) -> list[dict]:
    """The stage's events of these commands, oldest first."""
    return [e for e in events if e["stage"] == stage and e["command"] in commands]


def cuts_of(events: list[dict], stage: str) -> list[dict]:
    """The events that locked the stage's list (`cut`, or `notice close` for a notice)."""
    return [e for e in of(events, stage, "cut", "notice close") if "posts" in e["details"]]


def current_cuts(events: list[dict], stage: str) -> list[dict]:
    """The events that locked the stage's list since it was last re-opened (all of them when
    it never was)."""
    cuts = cuts_of(events, stage)
    reopened = [e["id"] for e in of(events, stage, "reopen cut")]
    return [e for e in cuts if e["id"] > reopened[-1]] if reopened else cuts


def tallied_batches(tallies: list[dict]) -> list[tuple[dict, dict]]:
    """(tally event, batch entry) for every batch the tally events recorded, in order."""
    return [(e, b) for e in tallies for b in e["details"].get("batches", [])]


def inspected_files(inspects: list[dict]) -> list[tuple[dict, dict]]:
    """(inspect event, file entry) for every file the inspect events recorded, in order."""
    return [(e, f) for e in inspects for f in e["details"].get("files", [])]
