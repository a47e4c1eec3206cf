"""Generate the benchmark round and ballot files, deterministically (same bytes every run).

    python bench/make_data.py [OUT_DIR] [--ballots N]

Writes OUT_DIR/bench.toml (a 30-post round, 4 candidates per post, one recommend stage),
OUT_DIR/long.csv (one row per mark: ballot, post, candidate — ~1,000,000 rows for the
default 33,334 ballots) and OUT_DIR/wide.csv (one row per ballot, one column per post).
Both CSVs hold the same marks. OUT_DIR defaults to bench/data (ignored by git).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from pathlib import Path

POSTS = 30
PER_POST = 4
BALLOTS = 33_334  # × 30 posts = 1,000,020 marks
SEED = 20111
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海波"
TITLES = ("局长", "副局长", "主任", "副主任", "镇长", "副镇长", "书记", "副书记", "科长", "处长")
UNITS = ("审计", "财政", "教育", "交通", "水利", "商务", "民政", "司法", "统计", "环保",
         "农业", "林业", "卫生", "文化", "体育", "科技", "人社", "住建", "应急", "市场")


def names(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def build(out: Path, ballots: int = BALLOTS, long: bool = True) -> dict[str, Path]:
    """Write the round and its files into `out`; without `long`, the wide file alone (the
    same bytes: the marks drawn do not depend on it)."""
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    posts = [(f"P{i + 1:02d}", f"{UNITS[i % len(UNITS)]}{TITLES[i // len(UNITS) % len(TITLES)]}")
             for i in range(POSTS)]
    people = names(rng, POSTS * PER_POST)
    lines = ['[round]', 'id = "bench"', 'title = "性能测试轮次"', 'organizer = "中共某市委组织部"', ""]
    for pid, title in posts:
        lines += ["[[post]]", f'id = "{pid}"', f'title = "{title}"', "seats = 1", ""]
    slate: dict[str, list[str]] = {}
    for i, (pid, _) in enumerate(posts):
        slate[pid] = people[i * PER_POST:(i + 1) * PER_POST]
        for j, name in enumerate(slate[pid]):
            lines += ["[[candidate]]", f'id = "C{i * PER_POST + j + 1:03d}"', f'name = "{name}"',
                      f'posts = ["{pid}"]', ""]
    lines += ["[[stage]]", 'id = "rec1"', 'kind = "recommend"', 'title = "全市干部大会民主推荐"',
              f"electorate = {ballots + 1000}", 'quorum = ">= 2/3"', ""]
    (out / "bench.toml").write_text("\n".join(lines), encoding="utf-8")

    with open(out / "long.csv" if long else os.devnull, "w", encoding="utf-8", newline="") as lf, \
            open(out / "wide.csv", "w", encoding="utf-8", newline="") as wf:
        long_w, wide_w = csv.writer(lf), csv.writer(wf)
        long_w.writerow(["ballot", "post", "candidate"])
        wide_w.writerow(["ballot", *(pid for pid, _ in posts)])
        weights = [8, 4, 2, 1]
        for b in range(1, ballots + 1):
            number = f"B{b:06d}"
            row = [number]
            for pid, _ in posts:
                r = rng.random()
                if r < 0.03:
                    mark = ""  # a blank for this post
                elif r < 0.035:
                    mark = rng.choice(people)  # often someone standing for another post: invalid
                else:
                    mark = rng.choices(slate[pid], weights)[0]
                if long:
                    long_w.writerow([number, pid, mark])
                row.append(mark)
            wide_w.writerow(row)
    return {"round": out / "bench.toml", "long": out / "long.csv", "wide": out / "wide.csv",
            "ballots": ballots}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(Path(__file__).parent / "data"))
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    args = parser.parse_args()
    files = build(Path(args.out), args.ballots)
    for key in ("round", "long", "wide"):
        print(f"{key}: {files[key]} ({files[key].stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
