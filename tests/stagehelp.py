"""Builders for inspection and notice tests: a small two-post round, ballots, findings files."""

from __future__ import annotations

import json
from pathlib import Path

from support import write_csv

DATA = Path(__file__).resolve().parent / "data"

ROUND = DATA / "inspect" / "round.toml"
NAMES = {"C01": "张伟", "C02": "王芳", "C03": "李娜", "C04": "刘洋", "C05": "陈静",
         "C06": "杨军", "C07": "赵磊", "C08": "黄敏"}
# rec1 votes per post (20 ballots): P01 ranks C01 > C02 > C03 | C04 > C05; P02 has only three.
VOTES = {"P01": {"C01": 7, "C02": 5, "C03": 4, "C04": 3, "C05": 1},
         "P02": {"C06": 10, "C07": 6, "C08": 4}}


def rec1_ballots(path: Path, votes: dict | None = None) -> Path:
    votes = votes or VOTES
    columns = {pid: [NAMES[c] for c, n in v.items() for _ in range(n)] for pid, v in votes.items()}
    total = max(len(c) for c in columns.values())
    rows = [[f"{i + 1:03d}", *(col[i] if i < len(col) else "" for col in columns.values())]
            for i in range(total)]
    return write_csv(path, [["票号", "审计局局长", "统计局局长"], *rows], "gb18030")


def findings(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    return write_csv(path, [["候选人", "鉴定部门", "结论", "备注"], *[list(r) for r in rows]], "gb18030")


def all_clear(path: Path, people: list[str], checks=("纪检", "信访")) -> Path:
    return findings(path, [(NAMES[c], check, "通过", "") for c in people for check in checks])


def evaluation(path: Path, people: list[str], papers: list[list[str]], start: int = 1) -> Path:
    """民主测评 ballots: one row per paper, one grade per candidate column ("" = no grade)."""
    rows = [[f"CP{start + i:03d}", *grades] for i, grades in enumerate(papers)]
    return write_csv(path, [["票号", *[NAMES[c] for c in people]], *rows], "gb18030")


def good_evaluation(path: Path, people: list[str], start: int = 1) -> Path:
    return evaluation(path, people, [["优秀"] * len(people), ["称职"] * len(people),
                                     ["基本称职"] * len(people)], start)


def ready_for_inspection(run, tmp: Path, votes: dict | None = None):
    """init, tally and cut rec1: inspection lists P01 = C01 C02 C03, P02 = C06 C07 C08."""
    assert run("init", ROUND).exit_code == 0
    r = run("tally", "rec1", rec1_ballots(tmp / "rec1.csv", votes), "--present", "20", "--issued", "20")
    assert r.exit_code == 0, r.stderr
    r = run("cut", "rec1")
    assert r.exit_code == 0, r.stderr


def show(run, stage: str) -> dict:
    r = run("show", stage, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def post(view: dict, pid: str) -> dict:
    return next(p for p in view["posts"] if p["post"] == pid)


def result(view: dict, pid: str, cid: str) -> dict:
    return next(r for r in post(view, pid)["results"] if r["candidate"] == cid)


def inspected(run, tmp: Path, votes: dict | None = None):
    """Up to a locked inspection with everyone cleared: P01 C01 C02 C03, P02 C06 C07 C08."""
    ready_for_inspection(run, tmp, votes)
    people = ["C01", "C02", "C03", "C06", "C07", "C08"]
    r = run("inspect", "inspect", all_clear(tmp / "findings.csv", people),
            good_evaluation(tmp / "evaluation.csv", people))
    assert r.exit_code == 0, r.stderr
    r = run("cut", "inspect")
    assert r.exit_code == 0, r.stderr


def voted(run, tmp: Path):
    """Up to a locked vote1: appointees C01 (P01, 6 of 9) and C06 (P02, 7 of 9)."""
    inspected(run, tmp)
    rows = [[f"{i:02d}", "张伟" if i <= 6 else "王芳", "杨军" if i <= 7 else "赵磊"] for i in range(1, 10)]
    r = run("tally", "vote1", write_csv(tmp / "vote1.csv", [["票号", "审计局局长", "统计局局长"], *rows], "gb18030"),
            "--present", "9", "--issued", "9")
    assert r.exit_code == 0, r.stderr
    r = run("cut", "vote1")
    assert r.exit_code == 0, r.stderr


def events(tmp: Path) -> list[tuple[str, str | None, dict]]:
    import sqlite3

    conn = sqlite3.connect(tmp / "selector.db")
    try:
        return [(c, s, json.loads(d)) for c, s, d in
                conn.execute("SELECT command, stage, details FROM events ORDER BY id")]
    finally:
        conn.close()


TWELVE = DATA / "inspect" / "twelve.toml"  # four posts, twelve inspected (the 2019 rules)
TWELVE_NAMES = {"C01": "陆建华", "C02": "缪晓东", "C03": "季海燕", "C04": "冒国强", "C05": "丁卫东",
                "C06": "缪春梅", "C07": "朱建兵", "C08": "曹爱华", "C09": "吉永兵", "C10": "孙海军",
                "C11": "顾丽娟", "C12": "范晓明", "C13": "徐振华"}
TWELVE_VOTES = {"P01": {"C01": 12, "C02": 9, "C03": 6, "C04": 3}, "P02": {"C05": 14, "C06": 10, "C07": 6},
                "P03": {"C08": 13, "C09": 10, "C10": 7}, "P04": {"C11": 12, "C12": 10, "C13": 8}}


def listed(run, tmp: Path, round_file: Path = TWELVE) -> None:
    """TWELVE: init and rec1 (30 papers): the 1:3 lists hold twelve; 冒国强 (C04) ranks fourth on P01."""
    assert run("init", round_file).exit_code == 0
    columns = {pid: [TWELVE_NAMES[c] for c, n in v.items() for _ in range(n)] for pid, v in TWELVE_VOTES.items()}
    rows = [[f"{i + 1:03d}", *(col[i] for col in columns.values())] for i in range(30)]
    path = write_csv(tmp / "rec1.csv", [["票号", "P01", "P02", "P03", "P04"], *rows], "gb18030")
    r = run("tally", "rec1", path, "--present", "30", "--issued", "30")
    assert r.exit_code == 0, r.stderr
    assert run("cut", "rec1").exit_code == 0
