"""The bundled examples: the Haimen 2011 round end to end, and the hand-counted demo round."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT



HAIMEN = ROOT / "examples" / "haimen-2011"
DEMO = ROOT / "examples" / "demo"


def commands(script: Path) -> list[list[str]]:
    """The `selector …` lines of an example's commands.sh (what `dev.py demo` runs), as argv
    without the program name, with repository paths made absolute."""
    out = []
    for line in script.read_text(encoding="utf-8").splitlines():
        if line.startswith("selector "):
            args = shlex.split(line)[1:]
            out.append([str(ROOT / a) if (ROOT / a).exists() and "/" in a else a for a in args])
    return out


def generate(root: Path) -> dict[str, bytes]:
    subprocess.run([sys.executable, str(ROOT / "examples" / "generate.py"), "--root", str(root)],
                   check=True, capture_output=True)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path):
    first = generate(tmp_path / "one")
    second = generate(tmp_path / "two")
    assert first == second
    assert "examples/haimen-2011/rec2.xlsx" in first and "rounds/haimen-2011.roster.csv" in first
    for rel, data in first.items():
        assert (ROOT / rel).read_bytes() == data, f"{rel} differs: run python3 examples/generate.py"


def test_rec1_batch_is_a_gbk_csv_as_excel_writes_it():
    data = (HAIMEN / "rec1-a.csv").read_bytes()
    text = data.decode("gbk")
    assert not data.startswith(b"\xef\xbb\xbf") and text.startswith("票号,类别,废票,审计局局长")
    assert text.count("\r\n") == 201 and "\n" not in text.replace("\r\n", "")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def shown(run, stage: str) -> dict:
    result = run("show", stage, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_haimen_pipeline_gives_the_intended_counts_and_shortlists(run):
    expected = json.loads((HAIMEN / "expected.json").read_text(encoding="utf-8"))
    tie, veto = expected["tie"], expected["veto"]
    for args in commands(HAIMEN / "commands.sh"):
        if args[:2] == ["cut", "rec2"]:
            # Without the recorded decision the tie holds the cut, and nothing is locked.
            held = run("cut", "rec2", "--json")
            assert held.exit_code == 1
            posts = {p["post"]: p for p in json.loads(held.stdout)["posts"]}
            assert [p for p, v in posts.items() if v["status"] == "tied"] == [tie["post"]]
            assert posts[tie["post"]]["tie"]["tied"] == tie["tied"]
            assert posts[tie["post"]]["tie"]["score"] == tie["score"]
            assert args[2:4] == ["--resolve", f"{tie['post']}={tie['chosen']}"]
        if args[:2] == ["cut", "inspect"]:
            # 递补 is a decision: without it the vetoed post is held, its replacement proposed.
            assert run("cut", "inspect").exit_code == 1
            posts = {p["post"]: p for p in shown(run, "inspect")["posts"]}
            assert [p for p, v in posts.items() if v["held"]] == [veto["post"]]
            assert posts[veto["post"]]["proposed"] == [veto["backfill"]]
            assert args[2:4] == ["--backfill", f"{veto['post']}={veto['backfill']}"]
        if "--keep" in args:
            # every concern must be decided before the cut
            held = run("cut", "inspect", "--backfill", f"{veto['post']}={veto['backfill']}", "--reason", "x")
            assert held.exit_code == 1 and f"{len(expected['concerns_kept'])} with concerns to decide" in held.stderr
        if args[:2] == ["sitting", "vote1"] and args[2].endswith("-2.toml"):
            # 暂缓: the post put off at the first sitting holds the 常委会's list until it is decided.
            held = run("cut", "vote1")
            assert held.exit_code == 1 and "P07" in held.stderr, held.stderr
            assert {p["post"]: p["status"] for p in shown(run, "vote1")["posts"]}["P07"] == "deferred"
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)

    for stage, want in expected["stages"].items():
        view = shown(run, stage)
        if "sittings" in want:  # 讨论决定: every sitting, and every vote on every nominee
            assert view["kind"] == "decide" and view["attendance"]["members"] == want["attendance"]["members"]
            assert [{k: s[k] for k in want["sittings"][0]} for s in view["sittings"]] == want["sittings"]
            for post in view["posts"]:
                keys = want["posts"][post["post"]]["votes"][0]
                got = [{k: v[k] for k in keys} for v in post["votes"]]
                assert got == want["posts"][post["post"]]["votes"], (stage, post["post"])
            continue
        att = view["attendance"]
        assert {k: att[k] for k in want["attendance"]} == want["attendance"], stage
        for post in view["posts"]:
            counts = want["posts"][post["post"]]
            got = {k: post["ballots"][k] for k in ("valid", "void", "blank", "overvotes")}
            assert got == {k: counts[k] for k in got}, (stage, post["post"])
            assert post["invalid_marks"] == counts["invalid_marks"], (stage, post["post"])
            votes = {r["candidate"]: r["votes"] for r in post["results"] if r["votes"]}
            assert votes == counts["votes"], (stage, post["post"])

    # The inspection list shows the veto's backfill; the notice confirms vote2's appointees
    # (its one complaint was unfounded).
    # The 考察对象公示 publishes rec2's list as it is; the 道德品行鉴定 clears everyone vote1 sent on.
    expected["shortlists"]["notice"] = expected["shortlists"]["vote2"]
    expected["shortlists"]["preview"] = expected["shortlists"]["rec2"]
    for stage in ("rec2", "preview", "inspect", "vote1", "moral", "vote2", "notice"):
        view = shown(run, stage)
        assert {p["post"]: p["advanced"] for p in view["posts"]} == expected["shortlists"][stage], stage
    inspect = {p["post"]: p for p in shown(run, "inspect")["posts"]}
    assert inspect[veto["post"]]["decision"]["kind"] == "backfilled"
    assert inspect[veto["post"]]["decision"]["chosen"] == [veto["backfill"]]
    kept = {r["candidate"] for p in inspect.values() for r in p["results"]
            if r["settled"] and r["settled"]["decision"] == "keep"}
    assert kept == set(expected["concerns_kept"])
    rec2 = {p["post"]: p for p in shown(run, "rec2")["posts"]}
    assert rec2[tie["post"]]["decision"] == {"kind": "resolved", "chosen": [tie["chosen"]],
                                             "reason": tie["reason"]}
    # The invalid marks the files were made with, by kind.
    rec1 = {p["post"]: p for p in shown(run, "rec1")["posts"]}
    reasons = lambda post: sorted(m["reason"] for m in rec1[post]["invalid_mark_list"])  # noqa: E731
    assert reasons("P03") == ["not on the roster"]
    assert reasons("P06") == ["ambiguous: two people on the roster have this name"] * 2
    assert reasons("P12") == ["not eligible for P12"]
    # The 常委会 sends two per post on (1:2), each with more than half of its 11 members (6 同意);
    # the member recused for one nominee is left out of that vote: 9 of the 10 present voted.
    vote1 = shown(run, "vote1")
    assert all(p["status"] == "ok" and len(p["advanced"]) == 2 for p in vote1["posts"])
    assert all(v["passed"] == (v["yes"] >= 6) for p in vote1["posts"] for v in p["votes"] if not v["deferred"])
    recused = [(p["post"], v) for p in vote1["posts"] for v in p["votes"] if v["recused"]]
    assert [(post, v["recused"], v["voters"], v["base"]) for post, v in recused] == [("P16", ["梁晓春"], 9, 10)]
    p07 = {p["post"]: p for p in vote1["posts"]}["P07"]["votes"]
    assert [(v["sitting"], v["deferred"]) for v in p07] == [(1, True)] * 3 + [(2, False)] * 3
    sheet = run("export", "vote1", "--doc", "decision", "--format", "md")
    assert sheet.exit_code == 0 and "| 梁晓春 |" in sheet.stdout and "暂缓表决" in sheet.stdout, sheet.stderr
    assert "- 第 1 次会议：2011年6月14日，实到 10 人，无记名投票（vote1-sitting-1.toml）" in sheet.stdout
    # Each list titled by what it is for: the people the 常委会 sends on are not 考察对象 again
    # because a 道德品行鉴定 (an inspect stage) lies between it and the 全委会 vote.
    titles = {s: run("export", s, "--doc", "shortlist").stdout.split("\n")[0]
              for s in ("rec2", "inspect", "vote1", "moral", "vote2")}
    assert titles == {"rec2": "# 考察对象名单", "inspect": "# 提交票决人选名单", "vote1": "# 提交票决人选名单",
                      "moral": "# 提交票决人选名单", "vote2": "# 拟任人选名单"}
    # The 纪实: a 考察对象公示 appoints nobody; the 常委会 sat on its sittings' days; the 道德品行鉴定
    # had no 民主测评; every event is named in Chinese.
    record = dict(part.split("\n", 1) for part in run("export", "vote2", "--doc", "record").stdout.split("\n## ")[1:])
    preview = record["三、考察对象公示（preview）"]
    assert "王秀英（公示无异议）" in preview and "确认任用" not in preview
    assert "季雪芳（确认任用）" in record["八、任前公示（notice）"]
    decided = record["五、市委常委会讨论决定（vote1）"]
    assert "时间：2011年6月14日至2011年6月16日" in decided
    assert "第 2 次会议：2011年6月16日，实到 9 人，无记名投票（vote1-sitting-2.toml）" in decided
    assert "方式：考察（纪检、信访、综治、审计、计生鉴定意见）\n" in record["六、拟任人选道德品行鉴定（moral）"]
    assert "民主测评）" in record["四、考察（inspect）"]
    log = record["附：操作记录（全部事件及哈希）"]
    assert "| 关注事项研究决定 |" in log and "| 讨论决定会议记录 |" in log
    assert "settle concern" not in log and "| sitting " not in log
    vote2 = shown(run, "vote2")
    assert all(p["status"] == "ok" and len(p["advanced"]) == 1 for p in vote2["posts"])
    notice = shown(run, "notice")["notice"]
    assert (notice["start"], notice["end"]) == ("2011-06-20", "2011-06-24")
    assert [c["outcome"] for c in notice["complaints"]] == ["unfounded"]
    # The 考察对象公示 counts 2011's official calendar: 端午 (Monday 2011-06-06) is no working day.
    preview = shown(run, "preview")["notice"]
    assert (preview["start"], preview["end"]) == ("2011-06-02", "2011-06-09")
    # The finished round audits clean: chain, recount of every stage, every cut.
    # Each list is titled by what it is for: the 常委会's goes to the 全委会's vote (the 道德品行鉴定
    # between them vets it), the 考察对象公示 publishes the 考察对象.
    titles = {stage: run("export", stage, "--doc", "shortlist").stdout.split("\n")[0]
              for stage in ("rec2", "preview", "vote1", "moral", "vote2", "notice")}
    assert titles == {"rec2": "# 考察对象名单", "preview": "# 考察对象名单", "vote1": "# 提交票决人选名单",
                      "moral": "# 提交票决人选名单", "vote2": "# 拟任人选名单", "notice": "# 拟任人选名单"}
    verified = run("audit", "verify")
    assert verified.exit_code == 0 and "all hold" in verified.stdout, verified.stderr


def test_demo_round_counted_by_hand(run):
    for args in commands(DEMO / "commands.sh"):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    # (valid, void, blank, invalid marks, {candidate: votes}, advanced), counted from the papers.
    by_hand = {
        "rec": {
            # D1: paper 06 torn, 07 marks two names for one place.
            "D1": (10, 2, 0, 0, {"C01": 5, "C02": 3, "C03": 2}, ["C01", "C02"]),
            # D2: paper 09 left it blank.
            "D2": (11, 1, 1, 0, {"C04": 5, "C05": 4, "C06": 1}, ["C04", "C05"]),
            # D3: paper 08 wrote 张伟, which two people share.
            "D3": (11, 1, 0, 1, {"C07": 5, "C08": 3, "C09": 2}, ["C07", "C08"]),
        },
        "vote": {
            "D1": (11, 1, 0, 0, {"C01": 8, "C02": 3}, ["C01"]),
            # 7 of 13 members is just over half: 刘洋 passes on the line.
            "D2": (10, 2, 0, 0, {"C04": 7, "C05": 3}, ["C04"]),
            # paper 10 marked 张伟(城关), who is not on the vote's list.
            "D3": (11, 1, 1, 1, {"C07": 7, "C08": 2}, ["C07"]),
        },
    }
    for stage, posts in by_hand.items():
        view = shown(run, stage)
        assert view["attendance"]["returned"] == 12
        for post in view["posts"]:
            valid, void, blank, invalid, votes, advanced = posts[post["post"]]
            b = post["ballots"]
            assert (b["valid"], b["void"], b["blank"], post["invalid_marks"]) == (valid, void, blank, invalid)
            assert {r["candidate"]: r["votes"] for r in post["results"] if r["votes"]} == votes
            assert post["advanced"] == advanced
