"""谈话调研推荐 (a talk stage, recorded from counts) and totals counted at the meeting
(`tally STAGE --totals FILE`), end to end through the CLI: the counts, the chained cut score,
what the screens, documents and record say, `audit verify`, and the refusals."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from support import check_golden, good_round, rows_of, write_csv

# rec1 becomes the talk (应谈 10 领导干部 + 20 一般干部, weights 2 and 1, cut 1:2); a meeting
# recommendation rec2 follows on its list and cuts 1:1 on both scores; vote1 is as before.
TALK = {
    'title = "全委会民主推荐"\nelectorate = 30':
        'title = "谈话调研推荐"\nmethod = "talk"\nexpected = { "领导干部" = 10, "一般干部" = 20 }',
    '[[stage]]\nid = "vote1"':
        '[[stage]]\nid = "rec2"\nkind = "recommend"\ntitle = "全委会会议推荐"\nelectorate = 20\n\n'
        '[stage.cut]\nratio = "1:1"\nscore = { rec1 = 1, rec2 = 1 }\n\n[[stage]]\nid = "vote1"',
}
TALK_COUNTS = """
职位,姓名,类别,推荐人数
审计局局长,张伟(审计),领导干部,6
审计局局长,张伟(审计),一般干部,10
审计局局长,李娜,领导干部,3
审计局局长,李娜,一般干部,7
审计局局长,王芳,一般干部,1
统计局副局长,刘洋,领导干部,5
统计局副局长,刘洋,一般干部,12
统计局副局长,李娜,一般干部,4
统计局副局长,未推荐,一般干部,2
"""
TALKED = ("--talked", "领导干部=9", "--talked", "一般干部=18")
# rec2's papers: 李娜 leads P01 here, but the talk's lead for 张伟 decides the combined score.
REC2 = """
ballot,审计局局长,统计局副局长
1,李娜,刘洋
2,李娜,刘洋
3,张伟(审计),李娜
4,李娜,刘洋
5,张伟(审计),刘洋
"""
VOTE_TOTALS = """
post,candidate,同意,不同意,弃权
P01,张伟(审计),6,1,1
P02,刘洋,5,2,
P02,无效票,1,,
"""


def talk_round(tmp_path: Path) -> Path:
    return good_round(tmp_path, TALK)


@pytest.fixture
def talked(run, tmp_path):
    """The talk round with its talk counts recorded and the talk's cut locked."""
    talk_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    write_csv(tmp_path / "talk.csv", rows_of(TALK_COUNTS), "gb18030")
    result = run("tally", "rec1", "--totals", "talk.csv", *TALKED)
    assert result.exit_code == 0, result.stderr
    return run


def test_a_talk_is_counted_with_weights_and_prints_its_talks(talked, run):
    view = json.loads(run("show", "rec1", "--json").stdout)
    assert view["method"] == "talk" and view["source"] == "totals"
    assert view["talks"] == [{"category": "领导干部", "expected": 10, "talked": 9},
                             {"category": "一般干部", "expected": 20, "talked": 18}]
    assert view["attendance"] == {"electorate": 30, "present": 27, "issued": 27, "returned": 27}
    p01, p02 = view["posts"]
    # 张伟: 6 × 2 + 10 of 9 × 2 + 18 = 36
    assert [(r["candidate"], r["votes"], r["weighted"], r["share"]) for r in p01["results"]] == [
        ("C01", 16, "22", "11/18"), ("C03", 10, "13", "13/36"), ("C04", 1, "1", "1/36")]
    assert p01["results"][0]["by_category"] == {"领导干部": 6, "一般干部": 10}
    assert p01["concentration"] == {"candidate": "C01", "name": "张伟(审计)", "share": "11/18"}
    assert p02["ballots"]["blank"] == 2 and p02["ballots"]["valid"] == 27
    screen = run("show", "rec1").stdout
    assert "谈话调研推荐 (talk recommendation)" in screen
    assert "to be talked to (应谈) 30 · talked to (实谈) 27 · 领导干部 9/10 · 一般干部 18/20" in screen
    assert "concentration (集中度) 61.11% (张伟(审计))" in screen
    status = run("status").stdout
    assert "next: selector cut rec1" in status


