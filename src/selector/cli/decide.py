"""讨论决定 and 再次投票: selector sitting STAGE FILE records one sitting from its record file."""

from __future__ import annotations

import typer

from selector.i18n import N_, _

from selector.cli.base import command, console, open_round, show_view


@command(name="sitting", help=N_(
    "Record a sitting: a decide stage's meeting (讨论决定) or a vote stage's re-vote (再次投票), from its "
    "record file (date, present, method; per nominee agree/disagree/defer, recused, deferred).\n"
    "\n"
    "Example: selector sitting decide 常委会第23次会议.toml"))
def sitting(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Decide or vote stage id.")),
    file: str = typer.Argument(..., help=N_("The sitting's record file (TOML).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    from selector.service.stages.decide import TakesSittings

    open_ = open_round(ctx)
    handler = open_.expect(stage, TakesSittings)
    done = handler.record_sitting(file)
    show_view(handler.view(), as_json, {"recorded": {"sitting": done.number, "date": done.date.isoformat()}})
    if not as_json:
        console().print(_("sitting {n} of {stage} recorded ({date})").format(n=done.number, stage=stage,
                                                                           date=done.date.isoformat()),
                        markup=False, highlight=False)
