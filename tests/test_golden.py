"""Terminal output of `show` and `status` at COLUMNS=100, compared with tests/golden/*.txt.

On a mismatch the new output is written next to the golden file as `<name>.new` (diff the two);
SELECTOR_UPDATE_GOLDEN=1 rewrites the golden files instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support import GOOD, good_round

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    new = GOLDEN / f"{name}.txt.new"
    if os.environ.get("SELECTOR_UPDATE_GOLDEN") == "1":
        golden.write_text(text, "utf-8")
        new.unlink(missing_ok=True)
        return
    expected = golden.read_text("utf-8") if golden.exists() else None
    if text != expected:
        new.write_text(text, "utf-8")
        pytest.fail(f"{name}: output differs from {golden.name}; see {new} "
                    "(SELECTOR_UPDATE_GOLDEN=1 accepts it)")
    new.unlink(missing_ok=True)


@pytest.fixture
def demo(run, tmp_path):
    good_round(tmp_path)
    for name in ("rec1.csv", "vote1.csv"):
        shutil.copy(GOOD / name, name)
    assert run("init", "round.toml").exit_code == 0
    return run


def output(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_golden_status_and_show(demo):
    check_golden("status-new", output(demo("status")))
    demo("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20")
    check_golden("show-rec1-tallied", output(demo("show", "rec1")))
    check_golden("status-rec1-tallied", output(demo("status")))
    demo("cut", "rec1")
    demo("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8")
    check_golden("show-vote1-tallied", output(demo("show", "vote1")))
    demo("cut", "vote1")
    check_golden("show-vote1-locked", output(demo("show", "vote1")))
    check_golden("status-complete", output(demo("status")))


def test_golden_tie(demo):
    from test_cli import tie_file

    tie_file()
    demo("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    check_golden("show-rec1-tied", output(demo("show", "rec1")))
    check_golden("status-rec1-tied", output(demo("status")))