def test_the_talk_chains_into_a_meeting_recommendation_and_a_combined_score(talked, run, tmp_path):
    assert run("cut", "rec1").exit_code == 0
    write_csv(tmp_path / "rec2.csv", rows_of(REC2))
    assert run("tally", "rec2", "rec2.csv", "--present", "18", "--issued", "18").exit_code == 0
    view = json.loads(run("cut", "rec2", "--json").stdout)
    p01 = view["posts"][0]
    # 张伟 11/18 + 2/5 = 91/90; 李娜 13/36 + 3/5 = 173/180: the talk puts 张伟 first
    assert [(r["candidate"], r["score"]) for r in p01["results"]] == [("C01", "91/90"), ("C03", "173/180")]
    assert p01["advanced"] == ["C01"]
    assert view["posts"][1]["advanced"] == ["C05"]


def test_the_talk_document_is_golden(talked, run):
    assert run("cut", "rec1").exit_code == 0
    result = run("export", "rec1", "--doc", "tally", "--format", "md", "--out", "-")
    assert result.exit_code == 0, result.stderr
    check_golden("exports/talk-tally.md", result.stdout)
    assert "# 谈话调研推荐情况统计表" in result.stdout
    assert "集中度（推荐人数最多者所占比例）：张伟(审计) 61.11%" in result.stdout


def test_a_talk_takes_no_papers_and_needs_talked(talked, run, tmp_path):
    write_csv(tmp_path / "papers.csv", rows_of(REC2))
    result = run("tally", "rec1", "papers.csv", "--present", "20", "--issued", "20")
    assert result.exit_code == 1
    assert "stage rec1 is a 谈话调研推荐: it has no ballot papers" in result.stderr


def test_a_fresh_talk_refuses_papers_and_names_the_command(run, tmp_path):
    talk_round(tmp_path)
    run("init", "round.toml")
    assert "next: selector tally rec1 --totals COUNTS.csv --talked 领导干部=N --talked 一般干部=N" in \
        run("status").stdout.replace("\n", " ").replace("  ", " ")
    write_csv(tmp_path / "papers.csv", rows_of(REC2))
    result = run("tally", "rec1", "papers.csv", "--present", "20", "--issued", "20")
    assert result.exit_code == 1
    assert "stage rec1 is a 谈话调研推荐: it has no ballot papers" in result.stderr
    write_csv(tmp_path / "talk.csv", rows_of(TALK_COUNTS))
    result = run("tally", "rec1", "--totals", "talk.csv", "--talked", "27")
    assert result.exit_code == 2
    assert "stage rec1 counts by category: give --talked CATEGORY=N for each of 领导干部, 一般干部" in result.stderr
    result = run("tally", "rec1", "--totals", "talk.csv")
    assert result.exit_code == 2 and "give those talked to (实谈) with --talked N" in result.stderr


def test_talked_beyond_expected_is_refused_and_logged(run, tmp_path):
    talk_round(tmp_path)
    run("init", "round.toml")
    write_csv(tmp_path / "talk.csv", rows_of(TALK_COUNTS))
    result = run("tally", "rec1", "--totals", "talk.csv", "--talked", "领导干部=11", "--talked", "一般干部=18")
    assert result.exit_code == 1
    assert "stage rec1: 11 talked to in 领导干部, but only 10 are to be talked to (应谈)" in result.stderr
    log = json.loads(run("audit", "log", "--json").stdout)["events"]
    assert log[-1]["command"] == "tally refused"
    # below the quorum (2/3 of 30 = 20) the talk is refused too
    result = run("tally", "rec1", "--totals", "talk.csv", "--talked", "领导干部=5", "--talked", "一般干部=10")
    assert result.exit_code == 1 and "no quorum: 15 present of 30 electorate" in result.stderr


