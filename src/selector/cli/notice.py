"""The public-notice (任前公示) commands: selector notice STAGE open|complaint|resolve|close."""

from __future__ import annotations

from typing import Optional

import typer

from selector.cli.base import app, command, console, echo_json, selection

notice_app = typer.Typer(
    help="The public notice (任前公示): open it, log and resolve complaints, close it.\n\n"
         "Example: selector notice notice open --start 2011-06-20",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(notice_app, name="notice")


@notice_app.callback()
def notice(stage: str = typer.Argument(..., help="Notice stage id, e.g. notice.")) -> None:
    """The public notice (任前公示): open, complaint, resolve, close."""


def _stage(ctx: typer.Context) -> str:
    return ctx.parent.params["stage"]


def _show(sel, stage_id: str, as_json: bool, extra: dict | None = None, message: str | None = None) -> None:
    """The notice as it now stands (the same Selection the change was made through)."""
    from selector.reports import terminal
    from selector.reports.view import stage_view

    view = stage_view(sel, sel.round.stage(stage_id))
    if as_json:
        echo_json({**view, **(extra or {})})
        return
    terminal.stage(console(), view)
    if message:
        console().print(message)


@command(notice_app, name="open")
def open_(
    ctx: typer.Context,
    start: str = typer.Option(..., "--start", help="First day of the notice (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Open the notice: the end date is the N-th working day on China's official calendar.

    Example: selector notice notice open --start 2026-09-29
    """
    from selector.stages import open_notice

    sel = selection(ctx)
    state, warnings = open_notice(sel, _stage(ctx), start)
    err = console(stderr=True)
    for w in warnings:
        err.print(f"warning: {w}", markup=False, highlight=False, soft_wrap=True)
    _show(sel, _stage(ctx), as_json, {"warnings": warnings},
          f"notice open: {state.start.isoformat()} to {state.end.isoformat()}")


@command(notice_app, name="complaint")
def complaint(
    ctx: typer.Context,
    received: str = typer.Option(..., "--received", help="Date received (YYYY-MM-DD)."),
    candidate: str = typer.Option(..., "--candidate", help="The appointee concerned (id, name or label)."),
    summary: str = typer.Option(..., "--summary", help="What the complaint says."),
    named: Optional[bool] = typer.Option(None, "--named/--anonymous",
                                         help="A named complainant (gets feedback) or anonymous."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Log a complaint received during the notice.

    Example: selector notice notice complaint --received 2026-09-30 --candidate 张伟 --summary "反映其违规兼职" --anonymous
    """
    from selector.errors import UsageError
    from selector.stages import add_complaint

    if named is None:
        raise UsageError("say whether the complainant gave a name: --named or --anonymous")
    sel = selection(ctx)
    c = add_complaint(sel, _stage(ctx), received=received, candidate=candidate,
                      summary=summary, named=named)
    _show(sel, _stage(ctx), as_json, {"complaint": c.number}, f"complaint #{c.number} logged")


@command(notice_app, name="resolve")
def resolve(
    ctx: typer.Context,
    number: int = typer.Argument(..., help="Complaint number (#)."),
    outcome: str = typer.Option(..., "--outcome", help="unfounded | minor | serious | postpone."),
    note: str = typer.Option(..., "--note", help="How it was checked and what was concluded."),
    until: Optional[str] = typer.Option(None, "--until", help="postpone: held until (default and "
                                                               "latest: three months after the notice)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Close a complaint: unfounded / minor (appoint), serious (drop), postpone (hold ≤ 3 months).

    Example: selector notice notice resolve 1 --outcome unfounded --note "经核查，兼职已按规定审批"
    """
    from selector.stages import resolve_complaint

    sel = selection(ctx)
    c = resolve_complaint(sel, _stage(ctx), number, outcome, note, until)
    _show(sel, _stage(ctx), as_json, None, f"complaint #{c.number}: {c.outcome}")


@command(notice_app, name="close")
def close(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Close the notice and confirm the appointees (on or after the end date, no open complaint).

    Example: selector notice notice close
    """
    from selector.stages import close_notice

    sel = selection(ctx)
    close_notice(sel, _stage(ctx))
    _show(sel, _stage(ctx), as_json, None, "notice closed: appointees confirmed")
