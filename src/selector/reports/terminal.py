"""Rich tables for people at a terminal, drawn from the views the stage handlers build."""

from __future__ import annotations

from fractions import Fraction

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selector.reports.common import STATUS_TEXT, correction_line, decision_note
from selector.reports.numbers import pct


def share_text(share: str) -> str:
    return f"{pct(share)} ({share})" if "/" in share else pct(share)


BAR_WIDTH = 12
# SIMPLE_HEAD, but a section break is drawn as a dashed rule: the cut line.
CUT_BOX = box.Box("    \n    \n ── \n    \n ┄┄ \n ── \n    \n    \n")


def bar(part: Fraction, mark: Fraction | None = None, width: int = BAR_WIDTH) -> str:
    """A horizontal bar for `part` (0..1) of `width` cells, rounded exactly; `mark` (0..1)
    inserts the pass line between cells, so a bar reaching past it has crossed it."""
    filled = min(width, round(Fraction(part) * width))
    text = "█" * filled + "·" * (width - filled)
    if mark is not None:
        at = min(width, round(Fraction(mark) * width))
        text = text[:at] + "┃" + text[at:]
    return text


def stage(console: Console, view: dict) -> None:
    """A stage's tally, ranking and cut, post by post, with the cut line drawn."""
    from selector.reports import stage_terminal

    renderer = {"inspect": stage_terminal.inspect, "notice": stage_terminal.notice}.get(view["kind"])
    if renderer is not None:  # one renderer per stage kind; ballot stages are drawn here
        return renderer(console, view)
    att = view.get("attendance")
    head = f"{view['round']} · {view['stage']} {view['title']} · {view['state']}"
    if view.get("certified"):
        head += " · certified"
    console.print(Text(head, style="bold"))
    if view.get("certified_by"):
        signed = view["certified_by"]
        console.print(f"certified {view['certified_at']} · tellers (计票人) {', '.join(signed['tellers'])}"
                      f" · scrutineers (监票人) {', '.join(signed['scrutineers'])}")
    for c in view.get("corrections", ()):
        console.print(Text(correction_line(c)))
    if len(view.get("stage_batches") or ()) > 1:  # one batch needs no number to be told apart
        console.print("batches: " + " · ".join(
            f"{b['batch']} {b['file']} ({b['ballots']})" + (" withdrawn" if b["withdrawn"] else "")
            for b in view["stage_batches"]))
    if att:
        who = "electorate" if "electorate" in att else "members"
        if att["present"] is None:
            console.print(f"{who} {att[who]} · attendance not given yet (with the first batch)")
        else:
            console.print(f"{who} {att[who]} · present {att['present']} · issued {att['issued']} · "
                          f"returned {att['returned']}")
    for post in view["posts"]:
        _post(console, view, post)


def _post(console: Console, view: dict, post: dict) -> None:
    ballots = post.get("ballots")
    title = f"{post['post']} {post['title']} · seats {post['seats']}"
    if "k" in post:
        title += f" · cut {post['k']}"
    console.print()
    console.print(Text(title, style="bold"))
    if ballots:
        console.print(f"valid {ballots['valid']} · void {ballots['void']} · blank {ballots['blank']}"
                      f" · invalid marks {post['invalid_marks']}")
    if "pass_line" in post:
        pl = post["pass_line"]
        console.print(f"pass line: {pl['rule']} of {pl['base']} ({pl['of']}) = {pl['votes']} votes")
    results = post["results"]
    if not results:
        console.print("no votes")
    else:
        console.print(_table(view, post, results))
    status = post.get("status")
    note = STATUS_TEXT.get(status, status or "")
    if post.get("advanced") is not None:
        note = f"{note} · advanced: {', '.join(post['advanced']) or 'nobody'}"
    elif status is not None and view["kind"] in ("recommend", "vote") and "k" in post:
        note = f"{note} · not locked"
    if post.get("tie"):
        tie = post["tie"]
        note += f" · tie at {tie['score']} among {', '.join(tie['tied'])} for {tie['slots']}"
    note += decision_note(post)
    if post.get("lot"):
        note += f" · lot seed {post['lot']['seed']!r} drew {', '.join(post['lot']['drawn'])}"
    if note:
        style = "bold red" if status in ("tied", "short", "unfilled") else None
        console.print(Text(note, style=style))


