"""The public-notice (任前公示) commands: selector notice STAGE open|complaint|resolve|close."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from selector.i18n import N_, _

from selector.cli.base import app, command, console, group, open_round, parse_date, show_view
from selector.errors import UsageError

notice_app = group(N_("The public notice (任前公示): open it, log and resolve complaints, close it.\n\n"
                      "Example: selector notice notice open --start 2011-06-20"))
app.add_typer(notice_app, name="notice")


@notice_app.callback()
def notice(stage: str = typer.Argument(..., help=N_("Notice stage id, e.g. notice."))) -> None:
    pass


class Outcome(str, Enum):
    """How a complaint was concluded (domain.notice.OUTCOMES)."""

    unfounded = "unfounded"
    minor = "minor"
    serious = "serious"
    postpone = "postpone"


def _notice(ctx: typer.Context):
    """The notice stage's handler (refused for a stage of another kind)."""
    from selector.service.stages.notice import NoticeStage

    return open_round(ctx).expect(ctx.parent.params["stage"], NoticeStage)


def _show(handler, as_json: bool, extra: dict | None = None, message: str | None = None) -> None:
    """The notice as it now stands."""
    show_view(handler.view(), as_json, extra)
    if message and not as_json:
        console().print(message, markup=False, highlight=False)


@command(notice_app, name="open", help=N_(
    "Open the notice: the end date is the N-th working day on China's official calendar (or the "
    "round's [calendar.YYYY] for a year the calendar lacks; else give --end with --reason).\n"
    "\n"
    "Example: selector notice notice open --start 2026-09-29"))
def open_(
    ctx: typer.Context,
    start: str = typer.Option(..., "--start", help=N_("First day of the notice (YYYY-MM-DD).")),
    end: Optional[str] = typer.Option(None, "--end", help=N_("Last day, given by the clerk where the official "
                                                           "calendar is not known (YYYY-MM-DD; with --reason).")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("Why the end date is given (recorded).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    first = parse_date(start, "--start")
    last = parse_date(end, "--end") if end else None
    if last is not None and not (reason and reason.strip()):
        raise UsageError("--end is recorded with its reason: give --reason \"…\"")
    if last is None and reason is not None:
        raise UsageError("--reason goes with --end")
    handler = _notice(ctx)
    state, warnings = handler.open_notice(first, last, reason)
    err = console(stderr=True)
    for w in warnings:
        err.print(_("warning: {message}").format(message=w), markup=False, highlight=False, soft_wrap=True)
    _show(handler, as_json, {"warnings": warnings},
          _("notice open: {start} to {end}").format(start=state.start.isoformat(), end=state.end.isoformat()))


@command(notice_app, name="complaint", help=N_(
    "Log a complaint received during the notice.\n"
    "\n"
    "Example: selector notice notice complaint --received 2026-09-30 --candidate 张伟 --summary \"反映其违规兼职\" --anonymous"))
def complaint(
    ctx: typer.Context,
    received: str = typer.Option(..., "--received", help=N_("Date received (YYYY-MM-DD).")),
    candidate: str = typer.Option(..., "--candidate", help=N_("The appointee concerned (id, name or label).")),
    summary: str = typer.Option(..., "--summary", help=N_("What the complaint says.")),
    named: Optional[bool] = typer.Option(None, "--named/--anonymous",
                                         help=N_("A named complainant (gets feedback) or anonymous.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    if named is None:
        raise UsageError("say whether the complainant gave a name: --named or --anonymous")
    day = parse_date(received, "--received")
    if not summary.strip():
        raise UsageError("--summary: say what the complaint is about")
    handler = _notice(ctx)
    c = handler.add_complaint(received=day, candidate=candidate, summary=summary, named=named)
    _show(handler, as_json, {"complaint": c.number}, _("complaint #{n} logged").format(n=c.number))


@command(notice_app, name="resolve", help=N_(
    "Close a complaint: unfounded / minor (appoint), serious (drop), postpone (hold ≤ 3 months).\n"
    "\n"
    "Example: selector notice notice resolve 1 --outcome unfounded --note \"经核查，兼职已按规定审批\""))
def resolve(
    ctx: typer.Context,
    number: int = typer.Argument(..., help=N_("Complaint number (#).")),
    outcome: Outcome = typer.Option(..., "--outcome", help=N_("unfounded | minor | serious | postpone.")),
    note: str = typer.Option(..., "--note", help=N_("How it was checked and what was concluded.")),
    until: Optional[str] = typer.Option(None, "--until", help=N_("postpone: held until (default and "
                                                               "latest: three months after the notice).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    if not note.strip():
        raise UsageError("--note: record how the complaint was checked and concluded")
    if until is not None and outcome is not Outcome.postpone:
        raise UsageError("--until applies to --outcome postpone only")
    held = parse_date(until, "--until") if until else None
    handler = _notice(ctx)
    c = handler.resolve_complaint(number, outcome.value, note, held)
    from selector.reports.stage_terminal import COMPLAINT

    _show(handler, as_json, None, _("complaint #{n}: {outcome}").format(n=c.number, outcome=_(COMPLAINT[c.outcome])))


@command(notice_app, name="close", help=N_(
    "Close the notice and confirm the appointees (once its last day has passed, no open complaint); "
    "a 任前公示 records the appointment date and the 试用期's end.\n"
    "\n"
    "Example: selector notice notice close --appointed 2026-10-15"))
def close(
    ctx: typer.Context,
    appointed: Optional[str] = typer.Option(None, "--appointed", help=N_(
        "Appointment date (YYYY-MM-DD; default today): after the notice, not in the future.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    day = parse_date(appointed, "--appointed") if appointed else None
    handler = _notice(ctx)
    handler.close_notice(day)
    _show(handler, as_json, None, _("notice closed: appointees confirmed") if handler.stage.of == "appointment"
          else _("notice closed: the 考察对象 go on to inspection"))


@command(notice_app, name="withdraw-complaint", help=N_(
    "更正: withdraw a complaint entered in error (until the notice is closed); it stays in the record.\n"
    "\n"
    "Example: selector notice notice withdraw-complaint 2 --reason \"重复登记（同第1号）\""))
def withdraw_complaint(
    ctx: typer.Context,
    number: int = typer.Argument(..., help=N_("Complaint number (#).")),
    reason: Optional[str] = typer.Option(None, "--reason", help=N_("Why it was entered in error (recorded).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Machine-readable output.")),
) -> None:
    handler = _notice(ctx)
    done = handler.withdraw_complaint(number, reason)
    _show(handler, as_json, {"withdrawn": done},
          _("complaint #{n} withdrawn · reason: {reason}").format(n=done["number"], reason=done["reason"]))
