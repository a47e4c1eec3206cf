"""Rich tables for inspect and notice stages, drawn from their handlers' views."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selector.reports.numbers import pct
from selector.reports.common import STATUS_TEXT, correction_line, decision_note

# One character a check, so five departments fit an 80-column terminal; the legend says it.
VERDICT = {"clear": "✓", "concern": "!", "veto": "✗", None: "—"}
LEGEND = "✓ clear · ! concern · ✗ veto · — missing"
OUTCOME = {"confirmed": "confirmed", "dropped": "DROPPED (serious)", "pending": "pending"}


def _head(console: Console, view: dict) -> None:
    head = f"{view['round']} · {view['stage']} {view['title']} · {view['state']}"
    console.print(Text(head, style="bold"))
    for c in view.get("corrections", ()):
        console.print(Text(correction_line(c)))
    if view.get("waiting"):
        console.print(view["waiting"])


def inspect(console: Console, view: dict) -> None:
    """Each post's candidates: rank, sign-offs, 民主测评 (counts, rate, denominator), struck."""
    _head(console, view)
    ev = view.get("evaluation")
    console.print(f"checks: {', '.join(view['checks']) or 'none'}"
                  + (f" · 民主测评 {'/'.join(ev['scale'])}, pass: {'+'.join(ev['top'])} {ev['pass']} "
                     "of valid ballots" if ev else "")
                  + f" · backfill {'on' if view['backfill'] else 'off'}")
    numbered = view.get("stage_files") or ()
    if len(numbered) > 1 or any(f["withdrawn"] for f in numbered):
        console.print("files: " + " · ".join(f"{f['number']} {f['file']}" + (" withdrawn" if f["withdrawn"] else "")
                                             for f in numbered))
    for post in view["posts"]:
        console.print()
        console.print(Text(f"{post['post']} {post['title']} · seats {post['seats']}"
                           + (f" · list {post['k']}" if "k" in post else ""), style="bold"))
        if not post["results"]:
            console.print("nobody on the list")
            continue
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("rank", "id", "name"):
            table.add_column(col, no_wrap=True)
        for col in view["checks"]:
            table.add_column(col, justify="center", no_wrap=True)
        if ev:
            table.add_column("民主测评", no_wrap=True)
        table.add_column("", overflow="fold")
        for r in post["results"]:
            cells = [str(r["rank"] or ""), r["candidate"], r["name"]]
            cells += [VERDICT[r["checks"][c]] for c in view["checks"]]
            if ev:
                e = r["evaluation"]
                cells.append(f"{e['top']}/{e['valid']} = {pct(e['rate'])}" if e and e["valid"] else "—")
            mark = []
            if r["struck"]:
                mark.append("STRUCK (" + ", ".join(r["struck_by"]) + ")")
            if r["backfilled"]:
                mark.append("递补")
            if r["tied"]:
                mark.append("＝ tied")
            if r["missing"] and not r["struck"] and not r["tied"]:
                mark.append("missing " + ", ".join(r["missing"]))
            if post["advanced"] and r["candidate"] in post["advanced"]:
                mark.append("✓")
            cells.append(" · ".join(mark))
            table.add_row(*cells, style="red" if r["struck"] else ("yellow" if r["tied"] else None))
        console.print(table)
        if ev and any(r["evaluation"] and r["evaluation"]["valid"] for r in post["results"]):
            console.print(_evaluation(ev, post["results"]))
        for r in post["results"]:
            for check, note in r["notes"].items():
                console.print(f"  {r['candidate']} {check}: {note}")
        status = post.get("status")
        note = STATUS_TEXT.get(status, status or "")
        if post.get("advanced") is not None:
            note += f" · advanced: {', '.join(post['advanced']) or 'nobody'}"
        elif post.get("would_advance") is not None:
            note += f" · would advance: {', '.join(post['would_advance']) or 'nobody'} (not locked)"
        if post.get("tie"):
            t = post["tie"]
            note += f" · backfill tie among {', '.join(t['tied'])} for {t['slots']}"
        note += decision_note(post)
        console.print(Text(note, style="bold red" if status in ("tied", "short", "unfilled") else None))
    console.print(LEGEND)
    if view.get("missing"):
        console.print()
        console.print(Text(f"missing before the cut: {len(view['missing'])} candidate(s)", style="bold"))
        for cid, what in view["missing"].items():
            console.print(f"  {cid}: {', '.join(what)}")


def notice(console: Console, view: dict) -> None:
    """The notice period, each appointee's outcome and the complaints."""
    _head(console, view)
    n = view["notice"]
    if n["start"]:
        console.print(f"notice {n['start']} → {n['end']} ({n['working_days']} working days, "
                      f"{n['calendar']})")
        if n.get("warning"):
            console.print(Text(f"warning: {n['warning']}", style="yellow"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("post", "id", "name", "outcome", "complaints"):
        table.add_column(col)
    for post in view["posts"]:
        if not post["results"]:
            table.add_row(post["post"], "", "", "unfilled", "")
        for r in post["results"]:
            outcome = OUTCOME[r["outcome"]] + (f" until {r['until']}" if r["until"] else "")
            table.add_row(post["post"], r["candidate"], r["name"], outcome,
                          ", ".join(f"#{c}" for c in r["complaints"]))
    console.print(table)
    if n["complaints"]:
        ct = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="complaints")
        for col in ("#", "received", "candidate", "from", "summary", "outcome", "note"):
            ct.add_column(col)
        for c in n["complaints"]:
            ct.add_row(str(c["number"]), c["received"], f"{c['candidate']} {c['name']}",
                       "named" if c["named"] else "anonymous", c["summary"],
                       (c["outcome"] or "OPEN") + (f" until {c['until']}" if c["until"] else ""),
                       c["note"] or "")
        console.print(ct)
    if any(p.get("advanced") is not None for p in view["posts"]):
        for post in view["posts"]:
            status = post["status"]
            console.print(f"{post['post']} {post['title']}: {STATUS_TEXT.get(status, status)} · "
                          f"confirmed: {', '.join(post['advanced']) or 'nobody'}",
                          style="bold red" if status in ("unfilled", "short") else None)


def _evaluation(ev: dict, results: list[dict]) -> Table:
    """测评汇总: grade counts per candidate, with the valid ballots the rate is taken over."""
    rows = [r for r in results if r["evaluation"] and (r["evaluation"]["valid"] or r["evaluation"]["void"])]
    unclear = any(r["evaluation"]["invalid"] for r in rows)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="民主测评")
    # The top grades are named in the stage's header line ("pass: 优秀+称职 >= 2/3 …").
    for col in ("name", "/".join(ev["scale"]), "blank", *(("unclear",) if unclear else ()),
                "void", "valid", "rate"):
        table.add_column(col, no_wrap=True, justify="left" if col == "name" else "right")
    for r in rows:
        e = r["evaluation"]
        table.add_row(r["name"], "/".join(str(e["counts"][g]) for g in ev["scale"]),
                      str(e["blank"]), *((str(e["invalid"]),) if unclear else ()), str(e["void"]),
                      str(e["valid"]), f"{e['top']}/{e['valid']} = {pct(e['rate'])}")
    return table
