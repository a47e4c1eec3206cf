"""The screens a clerk reads, in both interface languages, at 80 and 120 columns, compared
with tests/golden/LANG-WIDTH/*.txt: tally, show, cut (held at a tie, and locked), status and
audit verify. Nothing a clerk must read may end in "…" at 80 columns.

On a mismatch the new output is written beside the golden file as `NAME.txt.new` (diff the
two); SELECTOR_UPDATE_GOLDEN=1 rewrites the golden files instead.
"""

from __future__ import annotations

import re
import shutil

import pytest

from support import GOOD, check_golden, good_round
from test_cli import tie_file

SCREENS = [(lang, width) for lang in ("zh-CN", "en") for width in (80, 120)]


@pytest.fixture(params=SCREENS, ids=lambda p: f"{p[0]}-{p[1]}")
def screen(request, run, tmp_path, monkeypatch):
    """`run` in one language at one width; returns (run, golden folder)."""
    lang, width = request.param
    monkeypatch.setenv("SELECTOR_LANG", lang)
    monkeypatch.setenv("COLUMNS", str(width))
    good_round(tmp_path)
    for name in ("rec1.csv", "vote1.csv"):
        shutil.copy(GOOD / name, name)
    assert run("init", "round.toml").exit_code == 0
    return run, f"{lang}-{width}"


def screen_text(result, code: int = 0) -> str:
    assert result.exit_code == code, result.stderr
    return result.stdout + (f"--- stderr\n{result.stderr}" if result.stderr else "")


def keep(folder: str, name: str, text: str) -> None:
    # Rich pads short lines to the width: the trailing spaces are not what a clerk reads.
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if folder.endswith("-80"):
        # "…" stands only where we write it (a shortened hash, FILE…, "…" for a reason), never
        # where a table cut a name, title or verdict short.
        ours = re.sub(r'[0-9a-f]…|FILE…|文件…|=ID,…|"…"| … ', "", text)
        assert "…" not in ours, f"{name} cuts text off at 80 columns"
    check_golden(f"{folder}/{name}.txt", text)


def test_golden_screens(screen):
    run, folder = screen
    keep(folder, "status-new", screen_text(run("status")))
    keep(folder, "tally-rec1", screen_text(run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20")))
    keep(folder, "status-rec1-tallied", screen_text(run("status")))
    keep(folder, "cut-rec1-locked", screen_text(run("cut", "rec1")))
    run("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8")
    keep(folder, "show-vote1-tallied", screen_text(run("show", "vote1")))
    run("cut", "vote1")
    keep(folder, "show-vote1-locked", screen_text(run("show", "vote1")))
    keep(folder, "status-complete", screen_text(run("status")))
    keep(folder, "audit-verify", screen_text(run("audit", "verify")))


def test_golden_tie(screen):
    run, folder = screen
    tie_file()
    run("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    keep(folder, "show-rec1-tied", screen_text(run("show", "rec1")))
    keep(folder, "cut-rec1-tied", screen_text(run("cut", "rec1"), code=1))
    keep(folder, "status-rec1-tied", screen_text(run("status")))
