"""Rich tables for inspect and notice stages, drawn from their handlers' views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selector.i18n import N_, _
from selector.reports.common import (
    OPERATORS, appointee_line, calendar_text, correction_line, decision_note, method_word, pass_line_text, people,
    state_word, status_word, vote_line,
)
from selector.reports.numbers import pct

if TYPE_CHECKING:
    from selector.views import StageView

# One character a check, so five departments fit an 80-column terminal; the legend says it.
VERDICT = {"clear": "✓", "pending": "?", "concern": "!", "veto": "✗", None: "—"}
# A 民主测评 rule's mark says what it does, in the legend's signs: a pass rule ✓ met / ✗ missed;
# a strike rule met ✗, a concern rule met !; a strike or concern rule not met has no mark (a ✓
# there read as "passed" beside a rate that strikes, a ✗ as "struck" beside one that does not).
RULE_MARK = {("pass", True): " ✓", ("pass", False): " ✗", ("strike", True): " ✗", ("concern", True): " !"}
LEGEND = N_("✓ clear · ? pending (核查中) · ! concern · ✗ veto · — missing")
EFFECT = {"pass": N_("pass"), "strike": N_("strikes"), "concern": N_("concern")}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
SETTLED = {"keep": N_("kept"), "strike": N_("struck")}
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
        line += " · " + _("民主测评 {scale}: {rules} (of the papers that graded the candidate)").format(
            scale="/".join(ev["scale"]), rules=_(", ").join(
                f"{r['rule']} ({_(EFFECT[r['effect']])})" for r in ev.get("rules", ())))
    line += " · " + (_("递补 by decision") if view["backfill"] else _("backfill off"))
    console.print(Text(line))
    # Long check names (凡提四必) are numbered in the table's heading so it fits 80 columns.
    numbered_checks = sum(len(c) for c in view["checks"]) > 12
    headings = [CIRCLED[i] if numbered_checks and i < len(CIRCLED) else c for i, c in enumerate(view["checks"])]
    if numbered_checks:
        console.print(Text(" ".join(f"{h} {c}" for h, c in zip(headings, view["checks"]))))
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
        for col in headings:
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
                cells.append(f"{e['top']}/{e['graded']} = {pct(e['rate'])}" if e and e["graded"] else "—")
            mark = []
            if r["struck"]:
                mark.append(_("STRUCK ({by})").format(by=_(", ").join(r["struck_by"])))
            if r["backfilled"]:
                mark.append("递补")
            if r.get("proposed"):
                mark.append(_("proposed for 递补"))
            if r.get("pending") and not r["struck"]:
                mark.append(_("核查中 {checks}").format(checks=_(", ").join(r["pending"])))
            settled = r.get("settled")
            if settled and settled["decision"] == "keep":
                mark.append(_(SETTLED["keep"]))  # the concerns and the reason are under the table
            elif r.get("concerns") and not r["struck"] and not settled:
                mark.append(_("concern to decide ({checks})").format(checks=_(", ").join(r["concerns"])))
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
        if ev and any(r["evaluation"] and r["evaluation"]["papers"] for r in post["results"]):
            console.print(_evaluation(ev, post["results"]))
        for r in post["results"]:
            for check, note in r["notes"].items():
                console.print(Text(f"  {r['candidate']} {check}: {note}"))
            if r.get("settled"):  # the decision's reason under the table, as the findings' notes
                d = r["settled"]
                console.print(Text("  " + _("{id} decided ({decision}, {concerns}): {reason}").format(
                    id=r["candidate"], decision=_(SETTLED[d["decision"]]), concerns=_(", ").join(d["concerns"]),
                    reason=d["reason"])))
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
        elif post.get("held") and post.get("proposed"):
            note += " · " + _("递补 proposed: {names} (the cut records the decision)").format(
                names=people(post["proposed"], names))
        note += decision_note(post)
        console.print(Text(note, style="bold red" if status in ("tied", "short", "unfilled") else None))
    console.print(_(LEGEND))
    if view.get("missing"):
        console.print()
        console.print(Text(_("missing before the cut: {n} candidate(s)").format(n=len(view["missing"])),
                           style="bold"))
        for cid, what in view["missing"].items():
            console.print(Text(f"  {cid}: {_(', ').join(what)}"))
    for key, heading in (("pending", N_("核查中 before the cut: {n} candidate(s)")),
                         ("concerns", N_("concerns to decide before the cut: {n} candidate(s)"))):
        if view.get(key):
            console.print()
            console.print(Text(_(heading).format(n=len(view[key])), style="bold"))
            for cid, what in view[key].items():
                console.print(Text(f"  {cid}: {_(', ').join(what)}"))


def notice(console: Console, view: StageView) -> None:
    """The notice period, each appointee's outcome and the complaints."""
    _head(console, view)
    n = view["notice"]
    if n["start"]:
        console.print(Text(_("notice {start} → {end} ({days} working days, {calendar})").format(
            start=n["start"], end=n["end"], days=n["working_days"], calendar=calendar_text(n["calendar"]))))
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
    """测评汇总: grade counts per candidate and each rule's share, over the papers that graded
    the candidate (printed as "graded by N of M papers": blank, 不了解, 废 and void do not count)."""
    rows = [r for r in results if r["evaluation"] and r["evaluation"]["papers"]]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="民主测评 " + "/".join(ev["scale"]))
    rules = ev.get("rules", ())
    # a rule's column is headed by its grades (the full rules are in the stage's header line)
    for col in (_("name"), _("grades"), _("graded by"), *(r["rule"].split(" ")[0] for r in rules)):
        table.add_column(col, justify="left" if col == _("name") else "right", overflow="fold")
    for r in rows:
        e = r["evaluation"]
        shares = [f"{x['count']}/{x['of']} {pct(x['share'])}" + RULE_MARK.get((x.get("effect"), x["met"]), "")
                  for x in e.get("rules", ())]
        table.add_row(Text(r["name"]), "/".join(str(e["counts"][g]) for g in ev["scale"]),
                      _("{graded} of {papers}").format(graded=e["graded"], papers=e["papers"]), *shares)
    return table


