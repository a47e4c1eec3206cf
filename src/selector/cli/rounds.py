"""Round commands: check, init, rounds, status."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from selector import i18n
from selector.i18n import N_, _

from selector.cli.base import command, console, echo_json, open_round, store


@command(name="check", help=N_(
    "Validate a round file only; no database is touched.\n"
    "\n"
    "Example: selector check rounds/haimen-2011.toml"))
def check(file: Path = typer.Argument(..., help=N_("Round file (TOML)."))) -> None:
    from selector.service.rounds import check_round

    r = check_round(file)
    i18n.for_round(r.locale)
    candidates = len(r.candidates)
    typer.echo(_("{file}: ok · round {round} · {posts} posts, {seats} seats · {people} people · stages {stages}").format(
        file=file, round=r.id, posts=len(r.posts), seats=sum(p.seats for p in r.posts), people=candidates,
        stages=" → ".join(s.id for s in r.stages)))
    from selector.reports import terminal
    from selector.service.views import eligibility_view

    for line in terminal.eligibility_lines(eligibility_view(r)):  # who init would keep off the lists
        typer.echo(line)


@command(name="init", help=N_(
    "Validate and store a round (again with an unchanged file: nothing happens; a changed file\n"
    "once stages have recorded something is an amendment, shown key by key, with --reason).\n"
    "\n"
    "Example: selector --db haimen.db init rounds/haimen-2011.toml\n"
    "Correct: selector init rounds/haimen-2011.toml --reason \"补录考察对象出生年月\""))
def init(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=N_("Round file (TOML).")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("更正: why a stored round is amended "
                                                                 "after recording started.")),
) -> None:
    from selector.errors import CreatedMeanwhile
    from selector.reports import terminal
    from selector.service.rounds import init_round
    from selector.service.views import eligibility_view

    try:
        r, outcome, changes = init_round(store(ctx, create=True), file, ctx.obj.by, reason)
    except CreatedMeanwhile:  # another init made the file first: store the round in it
        r, outcome, changes = init_round(store(ctx), file, ctx.obj.by, reason)
    i18n.for_round(r.locale)
    said = {"stored": _("round {round}: stored in {db}"),
            "unchanged": _("round {round}: already stored, unchanged in {db}"),
            "updated": _("round {round}: updated (no ballots were tallied yet) in {db}"),
            "amended": _("round {round}: amended (更正; reason: {reason}) in {db}")}[outcome]
    typer.echo(said.format(round=r.id, db=ctx.obj.db, reason=(reason or "").strip()))
    for c in changes:
        typer.echo(f"  {c.path}: {c.old} → {c.new}")
    if outcome != "unchanged":
        for line in terminal.eligibility_lines(eligibility_view(r)):
            typer.echo(line)


@command(name="rounds", help=N_(
    "List the rounds in the database with their state and dates.\n"
    "\n"
    "Example: selector rounds"))
def rounds(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output."))) -> None:
    from selector.service.rounds import round_overview
    from selector.reports import terminal

    rows = round_overview(store(ctx))
    if as_json:
        echo_json(rows)
    else:
        terminal.rounds(console(), rows)


@command(name="status", help=N_(
    "The pipeline: each stage's state and counts, and the next step to take.\n"
    "\n"
    "Example: selector status"))
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output."))) -> None:
    from selector.cli import status

    status.show(open_round(ctx), as_json)
