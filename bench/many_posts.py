"""Costs in the number of posts and candidates: a round of N posts × K candidates (6 unless
told), command by command.

    python bench/many_posts.py [--posts 1000,5000,10000] [--candidates 6] [--reps 1] [--ballots 200]
                               [--against SRC]

For each N (and each K of `--candidates`) it writes (deterministically: the same bytes every
run) into bench/data/posts-N/ (posts-N-cK/ for K other than 6) a round file (N posts of one
seat; a `recommend` stage `rec` with a 1:2 cut, ties drawn by lot, then a `vote` stage), its
roster (K × N people, each standing for one post) and a wide-layout ballot file (`--ballots`
papers, one column per post, ~3 % blank cells). Then,
in a fresh database, it runs each command as a fresh process, in this order:

  init, tally rec FILE, show rec, show rec --json, cut rec, status,
  export rec --doc tally|shortlist --format md|csv|json|xlsx|docx

and prints each one's wall time and peak RSS (from wait4: the child's own maximum resident
set), the median over `--reps` repetitions (each in a fresh database), and for every size
after the first the ratio t(size) / t(first) ÷ (size / first), the size being N × K (the
roster's people, the results' rows): 1.0 is linear, 2.0 at 10× the size is quadratic creeping
in (start-up, ~0.2 s, is the same at every size and pulls ratios below 1). Targets at 10,000
posts × 6 candidates: ≤ 5 s and ≤ 300 MiB per command (`init` is shown, not judged).
Exit 1 if a target is missed. The package is byte-compiled first, as pip does on install.

`--against SRC` (another checkout's `src`, e.g. of main) runs every command of that code too,
in its own database, right after this code's run of the same command, and prints the median
of the pairs' ratios (this ÷ that) of wall time and of CPU time (user + system, from wait4):
on a shared machine a ratio of two runs made back to back holds when absolute times drift.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PER_POST = 6  # candidates a post unless --candidates says otherwise
BALLOTS = 200
SEED = 20260
TARGET_SECONDS, TARGET_MIB, TARGET_POSTS = 5.0, 300, 10_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海波"
         "春燕雪梅松林峰亮辉鹏飞云龙凤晓东南北新安宁德俊杰")
TITLES = ("局长", "副局长", "主任", "副主任", "镇长", "副镇长", "书记", "副书记", "科长", "处长")
UNITS = ("审计", "财政", "教育", "交通", "水利", "商务", "民政", "司法", "统计", "环保",
         "农业", "林业", "卫生", "文化", "体育", "科技", "人社", "住建", "应急", "市场")
WEIGHTS = (30, 20, 9, 5, 2, 1)  # how often each of a post's first six is marked (any more: 1)


def people(rng: random.Random, n: int) -> list[str]:
    """`n` different names of two or three characters (no labels needed)."""
    seen: set[str] = set()
    out = []
    while len(out) < n:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def build(out: Path, posts: int, ballots: int = BALLOTS, per_post: int = PER_POST) -> dict[str, Path]:
    """Write round.toml, roster.csv and wide.csv for `posts` posts of `per_post` candidates into `out`."""
    rng = random.Random(f"{SEED}/{posts}/{ballots}" + ("" if per_post == PER_POST else f"/{per_post}"))
    weights = (WEIGHTS + (1,) * per_post)[:per_post]
    out.mkdir(parents=True, exist_ok=True)
    ids = [f"P{i + 1:05d}" for i in range(posts)]
    lines = ['[round]', f'id = "posts-{posts}"', f'title = "{posts}个职位的测试轮次"',
             'organizer = "中共某省委组织部"', 'tie_seed = "bench"', 'roster = "roster.csv"', ""]
    for i, pid in enumerate(ids):
        title = f"{UNITS[i % len(UNITS)]}{TITLES[i // len(UNITS) % len(TITLES)]}（{i + 1}）"
        lines += ["[[post]]", f'id = "{pid}"', f'title = "{title}"', ""]
    lines += ["[[stage]]", 'id = "rec"', 'kind = "recommend"', 'title = "民主推荐"',
              f"electorate = {ballots + 20}", 'quorum = ">= 2/3"', "",
              "[stage.cut]", 'ratio = "1:2"', 'ties = "lot"', "",
              "[[stage]]", 'id = "vote"', 'kind = "vote"', 'title = "常委会票决"', "members = 11",
              "", "[stage.cut]", 'ratio = "1:1"', 'pass = "> 1/2"', ""]
    (out / "round.toml").write_text("\n".join(lines), encoding="utf-8")

    names = people(rng, posts * per_post)
    slate = {pid: names[i * per_post:(i + 1) * per_post] for i, pid in enumerate(ids)}
    with open(out / "roster.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "gender", "born", "unit", "posts"])
        for i, pid in enumerate(ids):
            for j, name in enumerate(slate[pid]):
                w.writerow([f"C{i * per_post + j + 1:06d}", name, "男女"[(i + j) % 2],
                            f"19{70 + (i + j) % 20}-{1 + (i * 7 + j) % 12:02d}",
                            f"{UNITS[(i + j) % len(UNITS)]}局", pid])

    with open(out / "wide.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ballot", *ids])
        for b in range(1, ballots + 1):
            row = [f"B{b:04d}"]
            for pid in ids:
                row.append("" if rng.random() < 0.03 else rng.choices(slate[pid], weights)[0])
            w.writerow(row)
    return {"round": out / "round.toml", "wide": out / "wide.csv"}


def commands(files: dict[str, Path], outdir: Path, ballots: int) -> list[tuple[str, list[str]]]:
    attend = str(ballots + 10)
    cmds = [("init", ["init", str(files["round"])]),
            ("tally", ["tally", "rec", str(files["wide"]), "--present", attend, "--issued", attend]),
            ("show", ["show", "rec"]),
            ("show --json", ["show", "rec", "--json"]),
            ("cut", ["cut", "rec"]),
            ("status", ["status"])]
    for doc in ("tally", "shortlist"):
        for fmt in ("md", "csv", "json", "xlsx", "docx"):
            cmds.append((f"export {doc} {fmt}", ["export", "rec", "--doc", doc, "--format", fmt,
                                                  "--out", str(outdir / f"{doc}.{fmt}")]))
    return cmds


def timed(argv: list[str], env: dict, cpu: list | None = None) -> tuple[float, float]:
    """Run argv; (wall seconds, peak RSS in MiB of the child). Fails loudly on exit != 0.
    `cpu`, when given, gets the child's user + system seconds appended."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{' '.join(argv)} failed: {err.decode(errors='replace')}")
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="1000,5000,10000", help="comma-separated post counts")
    parser.add_argument("--candidates", default=str(PER_POST), help="comma-separated candidates a post")
    parser.add_argument("--reps", type=int, default=1, help="repetitions, each in a fresh database")
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    parser.add_argument("--data", default=str(HERE / "data"))
    parser.add_argument("--only", default="", help="comma-separated command labels to print (all run)")
    parser.add_argument("--against", default="", help="another checkout's src: each command run with it too, "
                                                      "paired, and the ratios printed")
    args = parser.parse_args()
    # (posts, candidates a post), posts varying fastest; a column's label names the candidates
    # only when they vary
    sizes = [(int(n), int(k)) for k in args.candidates.split(",") for n in args.posts.split(",")]
    several = len({k for _, k in sizes}) > 1

    def name(size: tuple[int, int]) -> str:
        n, k = size
        return f"{n:,} × {k}" if several else f"{n:,} posts"

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "selector")], check=True)
    env = dict(os.environ, SELECTOR_NO_PROGRESS="1", SELECTOR_OPERATOR="bench", COLUMNS="120",
               SOURCE_DATE_EPOCH="1780000000",
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for key in ("SELECTOR_ROUND", "PYTHONDONTWRITEBYTECODE", "SELECTOR_LANG"):
        env.pop(key, None)
    other = None
    if args.against:
        subprocess.run([sys.executable, "-m", "compileall", "-q", args.against], check=True)
        other = dict(env, PYTHONPATH=str(Path(args.against).resolve()) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    ratios: dict[tuple, dict[str, list[tuple[float, float]]]] = {}  # size -> label -> (wall, cpu) ratios
    figures: dict[tuple, dict[str, tuple[float, float]]] = {}
    labels: list[str] = []
    for size in sizes:
        n, k = size
        files = build(Path(args.data) / (f"posts-{n}" if k == PER_POST else f"posts-{n}-c{k}"), n, args.ballots, k)
        runs: dict[str, list[tuple[float, float]]] = {}
        for rep in range(args.reps):
            with tempfile.TemporaryDirectory(prefix="selector-posts-") as tmp:
                run_env = dict(env, SELECTOR_DB=str(Path(tmp) / "posts.db"))
                other_env = other and dict(other, SELECTOR_DB=str(Path(tmp) / "other.db"))
                (Path(tmp) / "other").mkdir()
                for label, argv in commands(files, Path(tmp), args.ballots):
                    cpu: list[float] = []
                    wall, mib = timed([sys.executable, "-m", "selector", *argv], run_env, cpu)
                    runs.setdefault(label, []).append((wall, mib))
                    line = f"  {name(size):>12s}, rep {rep + 1}: {label:22s} {wall:7.2f} s {mib:6.0f} MiB"
                    if other_env:
                        out = [a.replace(tmp, str(Path(tmp) / "other")) for a in argv]
                        wall_b, _ = timed([sys.executable, "-m", "selector", *out], other_env, cpu)
                        ratios.setdefault(size, {}).setdefault(label, []).append((wall / wall_b, cpu[0] / cpu[1]))
                        line += f"   against: {wall_b:7.2f} s, ratio {wall / wall_b:.2f} (cpu {cpu[0] / cpu[1]:.2f})"
                    print(line, file=sys.stderr, flush=True)
        labels = list(runs)
        figures[size] = {key: (statistics.median(w for w, _ in v), max(m for _, m in v)) for key, v in runs.items()}
    show = [x for x in args.only.split(",") if x] or labels
    first = sizes[0]

    def scale(size: tuple[int, int]) -> float:
        return size[0] * size[1] / (first[0] * first[1])

    head = f"{'command':22s}" + "".join(f"{name(size):>18s}" for size in sizes)
    wide = 18 if several else 13  # (a ratio's column)
    head += "".join(f"{'ratio ' + name(size).removesuffix(' posts'):>{wide}s}" for size in sizes[1:])
    if several:
        print(f"median of {args.reps} run(s); seconds and peak MiB; ratio = t(N × K)/t({name(first)}) "
              f"÷ (N × K/{first[0] * first[1]:,})")
    else:
        print(f"median of {args.reps} run(s); seconds and peak MiB; ratio = t(N)/t({first[0]:,}) ÷ (N/{first[0]:,})")
    print(head)
    missed = []
    for label in labels:
        if label not in show:
            continue
        line = f"{label:22s}"
        for size in sizes:
            wall, mib = figures[size][label]
            line += f"{wall:9.2f} s {mib:4.0f} M"
            if size == (TARGET_POSTS, PER_POST) and label != "init" and (wall > TARGET_SECONDS or mib > TARGET_MIB):
                missed.append(label)
        for size in sizes[1:]:
            line += f"{figures[size][label][0] / figures[first][label][0] / scale(size):{wide}.2f}"
        print(line)
    if ratios:
        print(f"this ÷ {args.against}, median of the paired runs' ratios: wall (cpu)")
        print(f"{'command':22s}" + "".join(f"{name(size):>18s}" for size in sizes))
        for label in labels:
            if label in show:
                print(f"{label:22s}" + "".join(
                    f"{statistics.median(w for w, _ in ratios[size][label]):10.2f} "
                    f"({statistics.median(c for _, c in ratios[size][label]):.2f})"
                    for size in sizes))
    if (TARGET_POSTS, PER_POST) in sizes:
        print(f"targets at {TARGET_POSTS:,} posts × {PER_POST}: ≤ {TARGET_SECONDS:g} s and ≤ {TARGET_MIB} MiB: "
              + (f"MISSED by {', '.join(missed)}" if missed else "all met"))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
