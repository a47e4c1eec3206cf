"""A ballot stage's screens (tally, show, cut) and the status print without Rich where they
can (`cli.plain.draw`): byte for byte what Rich prints, and Rich is not even imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from exportdata import vote1_ballots
from support import ROOT

from selector.cli import plain
from selector.reports import bare
from selector.reports.screen import BareSink

from test_startup import ROUND, _imported

STAGES = ("rec1", "rec2", "vote1", "vote2")


def screens(run) -> list[str]:
    out = [run("show", stage).stdout for stage in STAGES]
    out.append(run("status").stdout)
    out.append(run("tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56").stderr)  # (refused: tallied)
    return out


@pytest.mark.parametrize("columns", ["100", "60", "34"])  # 34: rankings stacked, tables squeezed
@pytest.mark.parametrize("colour", [{}, {"FORCE_COLOR": "1"}, {"FORCE_COLOR": "1", "NO_COLOR": "1"}], ids=str)
def test_the_screens_without_rich_are_the_screens_rich_prints(counted, run, monkeypatch, columns, colour):
    counted("vote2")
    monkeypatch.setenv("COLUMNS", columns)
    for name, value in colour.items():
        monkeypatch.setenv(name, value)
    written = []
    text = BareSink.text
    monkeypatch.setattr(BareSink, "text", lambda self: written.append(1) or text(self))
    ours = screens(run)
    if columns == "100":
        assert len(written) == len(STAGES) + 1  # every stage's screen, and the status: they fit
    monkeypatch.setattr(bare.Screen, "detect", classmethod(lambda cls, *a, **k: None))  # Rich prints them all
    monkeypatch.setattr(plain, "write", lambda text: pytest.fail("written without Rich"))
    assert ours == screens(run)
    assert any(ours[:len(STAGES)]) and ("\x1b[" in ours[0]) == bool(colour)


def test_a_dry_run_and_a_cut_print_as_rich_prints_them(counted, run, monkeypatch):
    def printed() -> list[str]:
        counted("rec2")
        vote1_ballots(Path("vote1.csv"))
        return [run("tally", "vote1", "vote1.csv", "--present", "11", "--issued", "11", "--dry-run").stdout,
                run("tally", "vote1", "vote1.csv", "--present", "11", "--issued", "11").stdout,
                run("cut", "vote1").stdout]

    ours = printed()
    monkeypatch.setattr(bare.Screen, "detect", classmethod(lambda cls, *a, **k: None))
    assert ours == printed()
    assert "dry run" in ours[0] and "recorded" in ours[1] and "cut of vote1 locked" in ours[2]


BALLOTS = "ballot,P01\n1,C001\n2,C001\n3,\n4,C001\n5,C001\n6,\n7,C001\n"


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}], ids=str)
def test_tally_show_and_cut_import_no_rich(tmp_path, env):
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    (tmp_path / "b.csv").write_text(BALLOTS, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SELECTOR_DB=str(tmp_path / "r.db"), COLUMNS="80",
               SELECTOR_LANG="en", **env)
    subprocess.run([sys.executable, "-m", "selector", "init", str(tmp_path / "r.toml")], env=env, check=True,
                   capture_output=True)
    for args in (("tally", "rec1", str(tmp_path / "b.csv"), "--present", "7", "--issued", "7"), ("show", "rec1"),
                 ("cut", "rec1"), ("status",)):
        names, proc = _imported(*args, env=env)
        assert proc.returncode == 0, proc.stderr[-500:]
        assert "C001" in proc.stdout or args == ("status",)
        assert not {n for n in names if n.split(".")[0] == "rich"}, args
        if args[0] == "tally":  # (other stage kinds' handlers are imported for stages of their kind)
            assert not {"selector.service.stages.inspect", "selector.service.stages.notice"} & set(names)
    names, proc = _imported("show", "rec1", env={**env, "COLUMNS": "12"})  # too narrow: Rich draws it
    assert proc.returncode == 0 and "rich.console" in names
