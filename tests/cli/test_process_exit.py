"""`selector` as a process ends without tearing the interpreter down (`cli.run`): with the
exit code, the output and the database the command left, as Python would have ended it."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from support import ROOT, good_round, write_csv

from selector import cli


@pytest.fixture(autouse=True)
def _collector_back():
    yield
    gc.enable()  # cli.run turned it off: this process goes on


def _selector(*args: str, db, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SELECTOR_DB=str(db), SELECTOR_OPERATOR="测试员",
               SELECTOR_NO_PROGRESS="1", SELECTOR_LANG="en")
    env.pop("PYTHONUNBUFFERED", None)  # output buffered, as on a clerk's machine
    return subprocess.run([sys.executable, "-m", "selector", *args], capture_output=True, env=env, **kw)


def test_a_command_ends_with_its_output_code_and_database(tmp_path):
    db = tmp_path / "r.db"
    round_file = good_round(tmp_path)
    assert _selector("init", str(round_file), db=db).returncode == 0
    rows = [["ballot", "category", "P01", "P02"]] + [[f"B{i:04d}", "一般干部", "张伟(审计)" if i % 2 else "王芳", "刘洋"]
                                                    for i in range(1, 25)]
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    done = _selector("tally", "rec1", str(ballots), "--present", "24", "--issued", "24", db=db)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    shown = _selector("show", "rec1", "--json", db=db)
    assert shown.returncode == 0
    view = json.loads(shown.stdout)  # the whole of it, flushed before the process ended
    assert view["attendance"]["returned"] == 24 and len(view["posts"]) == 2
    with sqlite3.connect(db) as conn:  # committed: the tally's batch is there for another reader
        assert conn.execute("SELECT count(*) FROM batches").fetchone() == (1,)
    again = _selector("tally", "rec1", str(ballots), "--present", "24", "--issued", "24", db=db)
    assert again.returncode == 1 and again.stderr.decode().count("\n") >= 1 and not again.stdout
    assert _selector("no-such-command", db=db).returncode == 2
    version = _selector("--version", db=db)  # written without a flush of its own
    assert version.returncode == 0 and version.stdout.startswith(b"selector ")


def test_a_closed_pipe_ends_quietly_as_before(tmp_path):
    db = tmp_path / "r.db"
    assert _selector("init", str(good_round(tmp_path)), db=db).returncode == 0
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SELECTOR_DB=str(db), SELECTOR_LANG="en")
    proc = subprocess.Popen([sys.executable, "-m", "selector", "show", "rec1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader went away (`selector show | head -0`)
    err = proc.stderr.read()
    assert proc.wait() == 1 and b"Traceback" not in err and b"Exception ignored" not in err


@pytest.mark.parametrize("raised, code", [(None, 0), (SystemExit(0), 0), (SystemExit(None), 0), (SystemExit(2), 2),
                                          (SystemExit(130), 130)])
def test_run_hands_the_exit_code_to_the_operating_system(monkeypatch, raised, code):
    collecting = []

    def main():
        collecting.append(gc.isenabled())  # a command runs without the cyclic collector
        sys.stdout.write("done")
        if raised is not None:
            raise raised

    class Ended(Exception):
        pass

    def _exit(c):
        raise Ended(c)

    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(cli, "_watched", lambda: False)  # (the suite may run under coverage)
    monkeypatch.setattr(os, "_exit", _exit)
    with pytest.raises(Ended) as ended:
        cli.run()
    assert ended.value.args == (code,) and collecting == [False]


def test_an_exit_with_a_message_is_left_to_python(monkeypatch):
    monkeypatch.setattr(cli, "main", lambda: sys.exit("a message"))
    monkeypatch.setattr(os, "_exit", lambda c: pytest.fail("ended early"))
    with pytest.raises(SystemExit) as raised:
        cli.run()
    assert raised.value.code == "a message"


def test_the_installed_script_ends_as_python_m_selector_does():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"selector": "selector.cli:run"}
    assert (ROOT / "src" / "selector" / "__main__.py").read_text("utf-8") == "from selector.cli import run\n\nrun()\n"


def test_a_profiled_or_traced_process_ends_as_python_ends_it(monkeypatch):
    # cProfile, coverage and the like write what they found as the interpreter ends
    monkeypatch.setattr(cli, "main", lambda: None)
    monkeypatch.setattr(os, "_exit", lambda c: pytest.fail("ended early"))
    monkeypatch.setattr(sys, "gettrace", lambda: print)
    with pytest.raises(SystemExit) as raised:
        cli.run()
    assert raised.value.code == 0


def test_cprofile_still_writes_its_findings(tmp_path):
    out = tmp_path / "p.prof"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "selector", "--version"],
                          capture_output=True, env=env)
    assert done.returncode == 0 and done.stdout.startswith(b"selector ") and out.stat().st_size > 0