def test_counts_beyond_those_talked_to_are_refused(run, tmp_path):
    talk_round(tmp_path)
    run("init", "round.toml")
    write_csv(tmp_path / "talk.csv", rows_of(TALK_COUNTS))
    result = run("tally", "rec1", "--totals", "talk.csv", "--talked", "领导干部=5", "--talked", "一般干部=18")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: talk.csv: row 2, column 4 (推荐人数): 6 for 张伟(审计), but only 5 "
                                    "valid ballots that are not blank")
    assert run("show", "rec1", "--json").stdout.count('"results": []') == 2  # nothing stored


def _vote_ready(run, tmp_path):
    assert run("cut", "rec1").exit_code == 0
    write_csv(tmp_path / "rec2.csv", rows_of(REC2))
    assert run("tally", "rec2", "rec2.csv", "--present", "18", "--issued", "18").exit_code == 0
    assert run("cut", "rec2").exit_code == 0
    write_csv(tmp_path / "vote.csv", rows_of(VOTE_TOTALS))


def test_vote_totals_are_recorded_plainly_with_the_file_hash(talked, run, tmp_path):
    _vote_ready(run, tmp_path)
    result = run("tally", "vote1", "--totals", "vote.csv", "--present", "8", "--issued", "8", "--returned", "8")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("recorded from totals: vote.csv · 8 returned · 3 rows")
    sha = hashlib.sha256((tmp_path / "vote.csv").read_bytes()).hexdigest()
    view = json.loads(run("show", "vote1", "--json").stdout)
    assert view["source"] == "totals" and view["totals"]["sha256"] == sha
    p01, p02 = view["posts"]
    assert (p01["results"][0]["yes"], p01["results"][0]["no"], p01["results"][0]["abstain"]) == (6, 1, 1)
    assert p02["ballots"] == {"valid": 7, "void": 1, "blank": 0, "returned": 8, "overvotes": 0}
    assert p02["results"][0]["abstain"] == 0  # 7 valid less 5 yes and 2 no
    assert "recorded from the totals counted at the meeting: no ballot papers to recount" in run("show", "vote1").stdout
    event = json.loads(run("audit", "log", "--json").stdout)["events"][-1]
    assert event["command"] == "tally" and event["details"]["source"] == "totals"
    assert event["details"]["counted"] == {"": 8} and event["files"] == {"vote.csv": sha}
    doc = run("export", "vote1", "--doc", "vote", "--format", "md", "--out", "-").stdout
    assert "- 记录方式：按会议现场计票汇总数记录，无选票可供复核" in doc
    assert f"- 计票汇总表：vote.csv（SHA-256 {sha}）" in doc
    assert run("cut", "vote1").exit_code == 0


def test_audit_verify_rereads_totals_and_catches_edits(talked, run, tmp_path):
    _vote_ready(run, tmp_path)
    run("tally", "vote1", "--totals", "vote.csv", "--present", "8", "--issued", "8", "--returned", "8")
    result = run("audit", "verify", "--files", ".")
    assert result.exit_code == 0, result.stderr
    assert "2 stages recorded from totals re-read from their stored counts (no papers to recount: rec1, vote1)" \
        in result.stdout
    db = sqlite3.connect("selector.db")
    db.execute("UPDATE counted SET returned = 10 WHERE category = '领导干部'")
    db.execute("UPDATE results SET votes = 7 WHERE stage = 'vote1' AND candidate = 'C01'")
    db.commit()
    db.close()
    (tmp_path / "vote.csv").write_text("post,candidate,同意,不同意\nP01,C01,8,0\n", encoding="utf-8")
    result = run("audit", "verify", "--files", ".")
    assert result.exit_code == 3
    assert "stage rec1: table counted, batch 1: papers returned per category are 领导干部=10, 一般干部=18 but " \
           "tally event #2 recorded" in result.stderr
    assert "stage vote1: table results, row P01/C01: votes is 7 in the database, 6 on recount" in result.stderr
    assert "stage vote1: file vote.csv (batch 3): changed since it was tallied" in result.stderr


