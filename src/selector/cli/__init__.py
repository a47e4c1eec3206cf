"""The `selector` command line: thin typer commands over `selector.app`.

`app` (the typer app with every command registered) is loaded when first asked for, so that
`selector --version` answers before typer, Click and the commands are imported."""

from __future__ import annotations

import sys

COMMANDS = ("audit", "ballots", "exports", "inspect", "notice", "rounds")  # modules that register commands


def __getattr__(name: str):
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app():
    import importlib

    from selector.cli.base import app

    for module in COMMANDS:
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
    _app()(prog_name="selector")
