"""The 讨论决定 screens in both interface languages at 80 and 120 columns (tests/golden): a sitting
with one nominee passing, one failing and a post deferred, the refused cut, the status, and the
stage after the deferred post was decided with a member recused."""

from __future__ import annotations

import shutil

import pytest

from support import DATA
from test_golden import SCREENS, keep, screen_text


@pytest.fixture(params=SCREENS, ids=lambda p: f"{p[0]}-{p[1]}")
def screen(request, run, tmp_path, monkeypatch):
    lang, width = request.param
    monkeypatch.setenv("SELECTOR_LANG", lang)
    monkeypatch.setenv("COLUMNS", str(width))
    for name in ("round.toml", "sitting-1.toml", "sitting-2.toml"):
        shutil.copy(DATA / "decide" / name, tmp_path / name)
    assert run("init", "round.toml").exit_code == 0
    return run, f"{lang}-{width}"


def test_golden_decide(screen):
    run, folder = screen
    keep(folder, "sitting-decide-1", screen_text(run("sitting", "decide", "sitting-1.toml")))
    keep(folder, "cut-decide-undecided", screen_text(run("cut", "decide"), code=1))
    keep(folder, "status-decide-sitting", screen_text(run("status")))
    assert run("sitting", "decide", "sitting-2.toml").exit_code == 0
    keep(folder, "show-decide-2", screen_text(run("show", "decide")))
