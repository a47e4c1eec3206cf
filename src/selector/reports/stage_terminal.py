"""Rich tables for inspect and notice stages, drawn from their handlers' views."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selector.i18n import N_, _
from selector.reports.common import (
    appointee_line, correction_line, decision_note, people, state_word, status_word,
)
from selector.reports.numbers import pct
from selector.views import StageView

# One character a check, so five departments fit an 80-column terminal; the legend says it.
VERDICT = {"clear": "✓", "concern": "!", "veto": "✗", None: "—"}
LEGEND = N_("✓ clear · ! concern · ✗ veto · — missing")
OUTCOME = {"confirmed": N_("confirmed"), "dropped": N_("DROPPED (serious)"), "pending": N_("pending")}
COMPLAINT = {"unfounded": N_("unfounded"), "minor": N_("minor"), "serious": N_("serious"),
             "postpone": N_("postpone")}


def _head(console: Console, view: dict) -> None:
    head = f"{view['round']} · {view['stage']} {view['title']} · {state_word(view['state'])}"
    console.print(Text(head, style="bold"))
    for c in view.get("corrections", ()):
        console.print(Text(correction_line(c)))
    if view.get("waiting"):
        console.print(Text(view["waiting"]))


def inspect(console: Console, view: StageView) -> None:
    """Each post's candidates: rank, sign-offs, 民主测评 (counts, rate, denominator), struck."""
    _head(console, view)
    ev = view.get("evaluation")
    line = _("checks: {checks}").format(checks=_(", ").join(view["checks"]) or _("none"))
    if ev:
        line += " · " + _("民主测评 {scale}, pass: {top} {rule} of valid ballots").format(
            scale="/".join(ev["scale"]), top="+".join(ev["top"]), rule=ev["pass"])
    line += " · " + (_("backfill on") if view["backfill"] else _("backfill off"))
    console.print(Text(line))
    numbered = view.get("stage_files") or ()
    if len(numbered) > 1 or any(f["withdrawn"] for f in numbered):
        console.print(Text(_("files: {files}").format(files=" · ".join(
            f"{f['number']} {f['file']}" + (" " + _("withdrawn") if f["withdrawn"] else "") for f in numbered))))
    for post in view["posts"]:
        console.print()
        title = _("{post} {title} · seats {seats}").format(post=post["post"], title=post["title"],
                                                             seats=post["seats"])
        if "k" in post:
            title += " · " + _("list {k}").format(k=post["k"])
        console.print(Text(title, style="bold"))
        if not post["results"]:
            console.print(_("nobody on the list"))
            continue
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for col in (N_("rank"), N_("id"), N_("name")):
            table.add_column(_(col), no_wrap=True)
        for col in view["checks"]:
            table.add_column(col, justify="center", no_wrap=True)
        if ev:
            table.add_column("民主测评", no_wrap=True)
        table.add_column("", overflow="fold")
        names = {r["candidate"]: r["name"] for r in post["results"]}
        for r in post["results"]:
            cells = [str(r["rank"] or ""), r["candidate"], r["name"]]
            cells += [VERDICT[r["checks"][c]] for c in view["checks"]]
            if ev:
                e = r["evaluation"]
                cells.append(f"{e['top']}/{e['valid']} = {pct(e['rate'])}" if e and e["valid"] else "—")
            mark = []
            if r["struck"]:
                mark.append(_("STRUCK ({by})").format(by=_(", ").join(r["struck_by"])))
            if r["backfilled"]:
                mark.append("递补")
            if r["tied"]:
                mark.append("＝ " + _("tied"))
            if r["missing"] and not r["struck"] and not r["tied"]:
                mark.append(_("missing {checks}").format(checks=_(", ").join(r["missing"])))
            if post["advanced"] and r["candidate"] in post["advanced"]:
                mark.append("✓")
            cells.append(" · ".join(mark))
            table.add_row(*(Text(c) for c in cells),
                          style="red" if r["struck"] else ("yellow" if r["tied"] else None))
        console.print(table)
        if ev and any(r["evaluation"] and r["evaluation"]["valid"] for r in post["results"]):
            console.print(_evaluation(ev, post["results"]))
        for r in post["results"]:
            for check, note in r["notes"].items():
                console.print(Text(f"  {r['candidate']} {check}: {note}"))
        status = post.get("status")
        note = status_word(status)
        if post.get("advanced") is not None:
            note += " · " + _("advanced: {names}").format(names=people(post["advanced"], names) or _("nobody"))
        elif post.get("would_advance") is not None:
            note += " · " + _("would advance: {names} (not locked)").format(
                names=people(post["would_advance"], names) or _("nobody"))
        if post.get("tie"):
            t = post["tie"]
            note += " · " + _("backfill tie among {names} for {slots}").format(
                names=people(t["tied"], names), slots=t["slots"])
        note += decision_note(post)
        console.print(Text(note, style="bold red" if status in ("tied", "short", "unfilled") else None))
    console.print(_(LEGEND))
    if view.get("missing"):
        console.print()
        console.print(Text(_("missing before the cut: {n} candidate(s)").format(n=len(view["missing"])),
                           style="bold"))
        for cid, what in view["missing"].items():
            console.print(Text(f"  {cid}: {_(', ').join(what)}"))


