#!/usr/bin/env python3
"""Make the Haimen 2011 example: roster, ballots for every stage, and the counts they should give.

    python3 examples/generate.py            # rewrite the committed files
    python3 examples/generate.py --root DIR # write the same bytes under DIR instead

Everything comes from one fixed seed, so two runs give identical bytes. The people, towns
and numbers are invented; the shape (30 posts, two recommendations, 1:3 inspection list,
两轮票决) follows the 2011 Haimen report.

Later stages take their candidates from the previous stage's locked cut, so this script
runs the pipeline itself with its own small exact counter (it never imports `selector`):
vote ballots mark only people who will be on the lists, and `expected.json` holds the
per-post counts and shortlists the files were made to give. Standard library only.

What the files hold on purpose:
- rec1: two batches (a GBK CSV as Excel writes it, and a UTF-8 CSV with BOM); three void
  papers; overvotes; blanks; invalid marks (a name not on the roster, the shared name
  张建华 without its label, a 大学生村干部 marked for a post they may not hold); one cell
  naming the same person twice (counted once); names typed with a space.
- rec2 (XLSX): the 全委会 with its 候补委员 and invited 两代表一委员 (a 类别 column); two void
  papers; P09 ends in the one tie of the round: two people whose rec1 + rec2 scores are
  exactly equal (92/390 + 5/52 = 77/390 + 7/52), at the 1:3 line.
  The intended decision takes the one with more 全委会 votes (`TIE` below).
- inspect: findings for every check of every listed candidate; one 计生 veto (on P14),
  so the next-ranked person is backfilled (递补) and gets findings and 民主测评 of their own.
- vote1 (long layout): an overvote, a blank paper, a mark for someone not on the list.
  On P14 only the two people on both the original and the backfilled list get marks, so
  the counts are the same whether or not the inspection's backfill has been applied.
- vote2: a void paper, an overvote, a mark for someone not on the list, blanks.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import tomllib
import unicodedata
import zipfile
from collections import Counter
from fractions import Fraction
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROUND_FILE = ROOT / "rounds" / "haimen-2011.toml"
OUT = Path("examples") / "haimen-2011"
ROSTER = Path("rounds") / "haimen-2011.roster.csv"
SEED = 20110613

TIE_POST = "P09"  # the post whose 1:3 line falls in a tie
VETO_POST = "P14"  # the post whose third candidate is vetoed (计生), so 递补 happens
NOTICE_START, NOTICE_COMPLAINT = "2011-06-20", "2011-06-21"
APPOINTED = "2011-06-28"  # 任职: the Tuesday after the notice (it ends on Friday 2011-06-24)
COMPLAINT = "电话反映其任职期间接受管理服务对象宴请"
COMPLAINT_NOTE = "经市纪委、组织部联合核查，所反映宴请系机关工作餐，按规定结算，反映问题不属实"
MORAL_CHECKS = ("纪检", "信访", "综治", "审计", "计生")
TIE_REASON = "两人推荐得分相同，经市委常委会研究，以全委会推荐得票较多者进入考察人选"

SURNAMES = "施陆黄张沈顾倪袁茅龚范曹季瞿郁宋徐朱陈王杨刘周吴钱秦蔡姜邱丁严邢成江汤"
MALE = ("建国 卫东 志刚 晓峰 海涛 宏伟 国平 永兵 新民 俊杰 德明 秋林 金龙 爱民 国庆 振宇 文斌 亚军 "
        "卫星 晓东 春雷 建忠 明辉 立新 勇 军 斌 涛 伟 健 峰 磊 锋 亮 华东 国强 学兵 锦华 云飞 友良 "
        "洪林 跃进 志军 海兵 红兵 旭东 建平 忠林 晓明 正清 永祥 继红 松林 纪元").split()
FEMALE = ("海燕 红梅 丽娟 雪芳 玉兰 春燕 丽华 晓红 美华 秀英 桂芳 慧 静 敏 丽 燕 婷婷 晓燕 建红 "
          "卫红 雅琴 佳 莉 倩 晓雯 亚萍 春梅").split()
TOWNS = ("东港镇 南湾镇 西亭镇 北渚镇 临江镇 长兴镇 永和镇 安平镇 瑞祥镇 兴仁镇 海兴镇 丰乐镇 "
         "德胜镇 江滨镇 万福镇 新安镇 联合镇").split()
DEPTS = ("审计局 统计局 民政局 物价局 粮食局 财政局 发改委 农委 水利局 住建局 人社局 交通局 环保局 "
         "教育局 卫生局 商务局 科技局 国土局 安监局").split()
VILLAGES = "新河村 永丰村 和平村 光明村 团结村 友谊村 红星村 万年村 东升村 兴隆村 三星村 庆丰村".split()
NOT_ON_ROSTER = ("王小明", "李向东", "赵志远")  # names voters wrote that no roster person has
NAMESAKE = "张建华"
UNITS = {
    "head": ("{town}党委书记", "{dept}副局长", "{town}镇长"),
    "secretary": ("{town}镇长", "{town}党委副书记", "{dept}局长", "市委办公室副主任"),
    "mayor": ("{town}党委副书记", "{town}副镇长", "{town}人大主席", "{dept}副局长", "团市委书记",
              "市政府办公室副主任"),
    "deputy": ("{town}党政办主任", "{town}经济服务中心主任", "{dept}办公室主任", "{town}团委书记",
               "{town}妇联主席", "{town}社会事业服务中心主任", "{town}农业服务中心主任",
               "市委组织部干部科副科长", "{dept}综合科科长"),
    "village": ("{town}{village}党总支书记助理",),
}
SEPARATORS = re.compile(r"[;；、,，|]")


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


# -- the roster -----------------------------------------------------------------------------


class Roster:
    """Invented people: a pool of front-runners per post, 大学生村干部, and others."""

    def __init__(self, rng: random.Random, posts: list[tuple[str, str]]):
        self.rng = rng
        self.people: list[dict] = []
        self.names: set[str] = set(NOT_ON_ROSTER) | {NAMESAKE}
        self.units: set[str] = set()
        self.pools: dict[str, list[dict]] = {}
        for pid, _ in posts:
            kind = self.kind(pid)
            if kind == "village":
                continue
            size = 5 if pid == TIE_POST else 4
            self.pools[pid] = [self.person(kind) for _ in range(size)]
        villagers = [self.person("village") for _ in range(12)]
        for i, pid in enumerate(("P28", "P29", "P30")):
            self.pools[pid] = villagers[4 * i: 4 * i + 4]
        self.others = [self.person("deputy") for _ in range(60)]
        # Two people share a name: a front-runner for P06 and someone who is not.
        self.namesakes = (self.pools["P06"][1], self.others[7])
        for p, where in zip(self.namesakes, ("兴仁镇", "统计局")):
            self.names.discard(p["name"])
            p["name"], p["label"] = NAMESAKE, f"{NAMESAKE}({where})"
        self.namesakes[0]["unit"], self.namesakes[1]["unit"] = "兴仁镇党委副书记", "统计局办公室主任"
        everyone = [p for pid, pool in self.pools.items() if pid not in ("P28", "P29", "P30")
                    for p in pool] + villagers + self.others
        rng.shuffle(everyone)
        for i, p in enumerate(everyone, start=1):
            p["id"] = f"C{i:03d}"
        self.people = sorted(everyone, key=lambda p: p["id"])
        self.by_id = {p["id"]: p for p in self.people}

    @staticmethod
    def kind(pid: str) -> str:
        n = int(pid[1:])
        return ("head" if n <= 5 else "secretary" if n <= 9 else "mayor" if n <= 17
                else "village" if n >= 28 else "deputy")

    def person(self, kind: str) -> dict:
        rng = self.rng
        male = rng.random() < {"head": .85, "secretary": .85, "mayor": .75, "deputy": .6,
                               "village": .5}[kind]
        while True:
            name = rng.choice(SURNAMES) + rng.choice(MALE if male else FEMALE)
            if name not in self.names:
                break
        self.names.add(name)
        for _ in range(1000):
            unit = rng.choice(UNITS[kind]).format(town=rng.choice(TOWNS), dept=rng.choice(DEPTS),
                                                   village=rng.choice(VILLAGES))
            if unit not in self.units:
                break
        else:
            raise SystemExit(f"ran out of distinct {kind} units")
        self.units.add(unit)
        first = {"head": 1963, "secretary": 1965, "mayor": 1968, "deputy": 1974, "village": 1983}[kind]
        born = rng.randint(first, first + (4 if kind == "village" else 9))
        education = rng.choice(("大学", "大学", "研究生(在职)", "大学(在职)", "研究生")
                               if kind != "village" else ("大学", "大学", "研究生"))
        party = "中共党员" if kind != "deputy" or rng.random() < .92 else rng.choice(("九三学社", "民盟"))
        return {"id": "", "name": name, "label": "", "gender": "男" if male else "女",
                "born": f"{born}-{rng.randint(1, 12):02d}", "ethnicity": "汉族",
                "native_place": rng.choice(("江苏海门",) * 6 + ("江苏启东", "江苏通州", "江苏如东")),
                "education": education,
                "party": party,
                "joined": (f"{born + rng.randint(20, 26)}-{rng.randint(1, 12):02d}"
                           if party == "中共党员" else ""),
                "unit": unit,
                "posts": "P28;P29;P30" if kind == "village" else ""}

    def written(self, cid: str) -> str:
        """How a teller types this person's name from the paper."""
        p = self.by_id[cid]
        if p["label"]:
            return p["label"]
        roll = self.rng.random()
        if roll < .02 and len(p["name"]) > 1:
            return p["name"][0] + " " + p["name"][1:]
        if roll < .03 and len(p["name"]) > 1:
            return p["name"][0] + "\u3000" + p["name"][1:]
        return p["name"]

    def csv_bytes(self) -> bytes:
        cols = ["id", "name", "label", "gender", "born", "ethnicity", "native_place", "education",
                "party", "joined", "unit", "posts"]
        out = io.StringIO(newline="")
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        for p in self.people:
            w.writerow([p[c] for c in cols])
        return out.getvalue().encode("utf-8")


