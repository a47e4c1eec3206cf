"""The typer app, global options, and the one place that maps errors to exit codes.

Help texts are marked `N_(…)` (English, the message id) and translated when help is shown,
so `--lang`/`SELECTOR_LANG`/`LANG` choose the language of `--help` as of everything else."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from typer.core import TyperCommand, TyperGroup

from selector import __version__, i18n
from selector.errors import UsageError
from selector.i18n import N_, _

from selector.cli import plain
from selector.cli.plain import Options, console, failed, os_user  # noqa: F401 (console: for the commands)

# Click's own help option says this; translated with every other parameter's help.
N_("Show this message and exit.")
# `selector --help` lists the commands in the order a round uses them.
ORDER = ("check", "init", "papers", "tally", "show", "cut", "inspect", "sitting", "notice", "certify", "export",
         "status", "audit", "rounds", "log", "verify", "sample", "compare", "open", "complaint",
         "resolve", "close")


class _Translated:
    """Help shown in the interface language: the command's text, its parameters' texts and
    the section headings are looked up when the help is formatted."""

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), _("Usage: "))

    def format_help_text(self, ctx, formatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(self.help).partition("\f")[0])

    def format_options(self, ctx, formatter) -> None:
        sections: dict[str, list] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            original = param.help
            param.help = _(original) if original else original
            try:
                record = param.get_help_record(ctx)
            finally:
                param.help = original
            if record is not None and param.param_type_name in sections:
                sections[param.param_type_name].append(record)
        for kind, title in (("argument", N_("Arguments")), ("option", N_("Options"))):
            if sections[kind]:
                with formatter.section(_(title)):
                    formatter.write_dl(sections[kind])

    def get_short_help_str(self, limit: int = 45) -> str:
        from typer._click.utils import make_default_short_help

        return make_default_short_help(_(self.help), limit) if self.help else ""


class Command(_Translated, TyperCommand):
    pass


class Group(_Translated, TyperGroup):
    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def list_commands(self, ctx) -> list[str]:
        return sorted(self.commands, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))

    def format_commands(self, ctx, formatter) -> None:
        names = [n for n in self.list_commands(ctx) if not self.commands[n].hidden]
        if names:
            limit = formatter.width - 6 - max(map(len, names))
            rows = [(name, self.commands[name].get_short_help_str(limit)) for name in names]
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        i18n.choose(None)  # the environment's language, until --lang or the round says otherwise
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        from typer._click.exceptions import ClickException, NoArgsIsHelpError
        from typer.exceptions import Abort

        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except ClickException as e:  # typer's own usage errors, worded in the interface language
            _usage_error(e)
            sys.exit(e.exit_code)
        except Abort:
            typer.echo(_("Aborted."), err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


# typer's usage errors (English, from its vendored click) → the interface's words.
USAGE_ERRORS = (
    (re.compile(r"Missing option '(?P<name>[^']+)'\.?"), N_("Missing option '{name}'.")),
    (re.compile(r"Missing argument '(?P<name>[^']+)'\.?"), N_("Missing argument '{name}'.")),
    (re.compile(r"No such option: (?P<name>\S+?)(?: Did you mean (?P<hint>.+)\?)?$"), N_("No such option: {name}")),
    (re.compile(r"No such command '(?P<name>[^']+)'\.?"), N_("No such command '{name}'.")),
    (re.compile(r"Option '(?P<name>[^']+)' requires an argument\.?"), N_("Option '{name}' requires an argument.")),
    (re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)"), N_("Got unexpected extra arguments ({args})")),
    (re.compile(r"Invalid value for (?P<name>'[^']+'(?: / '[^']+')*): (?P<why>.*)"), N_("Invalid value for {name}: {why}")),
)


def _usage_error(e) -> None:
    """A usage error as typer prints it (usage line, help hint, error), in the interface language."""
    ctx = getattr(e, "ctx", None)
    message = e.format_message()
    for pattern, words in USAGE_ERRORS:
        m = pattern.fullmatch(message)
        if m:
            message = _(words).format(**{k: v or "" for k, v in m.groupdict().items()})
            break
    if ctx is not None:
        usage = ctx.get_usage()
        if usage.startswith("Usage: "):
            usage = _("Usage: ") + usage[len("Usage: "):]
        typer.echo(usage, err=True)
        if ctx.command.get_help_option(ctx) is not None:
            typer.echo(_("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]) + "\n", err=True)
    typer.echo(_("Error: {message}").format(message=message), err=True)


def group(help: str, **kwargs) -> typer.Typer:
    """A command group (the app, `audit`, `notice`) whose help follows the interface language."""
    return typer.Typer(cls=Group, help=help, context_settings={"help_option_names": ["-h", "--help"]},
                       no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                       rich_markup_mode=None, **kwargs)


app = group(N_("Count competitive cadre selections (公推公选): rounds, ballots, shortlists, audit."))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"selector {__version__}")
        raise typer.Exit()


def _lang(value: Optional[str]) -> Optional[str]:
    if value is not None:
        if i18n.normalize(value) is None:
            raise typer.BadParameter(_("expected zh-CN or en, got {value!r}").format(value=value))
        i18n.choose(value)
    return value


@app.callback()
def options(
    ctx: typer.Context,
    db: Path = typer.Option(Path("selector.db"), "--db", envvar="SELECTOR_DB",
                            help=N_("The round database (SQLite).")),
    round_id: Optional[str] = typer.Option(None, "--round", envvar="SELECTOR_ROUND",
                                           help=N_("Round id; may be left out when the database holds one round.")),
    by: Optional[str] = typer.Option(None, "--by", envvar="SELECTOR_OPERATOR",
                                     help=N_("Operator recorded in the log (default: the OS user).")),
    lang: Optional[str] = typer.Option(None, "--lang", callback=_lang, is_eager=True, metavar="zh-CN|en",
                                       help=N_("Interface language (default: the round's locale, or LANG).")),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=N_("Print the version and exit.")),
) -> None:
    ctx.obj = Options(db, round_id, by or os_user())


def command(group: typer.Typer = app, *args, **kwargs):
    """Register a command whose SelectorError becomes one stderr line and its exit code.
    Give its help as `help=N_("…")`: the English text, translated when shown."""

    def decorate(func):
        @functools.wraps(func)
        def run(*a, **kw):
            try:
                return func(*a, **kw)
            except Exception as e:
                code = failed(e)
                if code is None:
                    raise
                raise typer.Exit(code) from None

        return group.command(*args, cls=Command, **kwargs)(run)

    return decorate


def echo_json(data) -> None:
    """`typer.echo(json.dumps(data, ensure_ascii=False, indent=2))`, written a chunk at a time."""
    from selector.reports.jsontext import chunks

    for chunk in chunks(data):
        typer.echo(chunk, nl=False)
    typer.echo()


def store(ctx: typer.Context, create: bool = False):
    """The database; only `init` may create it."""
    from selector.storage.store import Store

    opened = Store(ctx.obj.db, create=create)
    ctx.call_on_close(opened.close)
    return opened


def open_round(ctx: typer.Context):
    """The round the command works on (`--round`, or the database's only one)."""
    return plain.open_round(store(ctx), ctx.obj)


def show_view(view: dict, as_json: bool, extra: dict | None = None, *, before: str | None = None,
              after: str | None = None) -> None:
    """A stage's view: as JSON, or drawn at the terminal (with a line before or after it)."""
    if as_json:
        from selector.cli import messages

        echo_json({**messages.worded(view), **(extra or {})})
    else:
        plain.show_stage(view, before, after)


def parse_date(text: str, option: str):
    """A date option (YYYY-MM-DD)."""
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("{option}: expected a date like 2026-09-29, got {text!r}", option=option,
                         text=text) from None
