"""Ballot-stage commands: tally, show, cut."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from selector.i18n import N_, _

from selector.cli import ballot_stage
from selector.cli.base import command, echo_json, open_round, show_view
from selector.cli.plain import draw
from selector.errors import CorrectionAlone, InputsRequired, ReasonWithoutCorrection, UsageError


class Layout(str, Enum):
    """How a ballot file is laid out."""

    wide = "wide"
    long = "long"


@command(name="tally", help=N_(
    "Validate and record ballot batches, then print the tally; or withdraw a batch (更正).\n"
    "\n"
    "Example: selector tally rec1 examples/haimen-2011/rec1.csv --present 400 --issued 400\n"
    "Correct: selector tally rec1 --withdraw 2 --reason \"第二计票组重复录入\""))
def tally(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id, e.g. rec1.")),
    files: Optional[List[Path]] = typer.Argument(None, help=N_("Ballot files (CSV or XLSX), one batch each.")),
    present: Optional[int] = typer.Option(None, "--present", min=0, help=N_("实到: members present (first batch).")),
    issued: Optional[int] = typer.Option(None, "--issued", min=0, help=N_("发出票: ballots issued (first batch).")),
    dry_run: bool = typer.Option(False, "--dry-run", help=N_("Check and count, store nothing.")),
    layout: Layout = typer.Option(Layout.wide, "--layout", help=N_("wide (a column per post) or long (a row per mark).")),
    encoding: Optional[str] = typer.Option(None, "--encoding", help=N_("Override detection (utf-8, gb18030).")),
    sheet: Optional[str] = typer.Option(None, "--sheet", help=N_("XLSX sheet (default: the one visible sheet holding data).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
    check_against: Optional[Path] = typer.Option(
        None, "--check-against", help=N_("双人录入: a second keying of the same papers; nothing is "
                                      "recorded unless the two agree cell by cell.")),
    withdraw: Optional[str] = typer.Option(
        None, "--withdraw", help=N_("更正: take a batch (number or file name, as `show` lists them) out "
                                 "of the count, with --reason; allowed until the cut is locked.")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("Why (recorded with a correction).")),
    totals: Optional[Path] = typer.Option(
        None, "--totals", help=N_("Record the stage from the totals counted at the meeting (or a 谈话调研推荐's "
                                  "counts): a table of post, candidate, count; no papers.")),
    returned: List[str] = typer.Option(
        [], "--returned", "--talked", help=N_("With --totals: 收回票, or for a talk 实谈 (those talked to): N, or "
                                              "CATEGORY=N for each category.")),
) -> None:
    from selector.reports import terminal
    from selector.service.stages.ballots import BallotStage

    open_ = open_round(ctx)
    handler = open_.expect(stage, BallotStage)
    if totals is not None or returned:
        if withdraw is None:
            return _tally_totals(handler, totals, files, returned, present, issued, dry_run, encoding, sheet,
                                 check_against, as_json)
    if withdraw is not None:
        given = [name for name, value in (("FILE", files), ("--check-against", check_against is not None),
                                          ("--dry-run", dry_run), ("--present", present is not None),
                                          ("--issued", issued is not None), ("--totals", totals is not None),
                                          ("--returned", bool(returned))) if value]
        if given:
            raise CorrectionAlone("--withdraw", tuple(given))
        done = handler.withdraw(withdraw, reason)
        view = handler.view()
        if as_json:
            echo_json({**view, "withdrawn": done})
        else:
            show_view(view, False, before=_(
                "withdrawn: batch {batch} {file} · {ballots} ballots · returned {before} → {after} · "
                "reason: {reason}").format(batch=done["batch"], file=done["file"], ballots=done["ballots"],
                                           before=done["returned_before"], after=done["returned"],
                                           reason=done["reason"]))
        return
    if not files:
        raise InputsRequired("tally", stage)
    if reason is not None:
        raise ReasonWithoutCorrection(("--withdraw",))
    checked = None
    if check_against is not None:
        from selector.audit.spot import double_entry

        if len(files) != 1:
            raise UsageError("--check-against compares one file with its second keying: give one FILE")
        checked = double_entry(open_, stage, files[0], check_against, layout=layout.value,
                               encoding=encoding, sheet=sheet)
    view, result = ballot_stage.tally_files(handler, files, present=present, issued=issued, dry_run=dry_run,
                                        layout=layout.value, encoding=encoding, sheet=sheet, checked=checked,
                                        as_json=as_json)
    if as_json:
        echo_json({**view, "batches": result.batches, "dry_run": dry_run})
    else:
        draw(terminal.tally, view, result)


def _counted(values: List[str]) -> dict[str | None, int]:
    """--returned/--talked: N, or CATEGORY=N (repeatable) → category (None: all) → number."""
    out: dict[str | None, int] = {}
    for value in values:
        name, sep, number = value.rpartition("=") if "=" in value else ("", "", value)
        key = name.strip() if sep else None
        number = number.strip()
        if not number.isdigit() or not number.isascii() or len(number) > 9 or (sep and not key):
            raise UsageError("--returned/--talked expects N or CATEGORY=N, got {value!r}", value=value)
        if key in out:
            raise UsageError("--returned/--talked gives {category} twice", category=key or "N")
        out[key] = int(number)
    return out


def _tally_totals(handler, totals, files, returned, present, issued, dry_run, encoding, sheet, check_against,
                  as_json) -> None:
    """`tally STAGE --totals FILE`: the stage recorded from counts, then the tally printed."""
    from selector.reports import terminal

    if totals is None:
        raise UsageError("--returned/--talked go with --totals FILE")
    if files:
        raise UsageError("--totals FILE records the stage from counts: give no ballot files beside it")
    if check_against is not None:
        raise UsageError("--check-against compares two keyings of ballot papers; totals have none")
    result = handler.tally_totals(totals, returned=_counted(returned), present=present, issued=issued,
                                  dry_run=dry_run, encoding=encoding, sheet=sheet)
    view = handler.view(counted=result.count if dry_run else None)
    if dry_run:
        view["attendance"].update(present=result.present, issued=result.issued, returned=result.count.returned)
    if as_json:
        echo_json({**view, "batches": result.batches, "dry_run": dry_run})
    else:
        draw(terminal.tally, view, result)


@command(name="show", help=N_(
    "The stage's tally, ranking and cut, with the cut line and ties marked.\n"
    "\n"
    "Example: selector show rec2"))
def show(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    show_view(open_round(ctx).handler(stage).view(), as_json)


def _resolutions(values: List[str], option: str = "--resolve") -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for value in values:
        post, sep, ids = value.partition("=")
        chosen = tuple(i.strip() for i in ids.replace("，", ",").split(",") if i.strip())
        if not sep or not post.strip() or not chosen:
            raise UsageError("{option} expects POST=ID[,ID…], got {value!r}", option=option, value=value)
        if post.strip() in out:
            raise UsageError("{option} gives {post} twice", option=option, post=post.strip())
        out[post.strip()] = chosen
    return out


@command(name="cut", help=N_(
    "Make and lock the stage's shortlist; held posts (ties, shortfalls) lock nothing.\n"
    "\n"
    "Example: selector cut rec2 --resolve P07=C112 --reason \"常委会2011-06-02决定\"\n"
    "         selector cut inspect --backfill P14=C087 --reason \"部务会研究决定递补\"\n"
    "Correct: selector cut rec2 --reopen --reason \"第二批选票需撤回重计\""))
def cut(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id.")),
    resolve: List[str] = typer.Option([], "--resolve", help=N_("POST=ID,ID: who advances from a tie.")),
    accept_short: List[str] = typer.Option([], "--accept-short", help=N_("POST: go on with fewer than k.")),
    backfill: List[str] = typer.Option([], "--backfill", help=N_("POST=ID,ID: 递补 — who fills a struck "
                                                                 "candidate's place (inspect stages).")),
    no_backfill: List[str] = typer.Option([], "--no-backfill", help=N_("POST: no 递补 — the post goes on short "
                                                                       "(inspect stages).")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("The recorded reason for the decisions.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
    reopen: bool = typer.Option(False, "--reopen", help=N_("更正: re-open the locked cut, with --reason "
                                                        "(while no later stage depends on it).")),
) -> None:
    from selector.domain.cuts import Decisions

    open_ = open_round(ctx)
    if reopen:
        from selector.service.corrections import reopen as run_reopen

        if resolve or accept_short or backfill or no_backfill:
            raise CorrectionAlone("--reopen", tuple(n for n, v in (("--resolve", resolve),
                                                                  ("--accept-short", accept_short),
                                                                  ("--backfill", backfill),
                                                                  ("--no-backfill", no_backfill)) if v))
        done = run_reopen(open_, stage, reason)
        view = open_.handler(stage).view()
        if as_json:
            echo_json({**view, "reopened": done})
        else:
            show_view(view, False, after=_("cut of {stage} re-opened · reason: {reason}").format(
                stage=stage, reason=done["reason"]))
        return
    decisions = Decisions(_resolutions(resolve), tuple(accept_short), reason, _resolutions(backfill, "--backfill"),
                          tuple(no_backfill))
    ballot_stage.cut(open_, stage, decisions, lambda view, after=None: show_view(view, as_json, after=after))
