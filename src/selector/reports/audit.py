"""Rich output for the record: the log, certificates, samples and hand-check comparisons."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selector.domain.model import natural


def details_text(details: dict) -> str:
    """An event's details as short `key: value` lines (long lists shortened)."""
    lines = []
    for key, value in details.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines.append(f"{key}: " + ", ".join(f"{k} {_short(v)}" for k, v in item.items()))
            continue
        if isinstance(value, dict):
            value = "; ".join(f"{k} {_short(v)}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(map(str, value[:20])) + (f" … ({len(value)})" if len(value) > 20 else "")
        lines.append(f"{key}: {_short(value)}")
    return "\n".join(lines)


def _short(value) -> str:
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12] + "…"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


def log(console: Console, round_id: str, title: str, events: list[dict]) -> None:
    """One block per event: a heading line, then its details and input files, indented."""
    console.print(Text(f"{round_id} · {title} · record (纪实), {len(events)} events", style="bold"))
    for e in events:
        console.print()
        stage = f" {e['stage']}" if e["stage"] else ""
        console.print(Text(f"#{e['id']} {e['at'].replace('T', ' ').replace('+00:00', ' UTC')} · "
                           f"{e['operator']} · {e['command']}{stage} · hash {e['hash'][:12]}…",
                           style="bold"))
        for line in details_text(e["details"]).splitlines():
            console.print(Text(f"    {line}"))
        for name, sha in e["files"].items():
            console.print(Text(f"    file {name} sha256 {sha}"))
    if events:
        console.print()
        console.print(f"head of the chain: {events[-1]['hash']}")


def certificate(console: Console, cert: dict) -> None:
    console.print(Text(f"stage {cert['stage']} certified at {cert['at']}", style="bold"))
    console.print(f"tellers (计票人): {', '.join(cert['tellers'])}")
    console.print(f"scrutineers (监票人): {', '.join(cert['scrutineers'])}")
    console.print(f"{cert['batches']} batches · {cert['returned']} ballots returned · "
                  f"results sha256 {cert['results_sha256']}")
    # one line, never wrapped: the hash is copied onto the signed sheet and given to --head
    console.print(f"record hash (write it on the signed sheet): {cert['hash']}", soft_wrap=True)


def sample(console: Console, drawn: dict) -> None:
    console.print(Text(f"stage {drawn['stage']} · {len(drawn['ballots'])} of {drawn['of']} papers "
                       f"to pull · seed {drawn['seed']!r}", style="bold"))
    console.print(f"how: {drawn['algorithm']}")
    if drawn["count"] > drawn["of"]:
        console.print(f"only {drawn['of']} papers were tallied: all are listed")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("#", "ballot", "batch file", "sha256 key"):
        table.add_column(col)
    for d in drawn["ballots"]:
        table.add_row(str(d["order"]), d["ballot"], d["file"], d["key"][:16] + "…")
    console.print(table)
    console.print("in number order: " + ", ".join(sorted((d["ballot"] for d in drawn["ballots"]), key=natural)))


def comparison(console: Console, result: dict) -> None:
    diffs = result["differences"]
    console.print(Text(f"stage {result['stage']} · {result['file']} · {result['ballots']} papers "
                       f"checked by hand · {len(diffs)} differences", style="bold"))
    if not diffs:
        console.print("every hand-read paper matches the tally")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("ballot", "cell", "tallied", "hand count"):
        table.add_column(col)
    for d in diffs:
        table.add_row(d["ballot"], d["cell"], d["tallied"], d["hand"])
    console.print(table)
