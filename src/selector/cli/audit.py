"""The record and its audit: certify, and `audit log | verify | sample | compare`."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from selector.cli.base import app, command, console, echo_json, open_round, store
from selector.cli.ballots import Layout
from selector.errors import AuditMismatch, UsageError

audit_app = typer.Typer(help="The round's record (纪实): log, verify, sample ballots, compare a hand count.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(audit_app, name="audit")


@command(name="certify")
def certify(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help="Stage id."),
    teller: List[str] = typer.Option([], "--teller", help="计票人 who signs the count (repeat for each)."),
    scrutineer: List[str] = typer.Option([], "--scrutineer", help="监票人 who signs (repeat for each)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Sign a stage's count (计票人, 监票人); it takes no more batches from then on.

    Example: selector certify vote1 --teller 王芳 --scrutineer 李明 --scrutineer 赵强
    """
    from selector.reports import audit as render
    from selector.service.certify import certify as sign

    cert = sign(open_round(ctx), stage, teller, scrutineer)
    if as_json:
        echo_json(cert)
    else:
        render.certificate(console(), cert)


@command(audit_app, name="log")
def log(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The round's full record (纪实), oldest first.

    Example: selector audit log --json > record.json
    """
    from selector.reports import audit as render

    open_ = open_round(ctx)
    events = open_.store.events(open_.id)
    if as_json:
        echo_json({"round": open_.id, "events": events})
    else:
        render.log(console(), open_.id, open_.round.title, events)


@command(audit_app, name="verify")
def verify(
    ctx: typer.Context,
    files: Optional[Path] = typer.Option(None, "--files", help="Folder holding the original ballot and inspection files to re-hash."),
    head: List[str] = typer.Option([], "--head", help="A record hash kept outside the database (the "
                                   "one certify printed for the signed sheet, or a head an earlier "
                                   "verify printed), or a file of them such as a copy of the witness "
                                   "file; repeat for several. Each must be in the chain."),
) -> None:
    """Re-check the log's hash chain, recount every stage from the stored ballots and
    compare with the stored results and cuts (inspection findings and the notice too); with
    --files, re-hash the ballot and inspection files. Record hashes kept outside the database
    (--head, and the witness file DB.witness when there is one) must be in the chain: they
    catch a record cut short or rewritten whole, which the database alone cannot show.
    Exit 0 when all holds, 3 naming every difference.

    Example: selector audit verify --files archive/2011/ --head archive/2011/selector.db.witness
    """
    from selector.audit.verify import verify as run
    from selector.cli.messages import verify_summary

    typer.echo(verify_summary(run(store(ctx), ctx.obj.round, files, head)))


@command(audit_app, name="sample")
def sample(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help="Stage id."),
    seed: str = typer.Option(..., "--seed", help="Public seed, e.g. the dice rolls read out at the meeting."),
    count: int = typer.Option(..., "--count", min=1, help="How many papers to draw."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """A reproducible list of paper ballots to pull from the box for a hand check.

    Each tallied ballot number B is ranked by SHA-256 of "SEED/STAGE/B"; the lowest N are drawn.
    Example: selector audit sample rec1 --seed 3-6-1-4-2-5 --count 20
    """
    from selector.audit.spot import sample as draw
    from selector.reports import audit as render

    if not seed.strip():
        raise UsageError("--seed must not be empty: use the public dice rolls, e.g. --seed 3-6-1-4-2-5")
    drawn = draw(open_round(ctx), stage, seed, count)
    if as_json:
        echo_json(drawn)
    else:
        render.sample(console(), drawn)


@command(audit_app, name="compare")
def compare(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help="Stage id."),
    file: Path = typer.Argument(..., help="The hand-read ballots, in the tally's format."),
    layout: Layout = typer.Option(Layout.wide, "--layout", help="wide or long, as for tally."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Override detection (utf-8, gb18030)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet (default: the first)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Compare hand-read ballots with what was tallied; exit 3 listing every difference.

    Example: selector audit compare rec1 handcheck.csv
    """
    from selector.audit.spot import compare as check
    from selector.reports import audit as render

    result = check(open_round(ctx), stage, file, layout=layout.value, encoding=encoding, sheet=sheet)
    if as_json:
        echo_json(result)
    else:
        render.comparison(console(), result)
    n = len(result["differences"])
    if n:
        raise AuditMismatch(f"{result['file']}: {n} difference{'s' if n > 1 else ''} from the "
                            f"tally of stage {result['stage']}")
