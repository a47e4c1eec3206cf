"""The `selector` command line: thin typer commands over `selector.app`.

`app` (the typer app with every command registered) is loaded when first asked for, so that
`selector --version` answers before typer, Click and the commands are imported."""

from __future__ import annotations

import sys

COMMANDS = ("audit", "ballots", "decide", "exports", "inspect", "notice", "papers", "rounds")  # modules that register commands
# The module of each command a clerk types often: the command line loads that one alone (typer
# builds a Click command for every registered command, ~2 ms each). Any other word, and a
# command missing here, loads them all.
MODULE_OF = {"check": "rounds", "init": "rounds", "rounds": "rounds", "status": "rounds",
             "tally": "ballots", "show": "ballots", "cut": "ballots", "export": "exports"}
_VALUED = ("--db", "--round", "--by", "--lang")  # the global options that take a value


def __getattr__(name: str):
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app(modules: tuple[str, ...] = COMMANDS):
    import importlib

    from selector.cli.base import app

    for module in modules:
        importlib.import_module(f"selector.cli.{module}")
    return app


def main() -> None:
    import gc

    if sys.argv[1:] == ["--version"]:
        # What typer's eager --version prints, without loading typer (~60 ms of imports).
        from selector import __version__

        sys.stdout.write(f"selector {__version__}\n")
        return
    # A command is one short process that holds a whole round (60,000 people, 10,000 posts'
    # counts and views) and makes almost no reference cycles: with the default thresholds the
    # cyclic collector re-scans those objects again and again (a third of a big `tally`).
    # Collect the youngest objects every 50,000 allocations, not 700, and the oldest rarely.
    gc.set_threshold(50_000, 20, 1_000)
    from selector.cli import quick  # the commands clerks type most, in their plain form: without typer

    code = quick.run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    _app(_modules(sys.argv[1:]))(prog_name="selector")


def run() -> None:
    """`main` as a process of its own (the `selector` script, `python -m selector`): when the
    command is done, the process ends without taking the interpreter down object by object
    (60-90 ms after a 1M-mark tally, ~8 % of it). Nothing is lost by that: a command's
    database work is committed or rolled back before it returns, its files are written
    whole (and synced) before they take their names, no thread is left running and the
    package registers no atexit work; its output is flushed here. A SystemExit with a
    message, output that cannot be flushed (a closed pipe), or a process watched by a
    profiler or a coverage tool (they write their findings as the interpreter ends) ends
    as Python ends it.

    The process also runs without the cyclic garbage collector: a command holds a whole
    round and makes almost no reference cycles (under 1,400 unreachable objects at the end
    of a 10,000-post tally, show or export, or a 1M-mark tally or verify: a few hundred
    KiB), while the collector's passes over the young objects took 0.2-0.4 s of a
    10,000-post show or tally."""
    import gc
    import os

    gc.disable()
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code or 0
        if not isinstance(code, int):
            raise
    if _watched():
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        sys.exit(code)
    os._exit(code)


def _watched() -> bool:
    """Is a tracer, a profiler or (Python 3.12+) a monitoring tool attached?"""
    monitoring = getattr(sys, "monitoring", None)
    return sys.gettrace() is not None or sys.getprofile() is not None or (
        monitoring is not None and any(monitoring.get_tool(i) for i in range(6)))


def _modules(argv: list[str]) -> tuple[str, ...]:
    """The command modules a command line needs: the command's own, when it is one of
    MODULE_OF after the global options; otherwise all (help, usage errors, the rest)."""
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif word.startswith("-"):
            if not word.startswith(tuple(f"{o}=" for o in _VALUED)):
                return COMMANDS
        else:
            return (MODULE_OF[word],) if word in MODULE_OF else COMMANDS
    return COMMANDS