# -- an independent counter (SPEC §3), for expected.json ------------------------------------


class Tally:
    """Per post: valid, void, blank, overvotes, invalid marks and votes (weighted shares)."""

    def __init__(self, roster: Roster, posts, lists: dict[str, set[str]], limit: dict[str, int],
                 weights: dict[str, int] | None = None):
        self.roster, self.posts, self.lists, self.limit = roster, posts, lists, limit
        self.weights = weights
        names: dict[str, list[str]] = {}
        self.keys: dict[str, str] = {}
        for p in roster.people:
            self.keys[norm(p["id"])] = p["id"]
            if p["label"]:
                self.keys[norm(p["label"])] = p["id"]
            names.setdefault(norm(p["name"]), []).append(p["id"])
        self.names = names

    def resolve(self, text: str) -> str | None:
        key = norm(text)
        if key in self.keys:
            return self.keys[key]
        ids = self.names.get(key, [])
        return ids[0] if len(ids) == 1 else None

    def count(self, papers: list[dict]) -> dict:
        out = {}
        for pid, _ in self.posts:
            r = {"returned": 0, "valid": 0, "void": 0, "blank": 0, "overvotes": 0,
                 "invalid_marks": 0, "votes": Counter(), "weighted_valid": 0, "weighted": Counter()}
            for paper in papers:
                r["returned"] += 1
                if paper["void"]:
                    r["void"] += 1
                    continue
                texts = [t for t in (x.strip() for x in SEPARATORS.split(paper["cells"].get(pid, ""))) if t]
                valid, invalid = [], set()
                for t in texts:
                    cid = self.resolve(t)
                    if cid is not None and cid in self.lists[pid]:
                        if cid not in valid:
                            valid.append(cid)
                    else:
                        invalid.add(norm(t))
                if len(valid) + len(invalid) > self.limit[pid]:
                    r["overvotes"] += 1
                    r["void"] += 1
                    continue
                w = self.weights[paper["category"]] if self.weights else 1
                r["valid"] += 1
                r["weighted_valid"] += w
                r["invalid_marks"] += len(invalid)
                if not valid and not invalid:
                    r["blank"] += 1
                for cid in valid:
                    r["votes"][cid] += 1
                    r["weighted"][cid] += w
            out[pid] = r
        return out


