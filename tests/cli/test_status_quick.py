"""`selector status` without typer ends as typer would: interrupted, failing underneath, or a bug."""

from __future__ import annotations

import sqlite3

import pytest

from selector.cli import status
from support import good_round


@pytest.fixture
def opened(tmp_path, monkeypatch, run):
    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    monkeypatch.setenv("SELECTOR_DB", str(tmp_path / "selector.db"))


def test_an_interrupt_is_one_word_and_exit_1(opened, monkeypatch, capsys):
    monkeypatch.setattr(status, "show", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert status.quick() == 1
    assert capsys.readouterr().err == "Aborted.\n"


def test_a_database_failing_underneath_is_one_line_and_exit_1(opened, monkeypatch, capsys):
    def fail(*a, **k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(status, "show", fail)
    assert status.quick() == 1
    assert capsys.readouterr().err == "error: the database failed (disk I/O error): nothing was changed\n"


def test_a_bug_keeps_its_traceback(opened, monkeypatch):
    monkeypatch.setattr(status, "show", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        status.quick()


def test_the_round_prints_and_exit_0(opened, capsys):
    assert status.quick() == 0
    assert "rec1" in capsys.readouterr().out
