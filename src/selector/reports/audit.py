"""Rich output for the record: the log, certificates, samples and hand-check comparisons."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selector.domain.model import natural
from selector.i18n import N_, _
from selector.reports.common import when


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
    console.print(Text(_("{round} · {title} · record (纪实), {n} events").format(round=round_id, title=title,
                                                                              n=len(events)), style="bold"))
    for e in events:
        console.print()
        stage = f" {e['stage']}" if e["stage"] else ""
        marked = _("更正 correction · ") if e.get("correction") else ""  # listed apart from ordinary steps
        console.print(Text(f"#{e['id']} {when(e['at'])} · {e['operator']} · {marked}{e['command']}{stage} · "
                           + _("hash {hash}").format(hash=e["hash"][:12] + "…"), style="bold"))
        for line in details_text(e["details"]).splitlines():
            console.print(Text(f"    {line}"))
        for name, sha in e["files"].items():
            console.print(Text("    " + _("file {name} sha256 {sha}").format(name=name, sha=sha)))
    if events:
        console.print()
        corrections = [e for e in events if e.get("correction")]
        if corrections:
            console.print(Text(_("corrections (更正): {n} — {events}").format(
                n=len(corrections), events=", ".join(f"#{e['id']} {e['command']}" for e in corrections))))
        console.print(_("head of the chain: {hash}").format(hash=events[-1]["hash"]))


def certificate(console: Console, cert: dict) -> None:
    console.print(Text(_("stage {stage} certified at {at}").format(stage=cert["stage"], at=when(cert["at"])),
                       style="bold"))
    console.print(Text(_("tellers (计票人): {names}").format(names=_(", ").join(cert["tellers"]))))
    console.print(Text(_("scrutineers (监票人): {names}").format(names=_(", ").join(cert["scrutineers"]))))
    console.print(_("{batches} batches · {returned} ballots returned · results sha256 {sha}").format(
        batches=cert["batches"], returned=cert["returned"], sha=cert["results_sha256"]))
    # one line, never wrapped: the hash is copied onto the signed sheet and given to --head
    console.print(_("record hash (write it on the signed sheet): {hash}").format(hash=cert["hash"]), soft_wrap=True)


def sample(console: Console, drawn: dict) -> None:
    console.print(Text(_("stage {stage} · {n} of {of} papers to pull · seed {seed!r}").format(
        stage=drawn["stage"], n=len(drawn["ballots"]), of=drawn["of"], seed=drawn["seed"]), style="bold"))
    console.print(Text(_("how: {algorithm}").format(algorithm=_(drawn["algorithm"]))))
    if drawn["count"] > drawn["of"]:
        console.print(_("only {n} papers were tallied: all are listed").format(n=drawn["of"]))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in (N_("#"), N_("ballot"), N_("batch file"), N_("sha256 key")):
        table.add_column(_(col))
    for d in drawn["ballots"]:
        table.add_row(str(d["order"]), d["ballot"], d["file"], d["key"][:16] + "…")
    console.print(table)
    console.print(_("in number order: {ballots}").format(
        ballots=", ".join(sorted((d["ballot"] for d in drawn["ballots"]), key=natural))))


def comparison(console: Console, result: dict) -> None:
    diffs = result["differences"]
    console.print(Text(_("stage {stage} · {file} · {n} papers checked by hand · {d} differences").format(
        stage=result["stage"], file=result["file"], n=result["ballots"], d=len(diffs)), style="bold"))
    if not diffs:
        console.print(_("every hand-read paper matches the tally"))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in (N_("ballot"), N_("cell"), N_("as tallied"), N_("hand count")):
        table.add_column(_(col))
    for d in diffs:
        table.add_row(d["ballot"], d["cell"], d["tallied"], d["hand"])
    console.print(table)
