"""The `selector` command line: thin typer commands over `selector.app`."""

from __future__ import annotations

from selector.cli.base import app
from selector.cli import audit, ballots, exports, inspect, notice, rounds  # noqa: F401  (register commands)


def main() -> None:
    app(prog_name="selector")
