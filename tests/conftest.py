"""Shared fixtures: every test gets its own database, a fixed width and a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SELECTOR_DB", str(tmp_path / "selector.db"))
    monkeypatch.setenv("SELECTOR_OPERATOR", "tester")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("SELECTOR_NO_PROGRESS", "1")
    # English unless a test asks for Chinese (the example rounds' locale is zh-CN).
    monkeypatch.setenv("SELECTOR_LANG", "en")
    monkeypatch.delenv("SELECTOR_ROUND", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run():
    """Run the CLI in-process: run("tally", "rec1", "f.csv") -> Result (stdout, stderr, exit_code)."""
    from selector.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke
