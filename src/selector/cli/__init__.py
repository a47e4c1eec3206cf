"""The `selector` command line: thin typer commands over `selector.app`."""

from __future__ import annotations

from selector.cli.base import app
from selector.cli import audit, ballots, decide, exports, inspect, notice, papers, rounds  # noqa: F401  (register commands)


def main() -> None:
    import gc

    # A command is one short process that holds a whole round (60,000 people, 10,000 posts'
    # counts and views) and makes almost no reference cycles: with the default thresholds the
    # cyclic collector re-scans those objects again and again (a third of a big `tally`).
    # Collect the youngest objects every 50,000 allocations, not 700, and the oldest rarely.
    gc.set_threshold(50_000, 20, 1_000)
    app(prog_name="selector")
