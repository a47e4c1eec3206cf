"""The typer app, global options, and the one place that maps errors to exit codes."""

from __future__ import annotations

import functools
import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from selector import __version__
from selector.errors import SelectorError, UsageError

app = typer.Typer(
    help="Count competitive cadre selections (公推公选): rounds, ballots, shortlists, audit.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass
class Options:
    db: Path
    round: str | None
    by: str


def _version(value: bool) -> None:
    if value:
        typer.echo(f"selector {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    ctx: typer.Context,
    db: Path = typer.Option(Path("selector.db"), "--db", envvar="SELECTOR_DB",
                            help="The round database (SQLite)."),
    round_id: Optional[str] = typer.Option(None, "--round", envvar="SELECTOR_ROUND",
                                           help="Round id; may be left out when the database holds one round."),
    by: Optional[str] = typer.Option(None, "--by", envvar="SELECTOR_OPERATOR",
                                     help="Operator recorded in the log (default: the OS user)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """selector: exact counting for 两轮推荐、两轮票决 selections, with a full record."""
    ctx.obj = Options(db, round_id, by or _os_user())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def command(group: typer.Typer = app, *args, **kwargs):
    """Register a command whose SelectorError becomes one stderr line and its exit code."""

    def decorate(func):
        @functools.wraps(func)
        def run(*a, **kw):
            try:
                return func(*a, **kw)
            except SelectorError as e:
                from selector.cli import messages

                err = console(stderr=True)
                err.print(f"error: {_printable(messages.text(e))}", markup=False, highlight=False,
                          soft_wrap=True)
                for line in messages.details(e):
                    err.print(f"  {_printable(line)}", markup=False, highlight=False, soft_wrap=True)
                raise typer.Exit(e.exit_code) from None
            except (MemoryError, OSError) as e:
                # The last resort: whatever ran out (memory, disk) or failed underneath, the
                # writes were rolled back; the clerk gets one line, not a traceback.
                from selector.cli import messages

                typer.echo(f"error: {_printable(messages.failure(e))}", err=True)
                raise typer.Exit(1) from None
            except Exception as e:
                import sqlite3

                if not isinstance(e, sqlite3.Error):
                    raise
                from selector.cli import messages

                typer.echo(f"error: {_printable(messages.failure(e))}", err=True)
                raise typer.Exit(1) from None

        return group.command(*args, **kwargs)(run)

    return decorate


def _printable(text: str) -> str:
    """Messages quote file contents: control characters (line breaks such as \\x1c, escape
    sequences) are shown escaped, so the refusal stays one line and cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def console(stderr: bool = False):
    from rich.console import Console

    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    # No markup: names, titles and notes come from clerks' files, and "[红]" must print as is.
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False, markup=False)


def echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def store(ctx: typer.Context, create: bool = False):
    """The database; only `init` may create it."""
    from selector.storage.store import Store

    opened = Store(ctx.obj.db, create=create)
    ctx.call_on_close(opened.close)
    return opened


def open_round(ctx: typer.Context):
    """The round the command works on (`--round`, or the database's only one)."""
    from selector.service.rounds import OpenRound

    return OpenRound(store(ctx), ctx.obj.round, ctx.obj.by)


def show_view(view: dict, as_json: bool, extra: dict | None = None) -> None:
    """A stage's view: as JSON, or drawn at the terminal."""
    from selector.cli import messages

    view = messages.worded(view)
    if as_json:
        echo_json({**view, **(extra or {})})
    else:
        from selector.reports import terminal

        terminal.stage(console(), view)


def parse_date(text: str, option: str):
    """A date option (YYYY-MM-DD)."""
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: expected a date like 2026-09-29, got {text!r}") from None