def test_sample_and_compare_refuse_a_stage_without_papers(talked, run, tmp_path):
    result = run("audit", "sample", "rec1", "--seed", "公开种子", "--count", "3")
    assert result.exit_code == 1
    assert "stage rec1 was recorded from totals: it has no ballot papers for `audit sample`" in result.stderr
    write_csv(tmp_path / "hand.csv", rows_of(REC2))
    result = run("audit", "compare", "rec1", "hand.csv")
    assert result.exit_code == 1 and "for `audit compare` to draw or compare" in result.stderr


def test_totals_are_withdrawn_and_recorded_anew(talked, run, tmp_path):
    result = run("tally", "rec1", "--totals", "talk.csv", *TALKED)
    assert result.exit_code == 1 and "nothing can be added to them" in result.stderr
    assert run("tally", "rec1", "--withdraw", "1", "--reason", "类别录错").exit_code == 0
    assert json.loads(run("show", "rec1", "--json").stdout)["attendance"]["returned"] == 0
    fixed = TALK_COUNTS.replace("王芳,一般干部,1", "王芳,一般干部,2").replace("李娜,一般干部,7", "李娜,一般干部,6")
    write_csv(tmp_path / "talk2.csv", rows_of(fixed))
    result = run("tally", "rec1", "--totals", "talk2.csv", *TALKED)
    assert result.exit_code == 0, result.stderr
    results = json.loads(run("show", "rec1", "--json").stdout)["posts"][0]["results"]
    assert results[-1]["candidate"] == "C04" and results[-1]["votes"] == 2
    assert run("audit", "verify").exit_code == 0


def test_papers_and_totals_do_not_mix(run, tmp_path):
    good_round(tmp_path)
    run("init", "round.toml")
    write_csv(tmp_path / "rec1.csv", [["ballot", "category", "审计局局长", "统计局副局长"],
                                      ["1", "领导干部", "C01", "C05"]])
    assert run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    write_csv(tmp_path / "totals.csv", [["post", "candidate", "category", "votes"], ["P01", "C01", "领导干部", "1"]])
    result = run("tally", "rec1", "--totals", "totals.csv", "--returned", "领导干部=1", "--returned", "一般干部=0")
    assert result.exit_code == 1 and "already has 1 ballot batch(es): totals cannot be added" in result.stderr