def _table(view: dict, post: dict, results: list[dict]) -> Table:
    approve = any(r["no"] is not None for r in results)
    ranked = "rank" in results[0]
    scored = ranked and any(r["score"] != r["share"] for r in results)  # scored over several stages
    table = Table(box=CUT_BOX, pad_edge=False)
    if ranked:
        table.add_column("rank", justify="right")
    table.add_column("id", no_wrap=True)
    # never squeeze the name: the label is what tells namesakes apart
    table.add_column("name", no_wrap=True, min_width=max(cell_len(r["name"]) for r in results))
    if approve:
        for col in ("yes", "no", "abstain", "invalid"):
            table.add_column(col, justify="right")
    else:
        table.add_column("votes", justify="right")
    table.add_column("share", justify="right", no_wrap=True)
    if scored:
        table.add_column("score", justify="right")
    if "pass_line" in post:
        table.add_column("pass", justify="left")
    table.add_column("", justify="left", no_wrap=True)  # the bar: share, or yes votes of the pass base
    table.add_column("", justify="left")
    advanced = set(post.get("advanced") or ())
    k = post.get("k")
    eligible_seen = 0
    for r in results:
        if ranked and k is not None and r.get("eligible") and eligible_seen == k and not r.get("tied"):
            table.add_section()
            k = None  # draw the cut line once
        if ranked and r.get("eligible"):
            eligible_seen += 1
        cells = [str(r["rank"])] if ranked else []
        cells += [r["candidate"], r["name"]]
        if approve:
            cells += [str(r["yes"]), str(r["no"]), str(r["abstain"]), str(r["invalid"])]
        else:
            cells.append(str(r["votes"]))
        cells.append(share_text(r["share"]))
        if scored:
            cells.append(share_text(r["score"]))
        if "pass_line" in post:
            cells.append("passed" if r["passed"] else f"needs {r['needs']} more")
        pl = post.get("pass_line")
        if pl and pl["of"]:
            cells.append(bar(Fraction(r["yes"], pl["of"]), Fraction(pl["votes"], pl["of"])))
        else:
            cells.append(bar(Fraction(r["share"])))
        mark = "✓" if r["candidate"] in advanced else ("＝ tied" if r.get("tied") else "")
        if ranked and not r.get("eligible"):
            mark = mark or "not eligible"
        cells.append(mark)
        table.add_row(*cells, style="yellow" if r.get("tied") else None)
    return table


def tally(console: Console, view: dict, result) -> None:
    """What a tally read, then the stage as it stands."""
    verb = "checked (dry run, nothing stored)" if result.dry_run else "recorded"
    for b in result.batches:
        console.print(f"{verb}: {b['file']} · {b['ballots']} ballots · {b['rows']} rows · {b['encoding']}"
                      f" · sha256 {b['sha256'][:12]}…")
    stage(console, view)


def status(console: Console, round_title: str, round_id: str, rows: list[dict]) -> None:
    console.print(Text(f"{round_id} · {round_title}", style="bold"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    # The title goes last and takes the width left over (80 columns fit a ten-character title).
    for col in ("#", "stage", "state", "batches", "returned", "attendance"):
        table.add_column(col, no_wrap=True, justify="right" if col in ("#", "batches", "returned") else "left")
    table.add_column("title")
    for i, r in enumerate(rows, start=1):
        att = f"{r['present']}/{r['issued']}" if r["present"] is not None else ""
        state = r["state"] + (" · certified" if r["certified"] else "")
        table.add_row(str(i), r["stage"], state, str(r["batches"]), str(r["returned"]), att, r["title"])
    console.print(table)
    nxt = next((r for r in rows if r["next"]), None)
    if nxt:
        console.print(Text(f"next: {nxt['next']}", style="bold"))
    else:
        console.print("every stage is locked: the round is complete")


def rounds(console: Console, rows: list[dict]) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("round", "title", "state", "stored", "last change"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["title"], r["state"], r["at"][:10], (r["last"] or "")[:19])
    console.print(table)
