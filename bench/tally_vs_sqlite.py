"""Tally throughput and memory against the sqlite3 shell, side by side in one run.

    python bench/tally_vs_sqlite.py [--reps 3] [--ballots 33334] [--data bench/data]

For each layout (long, wide) it times, in fresh databases:
  reference  `sqlite3` CLI: `.import` of the long CSV + one `GROUP BY post, candidate`
  selector   `python -m selector tally rec1 FILE --present N --issued N` (decode, validate,
             store raw rows, count, save the snapshot, print the table)
then `python -m selector show rec1` (target < 1 s) and `python -m selector audit verify`
(the recount of every stored row, target ≤ 3× the reference) on the tallied database.
Prints the best and median wall time of each, the ratios to sqlite3 (the median over
repetitions, each pairing runs made back to back, so a shared machine's load hits both
sides alike; tally target ≤ 2×), and the peak RSS of the selector child (target ≤ 200 MiB,
from wait4's rusage). `round init` is not timed. The package is byte-compiled first, as
pip does when it installs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_data  # noqa: E402

SQL = ".mode csv\n.import '{csv}' marks\nSELECT post, candidate, count(*) FROM marks GROUP BY post, candidate;\n"


def timed(argv: list[str], *, env=None, stdin: str | None = None, cwd=None) -> tuple[float, int]:
    """Run argv; return (wall seconds, peak RSS in KiB of the child). Fails loudly on exit != 0."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin:
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {err.decode(errors='replace')}")
    return wall, usage.ru_maxrss


def selector_env(db: Path) -> dict:
    env = dict(os.environ, SELECTOR_DB=str(db), SELECTOR_NO_PROGRESS="1", SELECTOR_OPERATOR="bench",
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("SELECTOR_ROUND", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its .pyc files
    return env


def selector(*args: str) -> list[str]:
    return [sys.executable, "-m", "selector", *args]


def summary(values: list[float]) -> str:
    return f"best {min(values):6.2f} s  median {statistics.median(values):6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--ballots", type=int, default=make_data.BALLOTS)
    parser.add_argument("--data", default=str(HERE / "data"))
    parser.add_argument("--layouts", default="long,wide")
    args = parser.parse_args()
    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        sys.exit("the sqlite3 command-line shell is needed (Debian: apt-get install sqlite3)")
    data = Path(args.data)
    files = make_data.build(data, args.ballots)
    marks = sum(1 for _ in open(files["long"], encoding="utf-8")) - 1
    version = subprocess.run([sqlite3, "--version"], capture_output=True, text=True).stdout.split()[0]
    print(f"{marks:,} marks, {args.ballots:,} ballots × {make_data.POSTS} posts; "
          f"sqlite3 {version}; python {sys.version.split()[0]}; {args.reps} repetitions")
    n = str(args.ballots)
    failed = False
    layouts = args.layouts.split(",")
    ref: list[float] = []
    times: dict[str, list[float]] = {layout: [] for layout in layouts}
    rss: dict[str, list[int]] = {layout: [] for layout in layouts}
    shows: dict[str, list[float]] = {layout: [] for layout in layouts}
    verifies: dict[str, list[float]] = {layout: [] for layout in layouts}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "selector")], check=True)
    with tempfile.TemporaryDirectory(prefix="selector-bench-") as tmp:
        tmp = Path(tmp)
        # Interleaved (reference, long, wide, reference, …) so that both sides of each
        # ratio see the same load on a shared machine.
        for i in range(args.reps):
            db = tmp / f"ref{i}.db"
            ref.append(timed([sqlite3, str(db)], stdin=SQL.format(csv=files["long"]))[0])
            db.unlink()
            for layout in layouts:
                db = tmp / f"{layout}{i}.db"
                env = selector_env(db)
                timed(selector("init", str(files["round"])), env=env, cwd=tmp)
                wall, peak = timed(selector("tally", "rec1", str(files[layout]), "--layout", layout,
                                            "--present", n, "--issued", n), env=env, cwd=tmp)
                times[layout].append(wall)
                rss[layout].append(peak)
                shows[layout].append(timed(selector("show", "rec1"), env=env, cwd=tmp)[0])
                verifies[layout].append(timed(selector("audit", "verify"), env=env, cwd=tmp)[0])
                db.unlink()
    print(f"{'sqlite3 .import + GROUP BY':32s} {summary(ref)}")
    for layout in layouts:
        ratio = statistics.median(t / r for t, r in zip(times[layout], ref))
        mib = max(rss[layout]) / 1024
        ok = ratio <= 2 and mib <= 200
        failed |= not ok
        print(f"{'selector tally (' + layout + ')':32s} {summary(times[layout])}  "
              f"ratio {ratio:4.2f}× (median of paired runs; target ≤ 2)  "
              f"peak RSS {mib:5.0f} MiB (target ≤ 200)  {'ok' if ok else 'MISSED'}")
        ok = statistics.median(shows[layout]) < 1
        failed |= not ok
        print(f"{'selector show (after ' + layout + ')':32s} {summary(shows[layout])}  "
              f"(target < 1 s)  {'ok' if ok else 'MISSED'}")
        ratio = statistics.median(t / r for t, r in zip(verifies[layout], ref))
        failed |= ratio > 3
        print(f"{'selector audit verify (' + layout + ')':32s} {summary(verifies[layout])}  "
              f"ratio {ratio:4.2f}× (target ≤ 3)  {'ok' if ratio <= 3 else 'MISSED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