def test_a_dry_run_of_totals_stores_nothing(run, tmp_path):
    good_round(tmp_path)
    run("init", "round.toml")
    write_csv(tmp_path / "totals.csv", [["职位", "人选", "类别", "得票"], ["P01", "C01", "领导干部", "8"],
                                        ["P01", "C04", "一般干部", "5"], ["P02", "刘洋", "一般干部", "9"]])
    before = Path("selector.db").read_bytes()
    result = run("tally", "rec1", "--totals", "totals.csv", "--returned", "领导干部=8", "--returned", "一般干部=12",
                 "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["dry_run"] and view["attendance"]["returned"] == 20
    assert [r["share"] for r in view["posts"][0]["results"]] == ["4/7", "5/28"]  # 16/28, 5/28
    assert Path("selector.db").read_bytes() == before


def test_totals_from_a_workbook_with_numbers_as_numbers(run, tmp_path):
    from support import write_xlsx

    good_round(tmp_path)
    run("init", "round.toml")
    write_xlsx(tmp_path / "计票结果.xlsx", [["职位", "人选", "类别", "得票数"], ["审计局局长", "张伟(审计)", "领导干部", "7"],
                                          ["审计局局长", "王芳", "一般干部", "9"], ["审计局局长", "空白票", "一般干部", "1"],
                                          ["统计局副局长", "陈静", "一般干部", "10"]])
    result = run("tally", "rec1", "--totals", "计票结果.xlsx", "--returned", "领导干部=8", "--returned", "一般干部=12",
                 "--present", "20", "--issued", "20")
    assert result.exit_code == 0, result.stderr
    p01, p02 = json.loads(run("show", "rec1", "--json").stdout)["posts"]
    assert [(r["candidate"], r["votes"], r["share"]) for r in p01["results"]] == [("C01", 7, "1/2"), ("C04", 9, "9/28")]
    assert p01["ballots"]["blank"] == 1 and p02["results"][0]["share"] == "5/14"
    assert run("audit", "verify", "--files", ".").exit_code == 0


def test_totals_for_a_stage_still_waiting_for_its_list_log_nothing(talked, run, tmp_path):
    write_csv(tmp_path / "vote.csv", rows_of(VOTE_TOTALS))
    events = len(json.loads(run("audit", "log", "--json").stdout)["events"])
    result = run("tally", "vote1", "--totals", "vote.csv", "--present", "2", "--issued", "2", "--returned", "2")
    assert result.exit_code == 1
    assert "takes its candidates from stage rec2, whose shortlist is not locked yet" in result.stderr
    assert len(json.loads(run("audit", "log", "--json").stdout)["events"]) == events


def test_chinese_screens_and_the_record_say_how_the_stage_was_recorded(talked, run, monkeypatch):
    from selector import i18n

    monkeypatch.setenv("SELECTOR_LANG", "zh-CN")
    try:
        screen = run("show", "rec1").stdout
        record = run("export", "rec1", "--doc", "record", "--format", "md", "--out", "-").stdout
    finally:
        i18n.use("en")  # the language is the process's: later tests read messages in English
    assert "谈话调研推荐：按谈话对象推荐人数统计，无推荐票" in screen
    assert "应谈 30 · 实谈 27 · 领导干部 9/10 · 一般干部 18/20" in screen
    assert "实谈 27 · 未推荐人选 0 · 集中度 61.11%（张伟(审计)）" in screen
    assert "| 计票（按汇总数记录，无选票） | rec1" in record.replace("  ", "")


def test_min_share_and_the_ratio_apply_to_a_talk_as_to_papers(run, tmp_path):
    good_round(tmp_path, {**TALK, 'ratio = "1:2"': 'ratio = "1:3"\nmin_share = ">= 1/10"'})
    run("init", "round.toml")
    write_csv(tmp_path / "talk.csv", rows_of(TALK_COUNTS))
    assert run("tally", "rec1", "--totals", "talk.csv", *TALKED).exit_code == 0
    result = run("cut", "rec1", "--json")
    assert result.exit_code == 1  # P01: 王芳's 1/36 is below 1/10, so two of three places are filled
    p01 = json.loads(result.stdout)["posts"][0]
    assert p01["status"] == "short" and [r["eligible"] for r in p01["results"]] == [True, True, False]
    view = json.loads(run("cut", "rec1", "--accept-short", "P01", "--accept-short", "P02", "--reason", "部务会决定",
                          "--json").stdout)
    assert view["posts"][0]["advanced"] == ["C01", "C03"]


def test_a_totals_screen_in_chinese_says_youxiaopiao(talked, run, tmp_path, monkeypatch):
    # The figures of a stage counted from totals use the words of the papers' screen and of the
    # documents (有效票, 无效票, 空白票: docs/glossary.md), not bare 有效/无效/空白.
    from selector import i18n

    _vote_ready(run, tmp_path)
    assert run("tally", "vote1", "--totals", "vote.csv", "--present", "8", "--issued", "8",
               "--returned", "8").exit_code == 0
    monkeypatch.setenv("SELECTOR_LANG", "zh-CN")
    try:
        screen = run("show", "vote1").stdout
    finally:
        i18n.use("en")
    assert "有效票 7 · 无效票 1 · 空白票 0" in screen
