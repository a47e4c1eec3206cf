"""What every command needs that typer does not: its options, the console and the screen, and
one line (and an exit code) for an error. `cli.base` builds the typer commands on these; the
plain forms of status, show, cut and tally run on them alone (`cli.quick`), without loading
typer."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from selector import i18n
from selector.errors import SelectorError
from selector.i18n import _
from selector.records import dataclass


@dataclass
class Options:
    """The options every command takes: the database, the round, the operator."""

    db: Path
    round: str | None
    by: str

    @classmethod
    def from_environment(cls) -> "Options":
        """The options as the environment gives them (SELECTOR_DB, SELECTOR_ROUND,
        SELECTOR_OPERATOR), as the command line reads them when they are not typed; an empty
        variable counts as not set."""
        return cls(Path(os.environ.get("SELECTOR_DB") or "selector.db"), os.environ.get("SELECTOR_ROUND") or None,
                   os.environ.get("SELECTOR_OPERATOR") or os_user())


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def console(stderr: bool = False):
    from rich.console import Console

    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    # No markup or emoji codes: names, titles and notes come from clerks' files, and "[红]"
    # or ":x:" must print as written.
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False, markup=False,
                   emoji=False)


def write(text: str) -> None:
    """Write a screen laid out without Rich (`reports.bare`) to stdout, as Rich writes one;
    a closed pipe (`selector status | head -3`) ends the command as Rich ends it: exit 1, quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None


def draw(render, *args) -> None:
    """Print the screen `render(printer, *args)` draws on a `screen.Printer`: without Rich
    where `bare` finds a screen Rich would print plainly to and the printer lays all of it
    out (a stage's tally or cut: no ~40 ms of importing Rich); otherwise all of it through
    Rich, from the start."""
    from selector.reports import bare
    from selector.reports.screen import BareSink, Printer, RichSink, Unlaid

    found = bare.Screen.detect()  # the width and styles Rich's Console would take
    if found is not None:
        sink = BareSink(found)
        out = Printer(sink)
        try:
            render(out, *args)
            out.flush()
        except Unlaid:
            pass
        else:
            write(sink.text())
            return
    out = Printer(RichSink(console()))
    render(out, *args)
    out.flush()


def show_stage(view: dict, before: str | None = None, after: str | None = None) -> None:
    """A stage's view drawn at the terminal, in the interface's words (with a line before or
    after it)."""
    from selector.cli import messages
    from selector.reports import terminal

    view = messages.worded(view)

    def screen(out) -> None:
        if before is not None:
            out.print(before)
        terminal.stage(out, view)
        if after is not None:
            out.print(after)

    draw(screen)


def quickly(body) -> int | None:
    """Run `body(open round)` as typer would run its command, with the options the environment
    gives (`cli.quick`): the exit code; None when the environment holds what typer refuses as
    a usage error (a database it cannot read): then typer must run it."""
    from selector.storage.store import Store

    i18n.choose(None)
    options = Options.from_environment()
    if os.path.exists(options.db) and not os.access(options.db, os.R_OK):  # typer's Path: "not readable", exit 2
        return None
    try:
        store = Store(options.db)
        try:
            body(open_round(store, options))
        finally:
            store.close()
    except KeyboardInterrupt:  # as typer ends it: exit 130, nothing printed
        return 130
    except Exception as e:
        code = failed(e)
        if code is None:
            raise
        return code
    return 0


def open_round(store, options: Options):
    """The round a command works on (`--round`, or the database's only one), in its language."""
    from selector.service.rounds import OpenRound

    opened = OpenRound(store, options.round, options.by)
    i18n.for_round(opened.round.locale)
    return opened


def failed(error: Exception) -> int | None:
    """Print an error a clerk can act on as one line on stderr (a refusal's further lines
    after it) and return its exit code; None for an error that is a bug (its traceback
    shows). The one place errors become exit codes."""
    from selector.cli import messages

    if isinstance(error, SelectorError):
        err = console(stderr=True)
        err.print(_("error: {message}").format(message=printable(messages.text(error))),
                  markup=False, highlight=False, soft_wrap=True)
        for line in messages.details(error):
            err.print(f"  {printable(line)}", markup=False, highlight=False, soft_wrap=True)
        return error.exit_code
    # The last resort: whatever ran out (memory, disk) or failed underneath, the writes were
    # rolled back; the clerk gets one line, not a traceback.
    if not isinstance(error, (MemoryError, OSError)):
        import sqlite3

        if not isinstance(error, sqlite3.Error):
            return None
    sys.stderr.write(f"error: {printable(messages.failure(error))}\n")
    sys.stderr.flush()
    return 1


def printable(text: str) -> str:
    """Messages quote file contents: control characters (line breaks such as \\x1c, escape
    sequences) are shown escaped, so the refusal stays one line and cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