def decide(console: Console, view: StageView) -> None:
    """讨论决定: the members and the rule, each sitting, each post's votes and its outcome."""
    _head(console, view)
    rule = view["rule"]
    members = view.get("members")
    line = _("members {n}").format(n=view["attendance"]["members"])
    if members:
        line += " (" + _(", ").join(members) + ")"
    op, _space, fraction = rule["quorum"].partition(" ")
    line += " · " + _("quorum {quorum} · re-votes allowed {revotes}, then {after}").format(
        quorum=f"{_(OPERATORS[op])} {fraction}" if op in OPERATORS else rule["quorum"], revotes=rule["revotes"],
        after=_("unfilled") if rule["after_revotes"] == "unfilled" else _("referred back"))
    if "ratio" in rule:
        line += " · " + _("chooses {n} × seats per post (1:{n})").format(n=rule["ratio"])
    console.print(Text(line))
    for s in view.get("sittings", ()):
        console.print(Text(_("sitting {n}: {date} · present {present} · {method} · {file}").format(
            n=s["number"], date=s["date"], present=s["present"], method=method_word(s["method"]), file=s["file"])))
    for post in view["posts"]:
        console.print()
        console.print(Text(_("{post} {title} · seats {seats}").format(post=post["post"], title=post["title"],
                                                                       seats=post["seats"]), style="bold"))
        if "pass_line" in post:
            console.print(Text(pass_line_text(post["pass_line"])))
        if not post["results"]:
            console.print(_("nobody on the list"))
        for v in post.get("votes", ()):
            console.print(Text("  " + vote_line(v, view["kind"])))
        names = {r["candidate"]: r["name"] for r in post["results"]}
        status = post.get("status")
        note = status_word(status)
        pending = post.get("pending")
        if pending:
            note += " · " + _("next sitting votes on {names} for {slots}").format(
                names=people(pending["ballot"], names), slots=pending["slots"])
        if post.get("advanced") is not None:
            note += " · " + _("decided: {names}").format(names=people(post["advanced"], names) or _("nobody"))
        elif post.get("decided"):
            chosen = [r["candidate"] for r in post["results"] if r.get("chosen")]
            note += " · " + _("chosen: {names}").format(names=people(chosen, names) or _("nobody")) \
                + " · " + _("not locked")
        note += decision_note(post)
        if note:
            console.print(Text(note, style="bold red" if status in ("deferred", "revote", "short", "unfilled")
                               else None))

