"""The inspection command: findings and 民主测评 ballots for an inspect stage."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from selector.i18n import N_, _

from selector.cli.base import command, console, open_round, show_view


@command(name="inspect", help=N_(
    "Record inspection findings (clear / pending / concern / veto) and 民主测评 ballots, then show the stage.\n"
    "\n"
    "Example: selector inspect inspect examples/haimen-2011/findings.csv\n"
    "         selector inspect inspect 测评-三厂镇.csv --unit 三厂镇机关 --expected 42 --present 40\n"
    "Decide a concern: selector inspect inspect --keep C087 --reason \"经核查问题已整改，部务会研究同意继续考察\"\n"
    "Correct: selector inspect inspect 纪检更正.csv --replace --reason \"纪检意见误录\"\n"
    "         selector inspect inspect --withdraw C03/信访 --reason \"误录\""))
def inspect(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Inspect stage id, e.g. inspect.")),
    files: Optional[List[Path]] = typer.Argument(
        None, help=N_("Findings files (candidate, check, verdict, note) and/or 民主测评 ballot files "
                   "(ballot, one column per candidate).")),
    encoding: Optional[str] = typer.Option(None, "--encoding", help=N_("Override detection (utf-8, gb18030).")),
    sheet: Optional[str] = typer.Option(None, "--sheet", help=N_("XLSX sheet (default: the one visible sheet holding data).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
    replace: bool = typer.Option(False, "--replace", help=N_("更正: the file's findings replace the stored "
                                                          "ones for the same candidate and check (--reason).")),
    withdraw: Optional[str] = typer.Option(None, "--withdraw", help=N_("更正: take back a file (number or name) "
                                                                    "or a finding (CANDIDATE/CHECK), with --reason.")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("Why (recorded with a correction).")),
    unit: Optional[str] = typer.Option(None, "--unit", help=N_("民主测评: the unit where the evaluation was held "
                                                               "(with --expected and --present).")),
    expected: Optional[int] = typer.Option(None, "--expected", min=0, help=N_("民主测评: 应到, people who should "
                                                                             "take part.")),
    present: Optional[int] = typer.Option(None, "--present", min=0, help=N_("民主测评: 实到, people who took "
                                                                           "part.")),
    keep: List[str] = typer.Option([], "--keep", help=N_("Decide a concern: the candidate (id or name) goes on, "
                                                         "with --reason; repeatable.")),
    strike: List[str] = typer.Option([], "--strike", help=N_("Decide a concern: the candidate (id or name) is "
                                                             "struck, with --reason; repeatable.")),
) -> None:
    from selector.errors import CorrectionAlone, InputsRequired, ReasonWithoutCorrection
    from selector.service.stages.inspect import InspectStage

    handler = open_round(ctx).expect(stage, InspectStage)
    if keep or strike:
        if files or replace or withdraw is not None:
            raise CorrectionAlone("--keep" if keep else "--strike", tuple(
                n for n, v in (("FILE", files), ("--replace", replace), ("--withdraw", withdraw)) if v))
        decided = [(w, "keep") for w in keep] + [(w, "strike") for w in strike]
        done = handler.settle(decided, reason)
        if as_json:
            show_view(handler.view(), as_json, {"settled": done})
            return
        for d in done:
            console().print((_("decided: {candidate} goes on ({concerns}) · reason: {reason}")
                             if d["decision"] == "keep" else
                             _("decided: {candidate} is struck ({concerns}) · reason: {reason}")).format(
                candidate=d["candidate"], concerns=_(", ").join(d["concerns"]), reason=d["reason"]),
                markup=False, highlight=False)
        show_view(handler.view(), as_json)
        return
    if withdraw is not None:
        if files or replace:
            raise CorrectionAlone("--withdraw", tuple(n for n, v in (("FILE", files), ("--replace", replace)) if v))
        done = handler.withdraw(withdraw, reason)
        if as_json:
            show_view(handler.view(), as_json, {"withdrawn": done})
            return
        if "file" in done:
            what = _("file {number} {file} · {findings} findings, {ballots} 民主测评 ballots").format(
                number=done["number"], file=done["file"], findings=len(done["findings"]), ballots=done["ballots"])
        else:
            f = done["finding"]
            what = _("finding {candidate}/{check} ({verdict})").format(candidate=f["candidate"], check=f["check"],
                                                                       verdict=f["verdict"])
        console().print(_("withdrawn: {what} · reason: {reason}").format(what=what, reason=done["reason"]),
                        markup=False, highlight=False)
        show_view(handler.view(), as_json)
        return
    if not files:
        raise InputsRequired("inspect", stage)
    if reason is not None and not replace:
        raise ReasonWithoutCorrection(("--replace", "--withdraw"))
    recorded = handler.record(files, encoding=encoding, sheet=sheet, replace=replace, reason=reason, unit=unit,
                              expected=expected, present=present)
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
            if r.get("unit"):
                what += _(" · {unit}: 应到 {expected}, 实到 {present}").format(unit=r["unit"], expected=r["expected"],
                                                                             present=r["present"])
        out.print(_("recorded: {file} · {what} · {encoding} · sha256 {sha}").format(
            file=r["file"], what=what, encoding=r["encoding"], sha=r["sha256"][:12] + "…"))
    show_view(handler.view(), as_json)
