"""Round commands: check, init, rounds, status."""

from __future__ import annotations

from pathlib import Path

import typer

from selector.cli.base import command, console, echo_json, open_round, store


@command(name="check")
def check(file: Path = typer.Argument(..., help="Round file (TOML).")) -> None:
    """Validate a round file only; no database is touched.

    Example: selector check rounds/haimen-2011.toml
    """
    from selector.service.rounds import check_round

    r = check_round(file)
    candidates = len(r.candidates)
    typer.echo(f"{file}: ok · round {r.id} · {len(r.posts)} posts, "
               f"{sum(p.seats for p in r.posts)} seats · {candidates} people · "
               f"stages {' → '.join(s.id for s in r.stages)}")


@command(name="init")
def init(ctx: typer.Context, file: Path = typer.Argument(..., help="Round file (TOML).")) -> None:
    """Validate and store a round (again with an unchanged file: nothing happens).

    Example: selector --db haimen.db init rounds/haimen-2011.toml
    """
    from selector.errors import CreatedMeanwhile
    from selector.service.rounds import init_round

    try:
        r, outcome = init_round(store(ctx, create=True), file, ctx.obj.by)
    except CreatedMeanwhile:  # another init made the file first: store the round in it
        r, outcome = init_round(store(ctx), file, ctx.obj.by)
    messages = {"stored": "stored", "unchanged": "already stored, unchanged",
                "updated": "updated (no ballots were tallied yet)"}
    typer.echo(f"round {r.id}: {messages[outcome]} in {ctx.obj.db}")


@command(name="rounds")
def rounds(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List the rounds in the database with their state and dates.

    Example: selector rounds
    """
    from selector.service.rounds import round_overview
    from selector.reports import terminal

    rows = round_overview(store(ctx))
    if as_json:
        echo_json(rows)
    else:
        terminal.rounds(console(), rows)


@command(name="status")
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The pipeline: each stage's state and counts, and the next step to take.

    Example: selector status
    """
    from selector.cli.messages import next_step
    from selector.reports import terminal

    open_ = open_round(ctx)
    rows = [{**r, "next": next_step(r["next"])} for r in open_.status()]
    if as_json:
        echo_json({"round": open_.id, "stages": rows})
    else:
        terminal.status(console(), open_.round.title, open_.id, rows)
