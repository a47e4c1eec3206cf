"""The record and its audit: certify, and `audit log | verify | sample | compare`."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import List, Optional

import typer

from selector import i18n
from selector.cli.base import app, command, console, echo_json, group, open_round, store
from selector.cli.ballots import Layout
from selector.errors import (
    AuditMismatch, CorrectionAlone, ReasonWithoutCorrection, SelectorError, UsageError,
)
from selector.i18n import N_, _, ngettext

audit_app = group(N_("The round's record (纪实): log, verify, sample ballots, compare a hand count."))
app.add_typer(audit_app, name="audit")


@command(name="certify", help=N_(
    "Sign a stage's count (计票人, 监票人); it takes no more batches from then on.\n"
    "\n"
    "Example: selector certify vote1 --teller 王芳 --scrutineer 李明 --scrutineer 赵强\n"
    "Correct: selector certify vote1 --revoke --reason \"第二批选票重复录入，需撤回重计\""))
def certify(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id.")),
    teller: List[str] = typer.Option([], "--teller", help=N_("计票人 who signs the count (repeat for each).")),
    scrutineer: List[str] = typer.Option([], "--scrutineer", help=N_("监票人 who signs (repeat for each).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
    revoke: bool = typer.Option(False, "--revoke", help=N_("更正: withdraw the certificate, with --reason, "
                                                        "so the count can be corrected and signed again.")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("Why (recorded with --revoke).")),
) -> None:
    from selector.reports import audit as render
    from selector.service.certify import certify as sign

    if revoke:
        from selector.service.certify import revoke as run_revoke

        if teller or scrutineer:
            raise CorrectionAlone("--revoke", tuple(n for n, v in (("--teller", teller),
                                                                  ("--scrutineer", scrutineer)) if v))
        done = run_revoke(open_round(ctx), stage, reason)
        if as_json:
            echo_json(done)
        else:
            console().print(_("certificate of {stage} (signed {at}) revoked · reason: {reason}").format(
                stage=done["stage"], at=done["certified_at"], reason=done["reason"]), markup=False, highlight=False)
        return
    if reason is not None:
        raise ReasonWithoutCorrection(("--revoke",))
    cert = sign(open_round(ctx), stage, teller, scrutineer)
    if as_json:
        echo_json(cert)
    else:
        render.certificate(console(), cert)


@command(audit_app, name="log", help=N_(
    "The round's full record (纪实), oldest first.\n"
    "\n"
    "Example: selector audit log --json > record.json"))
def log(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output."))) -> None:
    from selector.reports import audit as render

    from selector.storage.events import is_correction

    open_ = open_round(ctx)
    events = [{**e, "correction": True} if is_correction(e) else e for e in open_.store.events(open_.id)]
    if as_json:
        echo_json({"round": open_.id, "events": events})
    else:
        render.log(console(), open_.id, open_.round.title, events)


@command(audit_app, name="verify", help=N_(
    "Re-check the log's hash chain, recount every stage from the stored ballots and\n"
    "compare with the stored results and cuts (inspection findings and the notice too); with\n"
    "--files, re-hash the ballot and inspection files. Record hashes kept outside the database\n"
    "(--head, and the witness file DB.witness when there is one) must be in the chain: they\n"
    "catch a record cut short or rewritten whole, which the database alone cannot show.\n"
    "Exit 0 when all holds, 3 naming every difference.\n"
    "\n"
    "Example: selector audit verify --files archive/2011/ --head archive/2011/selector.db.witness"))
def verify(
    ctx: typer.Context,
    files: Optional[Path] = typer.Option(None, "--files", help=N_("Folder holding the original ballot and inspection files to re-hash.")),
    head: List[str] = typer.Option([], "--head", help=N_("A record hash kept outside the database (the "
                                   "one certify printed for the signed sheet, or a head an earlier "
                                   "verify printed), or a file of them such as a copy of the witness "
                                   "file; repeat for several. Each must be in the chain.")),
) -> None:
    from selector.audit.verify import verify as run
    from selector.cli.messages import verify_summary

    opened = store(ctx)
    _speak_the_rounds_language(opened, ctx.obj.round)
    typer.echo(verify_summary(run(opened, ctx.obj.round, files, head)))


def _speak_the_rounds_language(opened, round_id) -> None:
    """The round's locale for `audit verify`, which checks the round rather than opening it;
    a round that no longer reads keeps the environment's language."""
    from selector.service.rounds import load_round

    try:
        i18n.for_round(load_round(opened, round_id).locale)
    except (SelectorError, sqlite3.Error, KeyError, TypeError, ValueError, AttributeError):  # verify says what is wrong
        pass


@command(audit_app, name="sample", help=N_(
    "A reproducible list of paper ballots to pull from the box for a hand check.\n"
    "\n"
    "Each tallied ballot number B is ranked by SHA-256 of \"SEED/STAGE/B\"; the lowest N are drawn.\n"
    "Example: selector audit sample rec1 --seed 3-6-1-4-2-5 --count 20"))
def sample(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id.")),
    seed: str = typer.Option(..., "--seed", help=N_("Public seed, e.g. the dice rolls read out at the meeting.")),
    count: int = typer.Option(..., "--count", min=1, help=N_("How many papers to draw.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    from selector.audit.spot import sample as draw
    from selector.reports import audit as render

    if not seed.strip():
        raise UsageError("--seed must not be empty: use the public dice rolls, e.g. --seed 3-6-1-4-2-5")
    drawn = draw(open_round(ctx), stage, seed, count)
    if as_json:
        echo_json(drawn)
    else:
        render.sample(console(), drawn)


@command(audit_app, name="compare", help=N_(
    "Compare hand-read ballots with what was tallied; exit 3 listing every difference.\n"
    "\n"
    "Example: selector audit compare rec1 handcheck.csv"))
def compare(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id.")),
    file: Path = typer.Argument(..., help=N_("The hand-read ballots, in the tally's format.")),
    layout: Layout = typer.Option(Layout.wide, "--layout", help=N_("wide or long, as for tally.")),
    encoding: Optional[str] = typer.Option(None, "--encoding", help=N_("Override detection (utf-8, gb18030).")),
    sheet: Optional[str] = typer.Option(None, "--sheet", help=N_("XLSX sheet (default: the one visible sheet holding data).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    from selector.audit.spot import compare as check
    from selector.reports import audit as render

    result = check(open_round(ctx), stage, file, layout=layout.value, encoding=encoding, sheet=sheet)
    if as_json:
        echo_json(result)
    else:
        render.comparison(console(), result)
    n = len(result["differences"])
    if n:
        raise AuditMismatch(ngettext("{file}: {n} difference from the tally of stage {stage}",
                                     "{file}: {n} differences from the tally of stage {stage}", n),
                            file=result["file"], n=n, stage=result["stage"])
