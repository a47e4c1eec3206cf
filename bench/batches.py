"""Flat batches: the cost of a batch, `show` and `audit verify` as a stage grows.

    python bench/batches.py [--batches 100] [--ballots 10000] [--reps 3] [--data bench/data]

Makes the benchmark round (bench/make_data.py: 30 posts × 4 candidates, one `recommend`
stage, ~0.5 % of cells an invalid mark) with BATCHES × BALLOTS ballots in one wide file, and
cuts it into BATCHES files of BALLOTS ballots (bench/data/batches-B×N/, git-ignored; the same
bytes every run). Then, as fresh processes (`python -m selector …`, output to /dev/null):

1. tallies the files one after another into one stage (database A) and prints the time of
   each tenth batch: the first and the last are the figures of issue 17;
2. `--reps` times: the last batch into a copy of A taken before it (the stage holding
   BATCHES − 1 batches), and right after it the same file into an empty stage (its first
   batch): the median of the paired ratios (target ≤ 1.2);
3. tallies the whole file (BATCHES × BALLOTS ballots) as ONE batch (database B);
4. `--reps` times: `show rec1` and `audit verify` on A, each paired with the same command on
   B run right after it: the median ratios (target ≤ 2), and peak RSS (from wait4).

Exit 1 if a target is missed. The package is byte-compiled first, as pip does.
"""

from __future__ import annotations

import argparse
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
from tally_vs_sqlite import selector, selector_env, timed  # noqa: E402


def make_files(data: Path, batches: int, ballots: int) -> tuple[Path, Path, list[Path]]:
    """(round file, the whole wide file, the batch files), made once for these sizes."""
    out = data / f"batches-{batches}x{ballots}"
    files = [out / f"batch{i + 1:03d}.csv" for i in range(batches)]
    whole = out / "wide.csv"
    if not (out / "done").exists():
        built = make_data.build(out, batches * ballots, long=False)
        with open(built["wide"], encoding="utf-8", newline="") as f:
            header = f.readline()
            for path in files:
                with open(path, "w", encoding="utf-8", newline="") as part:
                    part.write(header)
                    for _ in range(ballots):
                        part.write(f.readline())
        (out / "done").write_text("")
    return out / "bench.toml", whole, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--ballots", type=int, default=10_000, help="ballots per batch")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--data", default=str(HERE / "data"))
    args = parser.parse_args()
    started = time.perf_counter()
    round_file, whole, files = make_files(Path(args.data), args.batches, args.ballots)
    total = args.batches * args.ballots
    n = str(total)
    attend = ["--present", n, "--issued", n]
    print(f"{args.batches} batches × {args.ballots:,} ballots = {total:,} ballots × {make_data.POSTS} posts "
          f"(wide); python {sys.version.split()[0]}; {args.reps} repetitions")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "selector")], check=True)
    failed = False
    with tempfile.TemporaryDirectory(prefix="selector-batches-") as tmp:
        tmp = Path(tmp)
        a, b = tmp / "a.db", tmp / "b.db"
        env_a, env_b = selector_env(a), selector_env(b)
        timed(selector("init", str(round_file)), env=env_a, cwd=tmp)
        walls: list[float] = []
        for i, path in enumerate(files):
            if i == len(files) - 1:
                shutil.copy(a, tmp / "before-last.db")
            walls.append(timed(selector("tally", "rec1", str(path), *(attend if i == 0 else ())),
                               env=env_a, cwd=tmp)[0])
            if i == 0 or (i + 1) % 10 == 0 or i == len(files) - 1:
                print(f"  batch {i + 1:3d}: {walls[-1]:6.2f} s", flush=True)
        print(f"{'all ' + str(len(files)) + ' batches':40s} {sum(walls):7.1f} s "
              f"(last ÷ first {walls[-1] / walls[0]:.2f})")

        late, empty = [], []
        for r in range(args.reps):
            grown, fresh = tmp / f"grown{r}.db", tmp / f"fresh{r}.db"
            shutil.copy(tmp / "before-last.db", grown)
            late.append(timed(selector("tally", "rec1", str(files[-1])), env=selector_env(grown), cwd=tmp)[0])
            timed(selector("init", str(round_file)), env=selector_env(fresh), cwd=tmp)
            empty.append(timed(selector("tally", "rec1", str(files[-1]), *attend), env=selector_env(fresh),
                               cwd=tmp)[0])
            grown.unlink()
            fresh.unlink()
        ratio = statistics.median(x / y for x, y in zip(late, empty))
        ok = ratio <= 1.2
        failed |= not ok
        print(f"{'batch ' + str(len(files)) + ' into the grown stage':40s} median {statistics.median(late):6.2f} s")
        print(f"{'the same file into an empty stage':40s} median {statistics.median(empty):6.2f} s  "
              f"ratio {ratio:4.2f}× (median of pairs; target ≤ 1.2)  {'ok' if ok else 'MISSED'}")

        timed(selector("init", str(round_file)), env=env_b, cwd=tmp)
        one = timed(selector("tally", "rec1", str(whole), *attend), env=env_b, cwd=tmp)
        print(f"{'one batch of ' + f'{total:,}' + ' ballots':40s} {one[0]:7.1f} s  peak RSS {one[1] / 1024:5.0f} MiB")

        for name, argv in (("show rec1", selector("show", "rec1")), ("audit verify", selector("audit", "verify"))):
            many, single, rss = [], [], []
            for _ in range(args.reps):
                wall, peak = timed(argv, env=env_a, cwd=tmp)
                many.append(wall)
                rss.append(peak)
                wall, peak = timed(argv, env=env_b, cwd=tmp)
                single.append(wall)
                rss.append(peak)
            ratio = statistics.median(x / y for x, y in zip(many, single))
            ok = ratio <= 2
            failed |= not ok
            print(f"{name + ' after ' + str(len(files)) + ' batches / one':40s} median "
                  f"{statistics.median(many):6.2f} s / {statistics.median(single):6.2f} s  "
                  f"ratio {ratio:4.2f}× (target ≤ 2)  peak RSS {max(rss[0::2]) / 1024:4.0f} / "
                  f"{max(rss[1::2]) / 1024:4.0f} MiB  {'ok' if ok else 'MISSED'}")
    print(f"(bench time {time.perf_counter() - started:.0f} s)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