def notice(console: Console, view: StageView) -> None:
    """The notice period, each appointee's outcome and the complaints."""
    _head(console, view)
    n = view["notice"]
    if n["start"]:
        console.print(Text(_("notice {start} → {end} ({days} working days, {calendar})").format(
            start=n["start"], end=n["end"], days=n["working_days"], calendar=n["calendar"])))
        if n.get("warning"):
            console.print(Text(_("warning: {message}").format(message=n["warning"]), style="yellow"))
        if n.get("end_reason"):
            console.print(Text(_("end date given by the clerk: {reason}").format(reason=n["end_reason"])))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in (N_("post"), N_("id"), N_("name"), N_("outcome"), N_("complaints")):
        table.add_column(_(col), overflow="fold")
    for post in view["posts"]:
        if not post["results"]:
            table.add_row(post["post"], "", "", _("unfilled"), "")
        for r in post["results"]:
            outcome = _(OUTCOME[r["outcome"]]) + (" " + _("until {date}").format(date=r["until"])
                                                  if r["until"] else "")
            table.add_row(post["post"], r["candidate"], Text(r["name"]), outcome,
                          ", ".join(f"#{c}" for c in r["complaints"]))
    console.print(table)
    if n["complaints"]:
        ct = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=_("complaints"))
        for col in (N_("#"), N_("received"), N_("candidate"), N_("from"), N_("summary"), N_("outcome"),
                    N_("note")):
            ct.add_column(_(col), overflow="fold")
        for c in n["complaints"]:
            outcome = _(COMPLAINT[c["outcome"]]) if c["outcome"] in COMPLAINT else _("OPEN")
            if c["until"]:
                outcome += " " + _("until {date}").format(date=c["until"])
            received = c["received"] + (" " + _("(late)") if c.get("late") else "")
            ct.add_row(str(c["number"]), received, Text(f"{c['candidate']} {c['name']}"),
                       _("named") if c["named"] else _("anonymous"), Text(c["summary"]), outcome,
                       Text(c["note"] or ""))
        console.print(ct)
    if any(p.get("advanced") is not None for p in view["posts"]):
        names = {r["candidate"]: r["name"] for p in view["posts"] for r in p["results"]}
        for post in view["posts"]:
            status = post["status"]
            console.print(Text(_("{post} {title}: {status} · confirmed: {names}").format(
                post=post["post"], title=post["title"], status=status_word(status),
                names=people(post["advanced"], names) or _("nobody")),
                style="bold red" if status in ("unfilled", "short") else None))
    for a in n.get("appointments", ()):
        console.print(Text(appointee_line(view["stage"], a)))


def _evaluation(ev: dict, results: list[dict]) -> Table:
    """测评汇总: grade counts per candidate, with the valid ballots the rate is taken over."""
    rows = [r for r in results if r["evaluation"] and (r["evaluation"]["valid"] or r["evaluation"]["void"])]
    unclear = any(r["evaluation"]["invalid"] for r in rows)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="民主测评")
    # The top grades are named in the stage's header line ("pass: 优秀+称职 >= 2/3 …").
    for col in (_("name"), "/".join(ev["scale"]), _("blank"), *((_("unclear"),) if unclear else ()),
                _("void"), _("valid"), _("rate")):
        table.add_column(col, no_wrap=True, justify="left" if col == _("name") else "right")
    for r in rows:
        e = r["evaluation"]
        table.add_row(Text(r["name"]), "/".join(str(e["counts"][g]) for g in ev["scale"]),
                      str(e["blank"]), *((str(e["invalid"]),) if unclear else ()), str(e["void"]),
                      str(e["valid"]), f"{e['top']}/{e['valid']} = {pct(e['rate'])}")
    return table
