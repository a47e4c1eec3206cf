"""The inspection command: findings and 民主测评 ballots for an inspect stage."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from selector.i18n import N_, _

from selector.cli.base import command, console, open_round, show_view


@command(name="inspect", help=N_(
    "Record inspection findings (clear / concern / veto) and 民主测评 ballots, then show the stage.\n"
    "\n"
    "Example: selector inspect inspect examples/haimen-2011/findings.csv examples/haimen-2011/evaluation.csv"))
def inspect(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Inspect stage id, e.g. inspect.")),
    files: List[Path] = typer.Argument(..., help=N_("Findings files (candidate, check, verdict, note) "
                                                 "and/or 民主测评 ballot files (ballot, one column per candidate).")),
    encoding: Optional[str] = typer.Option(None, "--encoding", help=N_("Override detection (utf-8, gb18030).")),
    sheet: Optional[str] = typer.Option(None, "--sheet", help=N_("XLSX sheet (default: the one visible sheet holding data).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    from selector.service.stages.inspect import InspectStage

    handler = open_round(ctx).expect(stage, InspectStage)
    recorded = handler.record(files, encoding=encoding, sheet=sheet)
    if as_json:
        show_view(handler.view(), as_json, {"recorded": recorded})
        return
    out = console()
    for r in recorded:
        if r["kind"] == "findings":
            what = _("{n} findings").format(n=r["findings"])
            if r["vetoes"]:
                what += _(", vetoes: {vetoes}").format(vetoes=_(", ").join(r["vetoes"]))
        else:
            what = _("{n} 民主测评 ballots ({void} void)").format(n=r["ballots"], void=r["void"])
        out.print(_("recorded: {file} · {what} · {encoding} · sha256 {sha}").format(
            file=r["file"], what=what, encoding=r["encoding"], sha=r["sha256"][:12] + "…"))
    show_view(handler.view(), as_json)
