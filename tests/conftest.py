"""Shared fixtures: every test gets its own database, a fixed width and a fixed clock; `run`
runs the CLI in-process; `counted` is a round counted once a session and copied."""

from __future__ import annotations

from pathlib import Path

import shutil

import pytest
from exportdata import DATA as EXPORT_DATA, ROUND, rec1_ballots, rec2_ballots, vote1_ballots, vote2_ballots
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


_COUNTED: dict[str, Path] = {}


@pytest.fixture
def counted(run, tmp_path, tmp_path_factory):
    """The 东台县 round (two posts, five stages) counted up to `upto` (a stage id) in the test's
    folder: built once a session through the CLI, then copied (the tests may edit their copy).
    Returns the folder with the database, the round file and the ballot files."""

    def go(upto: str = "vote2") -> Path:
        if upto in _COUNTED:
            shutil.copytree(_COUNTED[upto], tmp_path, dirs_exist_ok=True)
            return tmp_path
        build(upto)
        keep = tmp_path_factory.mktemp(f"counted-{upto}")
        shutil.copytree(tmp_path, keep, dirs_exist_ok=True)
        _COUNTED[upto] = keep
        return tmp_path

    def build(upto: str) -> None:
        shutil.copy(EXPORT_DATA / ROUND, tmp_path / ROUND)
        steps = [
            ("rec1", lambda: run("tally", "rec1", rec1_ballots(Path("rec1.csv")),
                                 "--present", "56", "--issued", "56")),
            ("rec2", lambda: (run("tally", "rec2", rec2_ballots(Path("rec2.csv")),
                                  "--present", "28", "--issued", "28"),
                              run("cut", "rec2", "--resolve", "P02=C07", "--reason",
                                  "县委常委会2026年5月8日研究，按民主测评结果确定张伟"))),
            ("vote1", lambda: (run("tally", "vote1", vote1_ballots(Path("vote1.csv")),
                                   "--present", "11", "--issued", "11"),
                               run("cut", "vote1"))),
            ("vote2", lambda: (run("tally", "vote2", vote2_ballots(Path("vote2.csv")),
                                   "--present", "14", "--issued", "14"),
                               run("cut", "vote2"))),
        ]
        assert run("init", ROUND).exit_code == 0
        for stage, step in steps:
            results = step()
            for r in results if isinstance(results, tuple) else (results,):
                assert r.exit_code == 0, r.stdout + r.stderr
            if stage == upto:
                break

    return go


_TALLIED: dict[str, Path] = {}


@pytest.fixture
def tallied(run, tmp_path, tmp_path_factory):
    """rec1 tallied (two batches), cut with a recorded decision, certified; vote1 tallied.

    Built once through the CLI, then copied for each test (the tests edit their copy)."""
    if "dir" in _TALLIED:
        for name in ("selector.db", "selector.db.witness"):
            shutil.copy(_TALLIED["dir"] / name, tmp_path / name)
        shutil.copytree(_TALLIED["dir"] / "ballots", tmp_path / "ballots")
        return tmp_path / "ballots"
    files = _build(run, tmp_path)
    keep = tmp_path_factory.mktemp("tallied")
    for name in ("selector.db", "selector.db.witness"):
        shutil.copy(tmp_path / name, keep / name)
    shutil.copytree(files, keep / "ballots")
    _TALLIED["dir"] = keep
    return files


def _build(run, tmp_path):
    from audit_data import VOTE1, papers_csv, setup_rec1

    files = setup_rec1(run, tmp_path)
    r = run("cut", "rec1", "--resolve", "P01=C02", "--reason", "常委会2026年3月2日研究决定")
    assert r.exit_code == 0, r.stderr
    r = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽")
    assert r.exit_code == 0, r.stderr
    papers_csv(files / "vote1.csv", VOTE1)
    r = run("tally", "vote1", files / "vote1.csv", "--present", "10", "--issued", "10")
    assert r.exit_code == 0, r.stderr
    return files