def share(r: dict, cid: str) -> Fraction:
    return Fraction(r["weighted"][cid], r["weighted_valid"]) if r["weighted_valid"] else Fraction(0)


def ranking(scores: dict[str, Fraction]) -> list[tuple[str, Fraction]]:
    return sorted(((c, s) for c, s in scores.items() if s > 0), key=lambda x: (-x[1], x[0]))


# -- the pipeline ---------------------------------------------------------------------------


class Haimen:
    def __init__(self):
        self.rng = random.Random(SEED)
        doc = tomllib.loads(ROUND_FILE.read_text(encoding="utf-8"))
        self.posts = [(p["id"], p["title"]) for p in doc["post"]]
        self.title = dict(self.posts)
        self.roster = Roster(self.rng, self.posts)
        self.files: dict[str, bytes] = {}
        self.expected: dict = {"round": doc["round"]["id"], "seed": SEED, "stages": {},
                               "shortlists": {}}

    def eligible(self, pid: str) -> set[str]:
        return {p["id"] for p in self.roster.people if not p["posts"] or pid in p["posts"].split(";")}

    # one post's column over the papers of a recommendation ------------------------------
    def column(self, pid: str, n: int, votes: dict[str, int], overvotes: int, blanks: int,
               invalid: list[str], dup: bool = False) -> list[str]:
        r = self.roster
        pool = [p["id"] for p in r.pools[pid]]
        cells = [r.written(cid) for cid, k in votes.items() for _ in range(k)]
        if dup:  # the same person written twice in one cell: one mark
            name = r.by_id[pool[0]]["name"]
            i = next(i for i, cell in enumerate(cells) if norm(cell) == norm(name))
            cells[i] = f"{name}、{name}"
        for _ in range(overvotes):
            a, b = self.rng.sample(pool[:3], 2)
            cells.append(f"{r.written(a)}、{r.written(b)}")
        cells += [""] * blanks + list(invalid)
        assert len(cells) == n, (pid, len(cells), n)
        self.rng.shuffle(cells)
        return cells

    def draw(self, pid: str, total: int, strengths: list[float], extra: list[str]) -> dict[str, int]:
        pool = [p["id"] for p in self.roster.pools[pid]]
        names = pool[:len(strengths)] + extra
        weights = strengths + [1.0] * len(extra)
        return dict(Counter(self.rng.choices(names, weights, k=total)))

    def recommendations(self):
        rng, r = self.rng, self.roster
        # rec1: 396 papers returned of 398 issued; three are void.
        cats = ["领导干部"] * 150 + ["两代表一委员"] * 60 + ["一般干部"] * 186
        rng.shuffle(cats)
        rec1 = [{"number": f"{i:04d}", "category": cats[i - 1], "void": "", "cells": {}}
                for i in range(1, 397)]
        for number, reason in (("0057", "撕毁"), ("0233", "无法辨认"), ("0318", "在选票上署名")):
            rec1[int(number) - 1]["void"] = reason
        # rec2: 45 委员, 8 候补委员 and 7 invited 两代表一委员 (electorate 60); 56 attend. The
        # categories come from their own generator so that rec1's papers stay as they were.
        cats2 = ["全委会委员"] * 42 + ["候补委员"] * 7 + ["两代表一委员"] * 7
        random.Random(SEED + 2).shuffle(cats2)
        rec2 = [{"number": f"{i:03d}", "category": cats2[i - 1], "void": "", "cells": {}}
                for i in range(1, 57)]
        for number, reason in (("009", "在选票上作记号"), ("031", "撕毁")):
            rec2[int(number) - 1]["void"] = reason
        live1 = [p for p in rec1 if not p["void"]]
        live2 = [p for p in rec2 if not p["void"]]
        villagers = [p["id"] for pid in ("P28", "P29", "P30") for p in r.pools[pid]]
        tie_pool = [p["id"] for p in r.pools[TIE_POST]]
        invalid1 = {"P03": ["王小明"], "P06": [NAMESAKE, NAMESAKE],
                    "P12": [r.by_id[villagers[0]]["name"]], "P21": ["李向东"]}
        invalid2 = {"P15": ["赵志远"], "P06": [NAMESAKE]}
        for pid, _ in self.posts:
            for _ in range(50):
                pool = [p["id"] for p in r.pools[pid]]
                if pid == TIE_POST:
                    a, b, c, d, e = tie_pool
                    over1, blank1, over2, blank2 = 3, 4, 2, 2
                    extra1 = rng.sample([p["id"] for p in r.others], 2)
                    votes1 = {a: 125, b: 70, c: 92, d: 77, e: 20, extra1[0]: 1, extra1[1]: 1}
                    votes2 = {a: 22, b: 14, c: 5, d: 7, e: 2}
                else:
                    village = pid in ("P28", "P29", "P30")
                    over1 = int(rng.random() < .4)
                    blank1 = rng.randint(6, 20) if int(pid[1:]) > 17 else rng.randint(3, 12)
                    over2 = int(rng.random() < .15)
                    blank2 = rng.randint(0, 2)
                    base = [rng.uniform(36, 46), rng.uniform(22, 32), rng.uniform(12, 20), rng.uniform(5, 10)]
                    others = [c for c in (villagers if village else [p["id"] for p in r.others])
                              if c not in pool]
                    n1 = len(live1) - over1 - blank1 - len(invalid1.get(pid, []))
                    n2 = len(live2) - over2 - blank2 - len(invalid2.get(pid, []))
                    votes1 = self.draw(pid, n1, base, rng.sample(others, 3))
                    votes2 = self.draw(pid, n2, [s * rng.uniform(.8, 1.2) for s in base],
                                       rng.sample(others, 1))
                n1, n2 = len(live1) - over1, len(live2) - over2
                scores = {c: Fraction(votes1.get(c, 0), n1) + Fraction(votes2.get(c, 0), n2)
                          for c in set(votes1) | set(votes2)}
                ranked = [s for _, s in ranking(scores)]
                if pid == TIE_POST or (ranked[2] != ranked[3] and ranked[3] != ranked[4]
                                       and set(c for c, _ in ranking(scores)[:4]) <= set(pool)):
                    break
            else:
                raise SystemExit(f"could not plan {pid} without a tie")
            col1 = self.column(pid, len(live1), votes1, over1, blank1, invalid1.get(pid, []),
                               dup=pid == "P10")
            col2 = self.column(pid, len(live2), votes2, over2, blank2, invalid2.get(pid, []))
            for paper, cell in zip(live1, col1):
                paper["cells"][pid] = cell
            for paper, cell in zip(live2, col2):
                paper["cells"][pid] = cell
        for paper in rec1 + rec2:  # what is legible on a void paper does not count
            if paper["void"]:
                for pid, _ in self.posts:
                    if rng.random() < .6:
                        paper["cells"][pid] = r.written(rng.choice([p["id"] for p in r.pools[pid]]))
        lists = {pid: self.eligible(pid) for pid, _ in self.posts}
        limit = {pid: 1 for pid, _ in self.posts}
        weights = {"领导干部": 1, "两代表一委员": 1, "一般干部": 1}
        c1 = Tally(r, self.posts, lists, limit, weights).count(rec1)
        c2 = Tally(r, self.posts, lists, limit, {"全委会委员": 1, "候补委员": 1, "两代表一委员": 1}).count(rec2)
        self.record("rec1", c1, {"electorate": 420, "present": 398, "issued": 398, "returned": 396})
        self.record("rec2", c2, {"electorate": 60, "present": 56, "issued": 56, "returned": 56})

        # rec2's cut: 1:3 on rec1 + rec2 shares, the one tie resolved as intended.
        self.ranked, shortlist, ties = {}, {}, []
        for pid, _ in self.posts:
            scores = {c: share(c1[pid], c) + share(c2[pid], c)
                      for c in set(c1[pid]["votes"]) | set(c2[pid]["votes"])}
            ranked = ranking(scores)
            self.ranked[pid] = ranked
            if ranked[2][1] == ranked[3][1]:
                ties.append(pid)
                tied = [c for c, s in ranked if s == ranked[2][1]]
                assert len(tied) == 2 and ranked[1][1] > ranked[2][1], tied
                chosen = max(tied, key=lambda c: c2[pid]["votes"][c])
                self.tie = {"stage": "rec2", "post": pid, "tied": sorted(tied), "chosen": chosen,
                            "score": str(ranked[2][1]), "reason": TIE_REASON}
                shortlist[pid] = [c for c, _ in ranked[:2]] + [chosen]
            else:
                shortlist[pid] = [c for c, _ in ranked[:3]]
        assert ties == [TIE_POST], ties
        listed = [c for ids in shortlist.values() for c in ids]
        assert len(listed) == len(set(listed)), "someone is on two posts' inspection lists"
        self.expected["shortlists"]["rec2"] = shortlist
        self.expected["tie"] = self.tie
        self.files[f"{OUT}/rec1-a.csv"] = self.wide_csv(
            rec1[:200], ["票号", "类别", "废票"], titles=True, encoding="gbk")
        self.files[f"{OUT}/rec1-b.csv"] = self.wide_csv(
            rec1[200:], ["票号", "类别", "废票"], titles=True, encoding="utf-8-sig")
        self.files[f"{OUT}/rec2.xlsx"] = xlsx(
            [["选票编号", "类别", "废票", *self.title.values()]]
            + [[p["number"], p["category"], p["void"], *(p["cells"].get(pid, "") for pid, _ in self.posts)]
               for p in rec2])
        return shortlist

    def inspection(self, shortlist: dict[str, list[str]]) -> dict[str, list[str]]:
        rng, r = self.rng, self.roster
        checks = ["纪检", "信访", "综治", "审计", "计生"]
        vetoed = shortlist[VETO_POST][2]
        ranked = [c for c, _ in self.ranked[VETO_POST]]
        backfill = ranked[3]
        assert self.ranked[VETO_POST][3][1] != self.ranked[VETO_POST][4][1]
        concerns = {"信访": "有一件反映其工作作风的来信，经核查反映问题不属实",
                    "审计": "任期经济责任审计发现个别支出凭证不规范，已整改"}

        def findings(people, veto=None):
            rows = [["candidate", "check", "verdict", "note"]]
            for cid in people:
                for check in checks:
                    verdict, note = "clear", ""
                    if cid == veto and check == "计生":
                        verdict, note = "veto", "经核实，本人2009年违反计划生育政策生育第二个子女"
                    elif rng.random() < .03:
                        verdict, note = "concern", concerns.get(check, "有群众反映，经核查情况基本属实，已提醒")
                    rows.append([r.by_id[cid]["label"] or r.by_id[cid]["name"], check, verdict, note])
            return csv_bytes(rows, "utf-8-sig")

        def evaluation(people, prefix, n):
            rows = [["ballot", "void", *(r.by_id[c]["label"] or r.by_id[c]["name"] for c in people)]]
            grades = ["优秀", "称职", "基本称职", "不称职", ""]
            tally = {c: Counter() for c in people}
            for i in range(1, n + 1):
                void = "撕毁" if prefix == "T" and i == 23 else ""
                cells = [rng.choices(grades, (52, 40, 5, 1, 2))[0] for _ in people]
                rows.append([f"{prefix}{i:03d}", void, *cells])
                for c, g in zip(people, cells):
                    if not void:
                        tally[c][g] += 1
            for c, t in tally.items():  # everyone passes ">= 2/3" of valid papers, with a paper to spare
                assert t["优秀"] + t["称职"] - 1 >= Fraction(2, 3) * sum(t.values()), (c, t)
            return csv_bytes(rows, "utf-8-sig")

        order = [c for pid, _ in self.posts for c in shortlist[pid]]
        self.files[f"{OUT}/inspect-findings.csv"] = findings(order, veto=vetoed)
        self.files[f"{OUT}/inspect-evaluation.csv"] = evaluation(order, "T", 40)
        self.files[f"{OUT}/inspect-findings-backfill.csv"] = findings([backfill])
        self.files[f"{OUT}/inspect-evaluation-backfill.csv"] = evaluation([backfill], "B", 38)
        after = {pid: [backfill if c == vetoed else c for c in ids] for pid, ids in shortlist.items()}
        self.veto = {"post": VETO_POST, "struck": vetoed, "check": "计生", "backfill": backfill}
        self.expected["veto"] = self.veto
        self.expected["shortlists"]["inspect"] = after
        return after

    def vote1(self, listed: dict[str, list[str]]) -> dict[str, list[str]]:
        rng, r = self.rng, self.roster
        papers = [{"number": f"S{i:02d}", "category": None, "void": "", "cells": {}} for i in range(1, 11)]
        # On the vetoed post only the two people on both lists (before and after 递补) are marked.
        both = {pid: [c for c in ids if c != self.veto["struck"] and c != self.veto["backfill"]]
                for pid, ids in listed.items()}
        blank_paper = papers[9]  # S10 leaves the whole paper blank
        for pid, _ in self.posts:
            for _ in range(50):
                cands = both[pid]
                cells, votes = [], Counter()
                for paper in papers[:9]:
                    k = rng.choices((2, 1, 0), (80, 15, 5))[0]
                    chosen = rng.sample(cands, min(k, len(cands)))
                    cells.append(chosen)
                    votes.update(chosen)
                ranks = sorted(votes.values(), reverse=True) + [0, 0]
                if len(cands) < 3 or ranks[1] != ranks[2]:
                    break
            for paper, chosen in zip(papers[:9], cells):
                paper["cells"][pid] = "、".join(r.written(c) for c in chosen)
        papers[6]["cells"]["P11"] = "、".join(r.written(c) for c in listed["P11"])  # overvote: 3 marks
        fourth = self.ranked["P05"][3][0]  # not on vote1's list for P05
        first = papers[2]["cells"]["P05"].split("、")[0] if papers[2]["cells"]["P05"] else ""
        papers[2]["cells"]["P05"] = "、".join(x for x in (first, r.written(fourth)) if x)
        counted = Tally(r, self.posts, {p: set(ids) for p, ids in listed.items()},
                           {pid: 2 for pid, _ in self.posts}).count(papers)
        self.record("vote1", counted, {"members": 11, "present": 10, "issued": 10, "returned": 10})
        shortlist = {}
        for pid, _ in self.posts:
            ranked = ranking({c: share(counted[pid], c) for c in counted[pid]["votes"]})
            assert len(ranked) < 3 or ranked[1][1] != ranked[2][1], (pid, ranked)
            shortlist[pid] = [c for c, _ in ranked[:2]]
        self.expected["shortlists"]["vote1"] = shortlist
        rows = [["票号", "职位", "候选人"]]
        for paper in papers:
            if paper is blank_paper:
                rows.append([paper["number"], "", ""])
                continue
            for pid, _ in self.posts:
                for text in filter(None, paper["cells"].get(pid, "").split("、")):
                    rows.append([paper["number"], pid, text])
        self.files[f"{OUT}/vote1.csv"] = csv_bytes(rows, "utf-8")
        return shortlist

    def moral(self, listed: dict[str, list[str]]) -> dict[str, list[str]]:
        """道德品行鉴定: after the standing committee's 1:2 vote, five departments sign off on
        each of the 拟任人选; everyone is cleared (two with a note on what was looked into)."""
        r = self.roster
        notes = {(listed["P04"][0], "信访"): "近三年无涉及本人的信访举报",
                 (listed["P19"][1], "审计"): "离任经济责任审计未发现问题"}
        rows = [["人选", "鉴定部门", "结论", "说明"]]
        for pid, _ in self.posts:
            for cid in listed[pid]:
                for check in MORAL_CHECKS:
                    rows.append([r.by_id[cid]["label"] or r.by_id[cid]["name"], check, "无问题",
                                 notes.get((cid, check), "")])
        self.files[f"{OUT}/moral-findings.csv"] = csv_bytes(rows, "utf-8-sig")
        self.expected["shortlists"]["moral"] = listed
        return listed

    def vote2(self, listed: dict[str, list[str]]) -> dict[str, list[str]]:
        rng, r = self.rng, self.roster
        papers = [{"number": f"{i:03d}", "category": None, "void": "", "cells": {}} for i in range(1, 45)]
        papers[17]["void"] = "字迹无法辨认"
        live = [p for p in papers if not p["void"]]
        upsets = {"P13", "P24"}  # the full committee prefers the standing committee's second
        for pid, _ in self.posts:
            first, second = listed[pid] if pid not in upsets else listed[pid][::-1]
            over = int(pid == "P20")
            invalid = ["" if pid != "P08" else r.written(next(c for c, _ in self.ranked["P08"]
                                                                if c not in listed["P08"]))]
            invalid = [x for x in invalid if x]
            blanks = rng.randint(0, 3)
            rest = len(live) - over - blanks - len(invalid)
            win = rng.randint(26, rest - 4)
            cells = ([r.written(first)] * win + [r.written(second)] * (rest - win) + [""] * blanks
                     + invalid + [f"{r.written(first)}，{r.written(second)}"] * over)
            rng.shuffle(cells)
            for paper, cell in zip(live, cells):
                paper["cells"][pid] = cell
        for pid, _ in self.posts:
            papers[17]["cells"][pid] = r.written(listed[pid][0]) if rng.random() < .5 else ""
        counted = Tally(r, self.posts, {p: set(ids) for p, ids in listed.items()},
                           {pid: 1 for pid, _ in self.posts}).count(papers)
        self.record("vote2", counted, {"members": 45, "present": 44, "issued": 44, "returned": 44})
        appointed = {}
        for pid, _ in self.posts:
            top = ranking({c: share(counted[pid], c) for c in counted[pid]["votes"]})
            assert top[0][1] != top[1][1] and counted[pid]["votes"][top[0][0]] > 45 // 2
            appointed[pid] = [top[0][0]]
        self.expected["shortlists"]["vote2"] = appointed
        rows = [["ballot", "void", *(pid for pid, _ in self.posts)]]
        rows += [[p["number"], p["void"], *(p["cells"].get(pid, "") for pid, _ in self.posts)] for p in papers]
        self.files[f"{OUT}/vote2.csv"] = csv_bytes(rows, "utf-8-sig")
        return appointed

    def record(self, stage: str, counted: dict, attendance: dict) -> None:
        self.expected["stages"][stage] = {"attendance": attendance, "posts": {
            pid: {"valid": c["valid"], "void": c["void"], "blank": c["blank"],
                  "overvotes": c["overvotes"], "invalid_marks": c["invalid_marks"],
                  "votes": dict(sorted(c["votes"].items()))}
            for pid, c in counted.items()}}
        for c in counted.values():
            assert c["returned"] == attendance["returned"]

    def wide_csv(self, papers, head, *, titles: bool, encoding: str) -> bytes:
        cols = [t if titles else pid for pid, t in self.posts]
        rows = [[*head, *cols]]
        for p in papers:
            rows.append([p["number"], p["category"], p["void"], *(p["cells"].get(pid, "") for pid, _ in self.posts)])
        return csv_bytes(rows, encoding)

    def commands(self) -> bytes:
        t, e = self.tie, self.expected["stages"]
        complained = self.expected["shortlists"]["vote2"]["P01"][0]
        att = {s: e[s]["attendance"] for s in e}
        lines = [
            "#!/bin/sh",
            "# The Haimen 2011 example, end to end (made by examples/generate.py; `python3 dev.py demo`",
            "# runs these lines with a temporary database). Paths are relative to the repository root.",
            "set -e",
            "selector init rounds/haimen-2011.toml",
            "# 全市干部大会民主推荐: two counting teams, two files",
            f"selector tally rec1 {OUT}/rec1-a.csv --present {att['rec1']['present']} --issued {att['rec1']['issued']}",
            f"selector tally rec1 {OUT}/rec1-b.csv",
            "selector cut rec1",
            "# 全委会民主推荐; the 1:3 cut is tied on one post and needs a recorded decision",
            f"selector tally rec2 {OUT}/rec2.xlsx --present {att['rec2']['present']} --issued {att['rec2']['issued']}",
            f"selector cut rec2 --resolve {t['post']}={t['chosen']} --reason \"{t['reason']}\"",
            "# 考察: findings and 民主测评; the veto strikes one person, the backfilled one is inspected next",
            *(f"selector inspect inspect {OUT}/inspect-findings{part}.csv "
              f"{OUT}/inspect-evaluation{part}.csv" for part in ("", "-backfill")),
            "selector cut inspect",
            "# 市委常委会差额票决 (long layout: one row per mark)",
            f"selector tally vote1 {OUT}/vote1.csv --layout long --present {att['vote1']['present']} --issued {att['vote1']['issued']}",
            "selector cut vote1",
            "# 道德品行鉴定 of the 拟任人选 by 纪检、信访、综治、审计、计生 (as the 2011 report orders it)",
            f"selector inspect moral {OUT}/moral-findings.csv",
            "selector cut moral",
            "# 市委全委会票决",
            f"selector tally vote2 {OUT}/vote2.csv --present {att['vote2']['present']} --issued {att['vote2']['issued']}",
            "selector cut vote2",
            f"# 任前公示: {NOTICE_START} plus 5 working days; one anonymous complaint, checked and unfounded",
            f"selector notice notice open --start {NOTICE_START}",
            f"selector notice notice complaint --received {NOTICE_COMPLAINT} --candidate {complained} "
            f"--anonymous --summary \"{COMPLAINT}\"",
            f"selector notice notice resolve 1 --outcome unfounded --note \"{COMPLAINT_NOTE}\"",
            f"selector notice notice close --appointed {APPOINTED}",
            "# the shortlists, in surname-stroke order as official lists are printed",
            *(f"selector export {stage} --doc shortlist --format md"
              for stage in ("rec2", "inspect", "vote1", "moral", "vote2", "notice")),
            "selector status",
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")

    def build(self) -> dict[str, bytes]:
        shortlist = self.recommendations()
        listed = self.inspection(shortlist)
        self.vote2(self.moral(self.vote1(listed)))
        self.files[str(ROSTER)] = self.roster.csv_bytes()
        self.files[f"{OUT}/commands.sh"] = self.commands()
        self.files[f"{OUT}/expected.json"] = (json.dumps(self.expected, ensure_ascii=False, indent=1)
                                              + "\n").encode("utf-8")
        return self.files


# -- file formats -----------------------------------------------------------------------------


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    """A CSV as Excel saves it: CRLF line ends; "gbk" is 「CSV (逗号分隔)」 on Chinese Windows,
    "utf-8-sig" is 「CSV UTF-8」."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx(rows: list[list[str]]) -> bytes:
    """A minimal one-sheet workbook (shared strings, stored uncompressed, fixed timestamps),
    so the bytes do not depend on a library's version or on the clock."""
    strings: dict[str, int] = {}

    def ref(col: int, row: int) -> str:
        letters = ""
        col += 1
        while col:
            col, rem = divmod(col - 1, 26)
            letters = chr(65 + rem) + letters
        return f"{letters}{row}"

    sheet_rows = []
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(values):
            if value == "" or value is None:
                continue
            index = strings.setdefault(value, len(strings))
            cells.append(f'<c r="{ref(c, r)}" t="s"><v>{index}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'),
        "_rels/.rels": head + (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": head + (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="全委会推荐票" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": head + (
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": head + (
            f'<styleSheet xmlns="{main}"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>'),
        "xl/worksheets/sheet1.xml": head + (
            f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>'),
        "xl/sharedStrings.xml": head + (
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
            + "</sst>"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2011, 6, 1, 9, 0, 0))
            info.create_system = 0
            z.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="write under this directory instead of the repository (for checks)")
    args = ap.parse_args(argv)
    files = Haimen().build()
    for rel, data in sorted(files.items()):
        target = args.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(files)} files under {args.root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
