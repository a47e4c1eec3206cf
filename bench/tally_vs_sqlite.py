"""Tally throughput and memory against the sqlite3 shell and a plain Python pass, side by side in one run.

    python bench/tally_vs_sqlite.py [--reps 3] [--ballots 33334] [--data bench/data] [--layouts long,wide]

For each layout (long, wide) it times, in fresh databases, one after the other:
  sqlite3    the `sqlite3` shell importing the same file and counting it: `.import` of the
             long CSV + one `GROUP BY post, candidate`; `.import` of the wide CSV + one
             `GROUP BY` per post column
  csv        a plain `csv.reader` + `collections.Counter` pass over the same file in a fresh
             `python -c` process: (post, candidate) for the long file, (column, cell) for
             the wide one
  record     the same pass, plus the least the record asks of any tally: the file's SHA-256,
             a strict UTF-8 decode of it (the encoding check), and its text stored in a
             fresh SQLite database in 32K-character pieces, committed (no rule, no snapshot,
             no screen): the floor under `selector tally` for a tool that keeps what it read
  selector   `python -m selector tally rec1 FILE --layout L --present N --issued N` (decode,
             validate, store raw rows, count, save the snapshot, print the table)
then `python -m selector show rec1` (target < 1 s) and `python -m selector audit verify`
(the recount of every stored row, target ≤ 3× sqlite3) on the tallied database.
Prints the best and median wall time of each, the ratios of tally to sqlite3 (target ≤ 1.0,
issue 17), to csv (target ≤ 1.5; from 4 repetitions on with its quartiles) and to record (no target: how far the tally is from
the record's floor; the record's own ratio to csv is printed beside it) — the median over
repetitions, each pairing runs made back to back, so a shared machine's load hits both
sides alike — and the peak RSS of the tally and of audit verify (from wait4's rusage;
target ≤ 100 MiB, issue 17: run it with `--ballots 333334 --reps 1` for 10M marks).
`round init` is not timed. The package is byte-compiled first, as pip does when it
installs it. Exit 1 if a target is missed.
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
# the same marks as a wide file: one GROUP BY per post column
WIDE_SQL = ".mode csv\n.import '{csv}' marks\n{selects}"
WIDE_SELECT = 'SELECT "{col}", count(*) FROM marks GROUP BY "{col}";\n'
# a plain csv + Counter pass over the file (what Python does with no rule at all)
COUNTER = {
    "long": "import csv, sys, collections\n"
            "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
            "    rows = csv.reader(f); next(rows)\n"
            "    counts = collections.Counter((r[1], r[2]) for r in rows)\n"
            "print(len(counts))\n",
    "wide": "import csv, sys, collections\n"
            "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
            "    rows = csv.reader(f); columns = next(rows)[1:]\n"
            "    counts = collections.Counter()\n"
            "    for r in rows:\n"
            "        counts.update(zip(columns, r[1:]))\n"
            "print(len(counts))\n",
}
# The csv + Counter pass, plus the record's least work: hash, check, store the text (see above).
RECORD = ("import hashlib, sqlite3, sys\n"
          "raw = open(sys.argv[1], 'rb').read()\n"
          "sha = hashlib.sha256(raw).hexdigest()\n"
          "text = raw.decode('utf-8')\n"
          "db = sqlite3.connect(sys.argv[2])\n"
          "db.execute('CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT)')\n"
          "db.executemany('INSERT INTO rows (text) VALUES (?)',\n"
          "               ((text[i:i + 32768],) for i in range(0, len(text), 32768)))\n"
          "db.execute('CREATE TABLE counts (key TEXT, n INTEGER)')\n")
RECORD_END = "db.executemany('INSERT INTO counts VALUES (?, ?)', ((repr(k), n) for k, n in counts.items()))\ndb.commit()\n"


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


def quartiles(ratios: list[float]) -> str:
    """ " (quartiles a–b×)" of the paired ratios, from 4 repetitions on: how far the machine's
    swings move them (a median of 3 can land on either side of a target)."""
    if len(ratios) < 4:
        return ""
    low, _, high = statistics.quantiles(ratios, n=4)
    return f" (quartiles {low:4.2f}–{high:4.2f}×)"


def reference_sql(layout: str, path: Path) -> str:
    if layout == "long":
        return SQL.format(csv=path)
    with open(path, encoding="utf-8") as f:
        columns = f.readline().rstrip("\r\n").split(",")[1:]
    return WIDE_SQL.format(csv=path, selects="".join(WIDE_SELECT.format(col=c) for c in columns))


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

    def per_layout():
        return {layout: [] for layout in layouts}

    ref, plain, floor, times, rss, shows, verifies, verify_rss = (per_layout() for _ in range(8))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "selector")], check=True)
    with tempfile.TemporaryDirectory(prefix="selector-bench-") as tmp:
        tmp = Path(tmp)
        # Interleaved (sqlite3, csv, tally, … for each layout, then again) so that both
        # sides of each ratio see the same load on a shared machine.
        for i in range(args.reps):
            for layout in layouts:
                db = tmp / f"ref{i}.db"
                ref[layout].append(timed([sqlite3, str(db)], stdin=reference_sql(layout, files[layout]))[0])
                db.unlink()
                plain[layout].append(timed([sys.executable, "-c", COUNTER[layout], str(files[layout])])[0])
                db = tmp / f"record{i}.db"
                floor[layout].append(timed([sys.executable, "-c", RECORD + COUNTER[layout] + RECORD_END,
                                            str(files[layout]), str(db)])[0])
                db.unlink()
                db = tmp / f"{layout}{i}.db"
                env = selector_env(db)
                timed(selector("init", str(files["round"])), env=env, cwd=tmp)
                wall, peak = timed(selector("tally", "rec1", str(files[layout]), "--layout", layout,
                                            "--present", n, "--issued", n), env=env, cwd=tmp)
                times[layout].append(wall)
                rss[layout].append(peak)
                shows[layout].append(timed(selector("show", "rec1"), env=env, cwd=tmp)[0])
                wall, peak = timed(selector("audit", "verify"), env=env, cwd=tmp)
                verifies[layout].append(wall)
                verify_rss[layout].append(peak)
                db.unlink()

    def verdict(ok: bool) -> str:
        nonlocal failed
        failed |= not ok
        return "ok" if ok else "MISSED"

    for layout in layouts:
        print(f"{layout} layout")
        print(f"  {'sqlite3 .import + GROUP BY':30s} {summary(ref[layout])}")
        print(f"  {'python csv + Counter':30s} {summary(plain[layout])}")
        floor_to_plain = statistics.median(f / r for f, r in zip(floor[layout], plain[layout]))
        print(f"  {'csv + Counter + record':30s} {summary(floor[layout])}  {floor_to_plain:4.2f}× csv")
        to_floor = statistics.median(t / f for t, f in zip(times[layout], floor[layout]))
        to_sqlite = statistics.median(t / r for t, r in zip(times[layout], ref[layout]))
        to_plains = [t / r for t, r in zip(times[layout], plain[layout])]
        to_plain = statistics.median(to_plains)
        mib = max(rss[layout]) / 1024
        print(f"  {'selector tally':30s} {summary(times[layout])}  "
              f"{to_sqlite:4.2f}× sqlite3 (≤ 1.0: {verdict(to_sqlite <= 1.0)})  "
              f"{to_plain:4.2f}× csv (≤ 1.5: {verdict(to_plain <= 1.5)}){quartiles(to_plains)}  "
              f"{to_floor:4.2f}× record  peak RSS {mib:4.0f} MiB (≤ 100: {verdict(mib <= 100)})")
        print(f"  {'selector show':30s} {summary(shows[layout])}  (< 1 s: "
              f"{verdict(statistics.median(shows[layout]) < 1)})")
        ratio = statistics.median(t / r for t, r in zip(verifies[layout], ref[layout]))
        mib = max(verify_rss[layout]) / 1024
        print(f"  {'selector audit verify':30s} {summary(verifies[layout])}  "
              f"{ratio:4.2f}× sqlite3 (≤ 3: {verdict(ratio <= 3)})  "
              f"peak RSS {mib:4.0f} MiB (≤ 100: {verdict(mib <= 100)})")
    print("(ratios: the median over repetitions of each run's ratio to the reference run next to it)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
