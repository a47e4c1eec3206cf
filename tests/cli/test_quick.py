"""The plain forms of `status`, `show`, `cut` and `tally` run without typer (`cli.quick`):
the same words on stdout and stderr, the same exit code and the same database as typer
gives for the same command line; every other form goes to typer."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from exportdata import DATA, ROUND, rec1_ballots, rec2_ballots
from support import ROOT

from selector.cli import quick

TYPER = "from selector.cli import app; app(prog_name='selector')"


@pytest.mark.parametrize("argv, found", [
    (["status"], ("status", [], {})),
    (["show", "rec1"], ("show", ["rec1"], {})),
    (["cut", "rec2"], ("cut", ["rec2"], {})),
    (["tally", "rec1", "a.csv", "--present", "56", "--issued", "056"],
     ("tally", ["rec1", "a.csv"], {"--present": 56, "--issued": 56})),
    (["tally", "--dry-run", "rec1", "--layout", "long", "a.csv", "b.xlsx", "--sheet", "第一组", "--encoding", "gbk"],
     ("tally", ["rec1", "a.csv", "b.xlsx"], {"--dry-run": True, "--layout": "long", "--sheet": "第一组",
                                             "--encoding": "gbk"})),
])
def test_a_plain_command_line_is_read_without_typer(argv, found):
    assert quick.parse(argv) == found


@pytest.mark.parametrize("argv", [
    [], ["--db", "x.db", "status"], ["status", "--json"], ["status", "rec1"], ["show"], ["show", "rec1", "rec2"],
    ["show", "rec1", "--json"], ["show", "-h"], ["cut", "rec1", "--resolve", "P01=C01"], ["tally", "rec1"],
    ["tally", "rec1", "a.csv", "--present", "-1"], ["tally", "rec1", "a.csv", "--present", "５"],
    ["tally", "rec1", "a.csv", "--present", "+5"], ["tally", "rec1", "a.csv", "--present=5"],
    ["tally", "rec1", "a.csv", "--present", "5", "--present", "6"], ["tally", "rec1", "a.csv", "--present"],
    ["tally", "rec1", "a.csv", "--layout", "Wide"], ["tally", "rec1", "a.csv", "--encoding", "--dry-run"],
    ["tally", "rec1", "", "--present", "5"], ["tally", "rec1", "a.csv", "--json"], ["tally", "rec1", "-"],
    ["tally", "rec1", "a.csv", "--", "b.csv"], ["tally", "rec1", "a.csv", "--withdraw", "1"],
    ["tally", "rec1", "--totals", "t.csv"], ["tally", "rec1", "a.csv", "--present", "1234567890"],
    ["export", "rec1"], ["audit", "verify"], ["--help"],
])
def test_any_other_command_line_goes_to_typer(argv):
    assert quick.parse(argv) is None
    assert quick.run(argv) is None


def test_the_plain_forms_take_the_options_typer_takes():
    # The forms name their options once more: each must be the typer command's, of the same kind.
    from typer.main import get_command

    from selector.cli import app

    group = get_command(app)
    for name, (positional, more, kinds) in quick.FORMS.items():
        command = group.commands[name]
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        assert [p.name.upper() for p in arguments if p.required] == list(positional), name
        assert more == any(p.nargs == -1 for p in arguments), name
        options = {o: p for p in command.params if p.param_type_name == "option" for o in p.opts}
        for option, kind in kinds.items():
            param = options[option]
            assert len(param.opts) == 1 and not param.multiple, option
            if kind == quick.FLAG:
                assert param.is_flag and not param.secondary_opts, option
            elif kind == quick.COUNT:
                assert type(param.type).__name__ == "IntRange" and param.type.min == 0 and param.type.max is None
            elif kind == quick.TEXT:
                assert type(param.type).__name__ == "StringParamType", option
            else:
                assert tuple(param.type.choices) == kind, option


def _run(argv: list[str], folder: Path, env: dict, through_typer: bool) -> tuple[int, str, str]:
    args = [sys.executable, "-c", TYPER, *argv] if through_typer else [sys.executable, "-m", "selector", *argv]
    done = subprocess.run(args, env=env, cwd=folder, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


# (commands run first in the folder, then the command line run both ways on copies of it)
CASES = [
    ([], ["status"]),
    ([], ["show", "rec1"]),
    ([], ["show", "nosuch"]),
    ([], ["cut", "rec1"]),
    ([], ["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56"]),
    ([], ["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56", "--dry-run"]),
    ([], ["tally", "rec1", "rec1.csv", "--present", "30", "--issued", "30"]),  # no quorum: refused and logged
    ([], ["tally", "rec1", "rec1.csv", "--layout", "long", "--present", "56", "--issued", "56"]),
    ([], ["tally", "rec1", "missing.csv", "--present", "56", "--issued", "56"]),
    ([], ["tally", "rec1", "rec1.csv", "--encoding", "utf-8", "--present", "56", "--issued", "56"]),
    ([], ["tally", "rec1", "rec1.csv", "--sheet", "Sheet1", "--present", "56", "--issued", "56"]),
    ([], ["tally", "rec2", "rec2.csv", "--present", "28", "--issued", "28"]),
    ([["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56"]], ["cut", "rec1"]),
    ([["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56"]], ["tally", "rec1", "rec1.csv"]),
    ([["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56"], ["cut", "rec1"],
      ["tally", "rec2", "rec2.csv", "--present", "28", "--issued", "28"]], ["cut", "rec2"]),  # a tie: held
    ([["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56"], ["cut", "rec1"]], ["show", "rec1"]),
]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_plain_command_ends_as_through_typer(tmp_path, lang):
    base = tmp_path / "base"
    base.mkdir()
    shutil.copy(DATA / ROUND, base / ROUND)
    rec1_ballots(base / "rec1.csv")
    rec2_ballots(base / "rec2.csv")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SELECTOR_DB="selector.db", SELECTOR_OPERATOR="王芳",
               SELECTOR_LANG=lang, SOURCE_DATE_EPOCH="1780000000", COLUMNS="80", SELECTOR_NO_PROGRESS="1")
    assert _run(["init", ROUND], base, env, True)[0] == 0
    seen = set()
    for i, (before, argv) in enumerate(CASES):
        ran = []
        for through_typer in (False, True):
            folder = tmp_path / f"{i}-{through_typer}"
            shutil.copytree(base, folder)
            for step in before:
                assert _run(step, folder, env, True)[0] == 0, step
            ran.append((_run(argv, folder, env, through_typer), _dump(folder / "selector.db")))
        assert ran[0] == ran[1], argv
        seen.add(ran[0][0][0])
    assert seen == {0, 1}  # done, and refused (a rule, a file, a stage not ready)


def test_the_plain_forms_do_not_load_typer(tmp_path):
    shutil.copy(DATA / ROUND, tmp_path / ROUND)
    rec1_ballots(tmp_path / "rec1.csv")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SELECTOR_DB=str(tmp_path / "selector.db"),
               SELECTOR_LANG="en", COLUMNS="80")
    assert _run(["init", str(tmp_path / ROUND)], tmp_path, env, True)[0] == 0
    for argv in (["tally", "rec1", "rec1.csv", "--present", "56", "--issued", "56"], ["show", "rec1"],
                 ["cut", "rec1"], ["status"]):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "selector", *argv], env=env, cwd=tmp_path,
                              capture_output=True, text=True)
        names = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
        assert done.returncode == 0, done.stderr[-300:]
        assert not {n for n in names if n.split(".")[0] in ("typer", "click", "rich")}, argv


def test_what_typer_does_before_any_command_goes_to_typer(tmp_path, monkeypatch, capsys):
    # typer refuses a FILE it cannot read as a usage error (exit 2) before the command runs,
    # and answers shell completion instead of running it: the plain forms hand both over.
    from selector.cli import main

    monkeypatch.setenv("SELECTOR_DB", str(tmp_path / "selector.db"))
    shutil.copy(DATA / ROUND, tmp_path / ROUND)
    rec1 = rec1_ballots(tmp_path / "rec1.csv")
    assert quick.run(["init", str(tmp_path / ROUND)]) is None
    monkeypatch.setattr(sys, "argv", ["selector", "init", str(tmp_path / ROUND)])
    with pytest.raises(SystemExit):
        main()
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if str(path) == str(rec1) else
                        access(path, mode, *a, **k))
    argv = ["tally", "rec1", str(rec1), "--present", "56", "--issued", "56"]
    assert quick.parse(argv) is not None and quick.run(argv) is None
    seen = []
    for line in (argv, ["--db", str(tmp_path / "selector.db"), *argv]):  # (--db: through typer)
        monkeypatch.setattr(sys, "argv", ["selector", *line])
        with pytest.raises(SystemExit) as ended:
            main()
        seen.append((ended.value.code, capsys.readouterr().err.splitlines()[-1]))
    assert seen[0] == seen[1] and seen[0][0] == 2 and "is not readable" in seen[0][1]
    monkeypatch.setattr(os, "access", access)
    monkeypatch.setenv("_SELECTOR_COMPLETE", "bash_source")
    assert quick.run(["status"]) is None and quick.run(["show", "rec1"]) is None
