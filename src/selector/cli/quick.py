"""The commands clerks type most, run without typer when typed in their plain form (issue 17:
importing typer and its Click is ~40 ms of every command, a tenth of a million-mark tally):

    selector status
    selector show STAGE
    selector cut STAGE
    selector tally STAGE FILE… [--present N] [--issued N] [--layout wide|long]
                               [--encoding ENC] [--sheet SHEET] [--dry-run]

with the global options from the environment (SELECTOR_DB, SELECTOR_ROUND, SELECTOR_OPERATOR,
SELECTOR_LANG), as `plain.quickly` reads them. They run the same code as through typer
(`cli.ballot_stage`, `plain.show_stage`, `cli.status`) and end the same way. Any other word —
a global option typed, --json, --help, an option typed twice or as --name=value, a count
that is not plain digits, a value that starts with "-", an empty word — and the whole
command line goes to typer, which reads it (and says what is wrong with it); so does one
typer answers before any command runs (shell completion, a FILE it cannot read).
`tests/cli/test_quick.py` holds each form to typer, and these options to typer's."""

from __future__ import annotations

import os
from pathlib import Path

COUNT, TEXT, FLAG = "count", "text", "flag"
LAYOUTS = ("wide", "long")
# command -> (its positional words, do further words follow (FILE…), its options and their kinds)
FORMS: dict[str, tuple[tuple[str, ...], bool, dict[str, object]]] = {
    "status": ((), False, {}),
    "show": (("STAGE",), False, {}),
    "cut": (("STAGE",), False, {}),
    "tally": (("STAGE",), True, {"--present": COUNT, "--issued": COUNT, "--layout": LAYOUTS, "--encoding": TEXT,
                                 "--sheet": TEXT, "--dry-run": FLAG}),
}


def parse(argv: list[str]) -> tuple[str, list[str], dict[str, object]] | None:
    """(command, its positional words, its options by name) for a command line in a plain
    form; None for any other (typer reads it)."""
    if not argv or argv[0] not in FORMS:
        return None
    name = argv[0]
    positional, more, kinds = FORMS[name]
    words: list[str] = []
    given: dict[str, object] = {}
    rest = iter(argv[1:])
    for word in rest:
        if not word or word.startswith("-"):
            kind = kinds.get(word)
            if kind is None or word in given:
                return None
            if kind == FLAG:
                given[word] = True
                continue
            value = next(rest, None)
            if not value or value.startswith("-"):
                return None
            if kind == COUNT:
                if not (value.isascii() and value.isdigit()) or len(value) > 9:
                    return None
                value = int(value)
            elif kind != TEXT and value not in kind:
                return None
            given[word] = value
        else:
            words.append(word)
    if len(words) < len(positional) + more or (not more and len(words) > len(positional)):
        return None
    return name, words, given


def run(argv: list[str]) -> int | None:
    """Run a plain command line without typer: its exit code; None when typer must run it —
    also for what typer does before any command: answer shell completion (_SELECTOR_COMPLETE),
    refuse a FILE it cannot read as a usage error (exit 2; a database it cannot read:
    `plain.quickly`)."""
    found = parse(argv)
    if found is None or "_SELECTOR_COMPLETE" in os.environ:
        return None
    name, words, given = found
    if name == "tally" and any(os.path.exists(f) and not os.access(f, os.R_OK) for f in words[1:]):
        return None
    from selector.cli.plain import quickly

    return quickly(lambda open_: _RUN[name](open_, words, given))


def _status(open_, words: list[str], given: dict) -> None:
    from selector.cli import status

    status.show(open_, as_json=False)


def _show(open_, words: list[str], given: dict) -> None:
    from selector.cli.plain import show_stage

    show_stage(open_.handler(words[0]).view())


def _cut(open_, words: list[str], given: dict) -> None:
    from selector.cli import ballot_stage
    from selector.cli.plain import show_stage
    from selector.domain.cuts import Decisions

    ballot_stage.cut(open_, words[0], Decisions({}, (), None, {}, ()), show_stage)


def _tally(open_, words: list[str], given: dict) -> None:
    from selector.cli import ballot_stage
    from selector.cli.plain import draw
    from selector.reports import terminal
    from selector.service.stages.ballots import BallotStage

    handler = open_.expect(words[0], BallotStage)
    view, result = ballot_stage.tally_files(
        handler, [Path(f) for f in words[1:]], present=given.get("--present"), issued=given.get("--issued"),
        dry_run=bool(given.get("--dry-run")), layout=given.get("--layout", "wide"), encoding=given.get("--encoding"),
        sheet=given.get("--sheet"))
    draw(terminal.tally, view, result)


_RUN = {"status": _status, "show": _show, "cut": _cut, "tally": _tally}
