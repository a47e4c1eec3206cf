"""Crash and concurrency safety of writes, and the database file's permissions.

These run `python -m selector` in real subprocesses (a real SIGKILL, real parallel writers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from audit_data import REC1, dump, long_file, papers_csv, write_round
from support import ROOT

SRC = ROOT / "src"


def selector(*args, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen([sys.executable, "-m", "selector", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_database_is_created_owner_only(run, tmp_path):
    old = os.umask(0)
    try:
        assert run("init", write_round(tmp_path)).exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "selector.db").stat().st_mode & 0o777 == 0o600


def test_a_killed_tally_leaves_the_database_as_it_was(run, tmp_path):
    assert run("init", write_round(tmp_path, electorate=400_000)).exit_code == 0
    papers_csv(tmp_path / "first.csv", [("A" + b, *rest) for b, *rest in REC1])
    assert run("tally", "rec1", tmp_path / "first.csv", "--present", "360000", "--issued", "320000").exit_code == 0
    before = dump("selector.db")
    big = long_file(tmp_path / "big.csv", 300_000)  # 600,000 rows: ~0.6 s of tallying

    proc = selector("tally", "rec1", big, "--layout", "long")
    journal = tmp_path / "selector.db-journal"
    deadline = time.monotonic() + 60
    while not (journal.exists() and journal.stat().st_size > 0) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.01)
    time.sleep(0.1)  # well into the file: rows are being written
    assert proc.poll() is None, "the tally finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    assert dump("selector.db") == before  # the hot journal rolled the half-tally back
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "from 10 stored ballots" in r.stdout
    status = json.loads(run("status", "--json").stdout)["stages"][0]
    assert (status["batches"], status["returned"]) == (1, 10)


def test_two_tallies_at_once_never_double_count(run, tmp_path):
    assert run("init", write_round(tmp_path, electorate=50_000)).exit_code == 0
    a = long_file(tmp_path / "a.csv", 6_000)
    b = long_file(tmp_path / "b.csv", 6_000, start=6_000)
    att = ("--present", "40000", "--issued", "40000", "--layout", "long")
    procs = [selector("tally", "rec1", f, *att) for f in (a, b, a)]  # `a` twice, at once
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 0, 1], results
    refused = next(err for code, err in results if code == 1)
    assert "already tallied" in refused or "busy" in refused
    status = json.loads(run("status", "--json").stdout)["stages"][0]
    assert (status["batches"], status["returned"]) == (2, 12_000)
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr


INIT_AT = """
import sys, time
from selector.cli import app
start = float(sys.argv[1])
while time.time() < start:
    pass
app(["--db", sys.argv[2], "init", sys.argv[3]], prog_name="selector")
"""


def test_inits_of_a_new_database_at_once_store_the_round_once(tmp_path):
    """Each builds the new file aside and names it at its commit; those that lose the race store
    the round in the winner's file (unchanged), so every one succeeds and nothing is doubled."""
    path = tmp_path / "fresh.db"
    round_file = write_round(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    start = time.time() + 1.5  # every process imported and waiting: they open together
    procs = [subprocess.Popen([sys.executable, "-c", INIT_AT, str(start), str(path), str(round_file)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(6)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, outs
    assert sum("stored in" in out for out, _ in outs) == 1
    from selector.storage.schema import MIGRATIONS
    from selector.storage.store import Store

    store = Store(path)
    applied = [name for (name,) in store.conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == [m.__name__ for m in MIGRATIONS]  # each once
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    assert sorted(os.listdir(tmp_path)) == ["dongtai-2026.toml", "fresh.db"]  # no file left aside


def test_verify_reads_one_state_while_a_tally_commits(run, tmp_path, monkeypatch):
    """A tally that commits while `audit verify` runs must not show as differences: verify
    reads in one transaction, and the tally's commit waits for it."""
    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    papers_csv(tmp_path / "b.csv", [("B" + b, *rest) for b, *rest in REC1])
    from selector.audit import verify as audit_verify

    check_round, procs = audit_verify._check_round, []

    def midway(*args):
        # The chain has been read; another command tallies and tries to commit now.
        proc = selector("tally", "rec1", tmp_path / "b.csv")
        procs.append(proc)
        journal = tmp_path / "selector.db-journal"
        deadline = time.monotonic() + 60
        while proc.poll() is None and not journal.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # committed by now, unless it waits for verify
        return check_round(*args)

    with monkeypatch.context() as patched:
        patched.setattr(audit_verify, "_check_round", midway)
        r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "from 10 stored ballots" in r.stdout
    out, err = procs[0].communicate(timeout=60)
    assert procs[0].returncode == 0, err  # the tally went ahead once verify was done
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "from 20 stored ballots" in r.stdout
