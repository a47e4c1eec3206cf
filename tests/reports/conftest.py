"""A small real-looking round (东台县, two posts, five stages) taken through its counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from exportdata import DATA, ROUND, rec1_ballots, rec2_ballots, vote1_ballots, vote2_ballots


@pytest.fixture
def counted(run, tmp_path):
    """Run the round up to `upto` (a stage id): returns the tmp dir with the database."""

    def go(upto: str = "vote2") -> Path:
        shutil.copy(DATA / ROUND, tmp_path / ROUND)
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
        return tmp_path

    return go
