"""`audit verify` for sittings (讨论决定, and a vote stage's re-votes): each stored sitting against
its event, its record file re-read from the stored text, and (decide stages) the stage's rules
applied again sitting by sitting, as `selector sitting` applied them."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from selector.domain.decision import Sitting, check_sitting, item_json, rule_of
from selector.errors import SelectorError
from selector.i18n import N_
from selector.service.recheck import At, Report, find_original
from selector.storage import events

if TYPE_CHECKING:
    from selector.service.stages.decide import TakesSittings

COLUMNS = ("date", "present", "method", "file")


def recheck_sittings(handler: "TakesSittings", log: list[dict], report: Report,
                     replay: bool = True) -> list[Sitting] | None:
    """The stage's sittings re-read from their stored record text and held to their events;
    returns them (what the cut is made again from), or None when one cannot be re-read."""
    from selector.readers.sitting import read_sitting

    stage, open_ = handler.stage, handler.open
    store, rid = open_.store, open_.id
    rows = store.sittings(rid, stage.id)
    logged = {e["details"].get("number"): e for e in events.of(log, stage.id, "sitting")}
    report.sittings += len(rows)
    out: list[Sitting] = []
    lists = None
    try:
        lists = open_.lists(stage)
    except SelectorError as e:
        if rows:
            report.add(At("stage {stage}", stage=stage.id), N_("cannot recheck the sittings: {error}"), error=e)
        return None
    for number in sorted(set(logged) - {r["number"] for r in rows}, key=str):
        report.add(At("stage {stage}: table {table}, row {row}", stage=stage.id, table="sittings", row=number),
                   N_("missing from the database ({command} event #{event} recorded it)"), command="sitting",
                   event=logged[number]["id"])
    previous: date | None = None
    names = {c: p.display for c, p in open_.roster.items()}
    for row in rows:
        where = At("stage {stage}: table {table}, row {row}", stage=stage.id, table="sittings", row=row["number"])
        event = logged.get(row["number"])
        if event is None:
            report.add(where, N_("in the database but the log has no sitting event for it"))
            return None
        d = event["details"]
        for col in COLUMNS:
            if row[col] != d.get(col):
                report.add(where, N_("{column} is {value!r} in the database, {recorded!r} in sitting event #{event}"),
                           column=col, value=row[col], recorded=d.get(col), event=event["id"])
        if row["event"] != event["id"]:
            report.add(where, N_("{column} is {value!r} in the database, {recorded!r} in sitting event #{event}"),
                       column="event", value=row["event"], recorded=event["id"], event=event["id"])
        report.times.check(report, where, "at", row["at"], event)
        data = (row["source"] or "").encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        if sha != row["sha256"] or event["files"].get(row["file"]) != sha:
            report.add(where, N_("the stored record text hashes to {found}…, the sitting event recorded {sha}…"),
                       found=sha[:12], sha=str(event["files"].get(row["file"]))[:12])
        stored_papers = row["papers"]
        logged_papers = (d.get("papers") or {}).get("file")
        if row["papers_file"] != logged_papers:
            report.add(where, N_("{column} is {value!r} in the database, {recorded!r} in sitting event #{event}"),
                       column="papers_file", value=row["papers_file"], recorded=logged_papers, event=event["id"])
        if stored_papers is not None:
            found = hashlib.sha256(stored_papers).hexdigest()
            if found != row["papers_sha256"] or event["files"].get(row["papers_file"]) != found:
                report.add(where, N_("the stored papers hash to {found}…, the sitting event recorded {sha}…"),
                           found=found[:12], sha=str(event["files"].get(row["papers_file"]))[:12])

        def papers(rel: str) -> tuple[bytes, str]:
            if stored_papers is None or rel != row["papers_file"]:
                raise SelectorError("the papers file {file} is not stored", file=rel)
            return stored_papers, rel

        try:
            record = read_sitting(data, row["file"], open_.round, lists, row["number"], stage.member_names,
                                  stage.id, papers)
            sitting, keys = record.sitting, record.keys
            if replay:
                open_posts = handler.open_posts_after(out)
                check_sitting(sitting, file=row["file"], open_posts=open_posts, previous=previous,
                              rule=rule_of(stage), member_names=stage.member_names, quorum=stage.quorum,
                              keys=keys, name_of=names)
        except SelectorError as e:
            report.add(where, N_("the stored record cannot be taken again: {error}"), error=e)
            return None
        items = [item_json(i) for i in sitting.items]
        if json.loads(row["items"]) != items:
            report.add(where, N_("{column} differ from the stored record re-read"), column="items")
        if d.get("items") != items:
            report.add(where, N_("{column} differ from the stored record re-read"), column="sitting event items")
        if (sitting.date.isoformat(), sitting.present, sitting.method) != (row["date"], row["present"],
                                                                          row["method"]):
            report.add(where, N_("{column} differ from the stored record re-read"), column="date, present, method")
        previous = sitting.date if previous is None or sitting.date > previous else previous
        out.append(sitting)
    return out


def recheck_sitting_files(handler: "TakesSittings", found: dict[str, list[Path]], report: Report) -> None:
    """Each sitting's record file, when found under the folder, re-hashed (the record's text is
    stored whole, so one not archived is no difference)."""
    stage = handler.stage
    for row in handler.open.store.sittings(handler.open.id, stage.id):
        given = [(row["file"], row["sha256"])]
        if row["papers_file"]:
            given.append((Path(row["papers_file"]).name, row["papers_sha256"]))
        for name, sha in given:
            if name in found:
                find_original(found, Path("."), name, sha,
                              N_("changed since it was recorded: sha256 {found}, recorded {sha}…"),
                              At("stage {stage}: file {file} (sitting {number})", stage=stage.id, file=name,
                                 number=row["number"]), report)
