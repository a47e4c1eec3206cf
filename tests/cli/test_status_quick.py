"""`selector status` without typer ends as typer would: interrupted, failing underneath, or a bug."""

from __future__ import annotations

import sqlite3

import pytest

from selector.cli import quick, status
from selector.cli.plain import Options
from support import good_round


@pytest.fixture
def opened(tmp_path, monkeypatch, run):
    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    monkeypatch.setenv("SELECTOR_DB", str(tmp_path / "selector.db"))


def test_a_database_failing_underneath_is_one_line_and_exit_1(opened, monkeypatch, capsys):
    def fail(*a, **k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(status, "show", fail)
    assert quick.run(["status"]) == 1
    assert capsys.readouterr().err == "error: the database failed (disk I/O error): nothing was changed\n"


def test_a_bug_keeps_its_traceback(opened, monkeypatch):
    monkeypatch.setattr(status, "show", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        quick.run(["status"])


def test_the_round_prints_and_exit_0(opened, capsys):
    assert quick.run(["status"]) == 0
    assert "rec1" in capsys.readouterr().out


def test_an_interrupt_ends_as_through_typer(opened, monkeypatch, capsys):
    # typer turns Ctrl-C into exit 130 and prints nothing: a bare `selector status` must too
    # (scripts tell an interrupt from a refusal by it).
    import sys

    from selector.cli import main

    def interrupted(*a, **k):
        raise KeyboardInterrupt()

    monkeypatch.setattr(status, "show", interrupted)
    seen = []
    for argv in (["status"], ["--db", str(Options.from_environment().db), "status"]):
        monkeypatch.setattr(sys, "argv", ["selector", *argv])
        with pytest.raises(SystemExit) as ended:
            main()
        seen.append((ended.value.code, capsys.readouterr().err))
    assert seen[0] == seen[1] == (130, "")


def test_an_unreadable_database_is_refused_as_through_typer(opened, monkeypatch, capsys):
    # typer refuses a --db/SELECTOR_DB it cannot read as a usage error (exit 2); a bare
    # `selector status` must not answer it otherwise.
    import os
    import sys

    from selector.cli import main

    db = str(Options.from_environment().db)
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if str(path) == db else access(path, mode, *a, **k))
    seen = []
    for argv in (["status"], ["--db", db, "status"]):
        monkeypatch.setattr(sys, "argv", ["selector", *argv])
        with pytest.raises(SystemExit) as ended:
            main()
        seen.append((ended.value.code, (capsys.readouterr().err.splitlines() or [""])[-1]))
    assert seen[0] == seen[1]
    assert seen[0][0] == 2 and "is not readable" in seen[0][1]
