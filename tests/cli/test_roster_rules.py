"""Eligibility at init and shared names on ballots, end to end (issue 11, points 6 and 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import good_round, write_csv

RULES = "\n[round.eligibility]\nat = 2011-06-01\nmax_age = 45\nmin_years_in_post = 2\n"
ROSTER = [
    ["编号", "姓名", "区分", "报名职位", "出生年月", "任现职时间", "破格", "破格理由"],
    ["C01", "张伟", "张伟(审计)", "P01", "1960.05", "2005.01", "", ""],  # 51: over age
    ["C02", "张伟", "张伟(统计)", "P02", "1975.03", "2008.01", "", ""],
    ["C03", "李娜", "", "", "1970.03", "2010.06", "是", "业绩特别突出，经市委常委会研究同意破格提拔"],
    ["C04", "王芳", "", "P01", "1978.01", "2009.01", "", ""],
    ["C05", "刘洋", "", "P02", "1980.01", "2007.01", "", ""],
    ["C06", "陈静", "", "P02", "1981.01", "2004.01", "", ""],
    ["C07", "张伟", "张伟(财政)", "P01", "1976.08", "2006.03", "", ""],
    ["C08", "张伟", "张伟(发改)", "P02", "1979.02", "2005.09", "", ""],
]
HEADER = ["ballot", "category", "审计局局长", "统计局副局长"]
# P01: the bare 张伟 is C07 (C01, the other 张伟 for P01, is over age); 李娜 and 王芳 tie for the
# second place. P02: two 张伟 stand for it (C02, C08), so a bare 张伟 is an invalid mark there.
BALLOTS = [HEADER,
           ["1", "一般干部", "张伟", "张伟(统计)"], ["2", "一般干部", "张伟", "张伟"],
           ["3", "一般干部", "张伟(财政)", "刘洋"], ["4", "一般干部", "李娜", "张伟(统计)"],
           ["5", "一般干部", "王芳", "刘洋"], ["6", "一般干部", "C07", "陈静"]]


@pytest.fixture
def rules_round(run, tmp_path):
    path = good_round(tmp_path, append=RULES)
    write_csv(tmp_path / "roster.csv", ROSTER, "gb18030")
    write_csv(Path("rec1.csv"), BALLOTS)
    return path


def js(result) -> dict:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_init_reports_who_is_excluded_and_who_is_let_through(run, rules_round):
    result = run("init", rules_round)
    assert result.exit_code == 0, result.stderr
    assert ("eligibility (on 2011-06-01, age at most 45, at least 2 years in the present post): 1 excluded, "
            "1 admitted by 破格") in result.stdout
    assert "  excluded: C01 张伟(审计) — age 51, over 45" in result.stdout
    assert ("  破格: C03 李娜 — years in the present post: 1, fewer than 2; reason: "
            "业绩特别突出，经市委常委会研究同意破格提拔") in result.stdout
    # kept in the record
    log = js(run("audit", "log", "--json"))
    init = next(e for e in (log["events"] if isinstance(log, dict) else log) if e["command"] == "init")
    assert init["details"]["eligibility"]["standings"] == [
        {"candidate": "C01", "excluded": True, "breaches": [{"rule": "age", "value": "51", "limit": "45"}]},
        {"candidate": "C03", "excluded": False, "exceptional": "业绩特别突出，经市委常委会研究同意破格提拔",
         "breaches": [{"rule": "years_in_post", "value": "1", "limit": "2"}]}]
    status = run("status")
    assert "excluded: C01 张伟(审计) — age 51, over 45" in status.stdout
    assert [s["candidate"] for s in js(run("status", "--json"))["eligibility"]["standings"]] == ["C01", "C03"]
    shown = js(run("show", "rec1", "--json"))
    assert shown["eligibility"]["standings"][0]["name"] == "张伟(审计)"
    assert run("audit", "verify").exit_code == 0


def test_check_shows_the_exclusions_before_anything_is_stored(run, rules_round):
    result = run("check", rules_round)
    assert result.exit_code == 0, result.stderr
    assert "  excluded: C01 张伟(审计) — age 51, over 45" in result.stdout
    assert not Path("selector.db").exists()


def test_verify_applies_the_rules_again(run, rules_round, monkeypatch):
    assert run("init", rules_round).exit_code == 0
    from selector.domain import eligibility

    real = eligibility.breaches
    monkeypatch.setattr(eligibility, "breaches", lambda rules, dates: () if "born" in dates and
                        dates["born"].year == 1960 else real(rules, dates))
    result = run("audit", "verify")
    assert result.exit_code == 3
    assert "C01: init event #1 recorded" in result.stdout + result.stderr


def test_a_shared_name_counts_for_the_only_one_on_the_list(run, rules_round):
    assert run("init", rules_round).exit_code == 0
    tally = run("tally", "rec1", "rec1.csv", "--present", "25", "--issued", "25")
    assert tally.exit_code == 0, tally.stderr
    assert "2 marks placed by the list (a name two roster people share, one of them listed)" in tally.stdout
    view = js(run("show", "rec1", "--json"))
    p01, p02 = view["posts"]
    assert [(r["candidate"], r["votes"]) for r in p01["results"]] == [("C07", 4), ("C03", 1), ("C04", 1)]
    assert p01["placed_by_list"] == 2 and p01["invalid_marks"] == 0
    assert [(m["ballot"], m["text"], m["reason"]) for m in p02["invalid_mark_list"]] == [
        ("2", "张伟", "ambiguous: two people on the roster have this name")]
    assert "placed_by_list" not in p02
    assert [(r["candidate"], r["votes"]) for r in p02["results"]] == [("C02", 2), ("C05", 2), ("C06", 1)]
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.stdout


def test_resolve_by_name_or_the_whole_shortlist(run, rules_round, tmp_path):
    assert run("init", rules_round).exit_code == 0
    assert run("tally", "rec1", "rec1.csv", "--present", "25", "--issued", "25").exit_code == 0
    wrong = run("cut", "rec1", "--resolve", "P01=张伟", "--reason", "常委会2011年6月2日研究决定")
    assert wrong.exit_code == 1
    assert wrong.stderr.strip().splitlines()[0] == (
        "error: --resolve P01: choose exactly 1 of the tied C03, C04 (got C07), or the whole shortlist: C07 "
        "and 1 of C03, C04")
    # the committee's minutes list the whole shortlist by name: the bare 张伟 is C07 (C01 is excluded)
    done = run("cut", "rec1", "--resolve", "审计局局长=张伟,王芳", "--reason", "常委会2011年6月2日研究决定", "--json")
    assert done.exit_code == 0, done.stderr
    p01 = js(done)["posts"][0]
    assert p01["advanced"] == ["C07", "C04"] and p01["decision"]["chosen"] == ["C04"]
    assert run("audit", "verify").exit_code == 0


NOTICE = '\n[[stage]]\nid = "notice"\nkind = "notice"\ntitle = "任前公示"\n'


def test_poge_reason_is_printed_on_the_shortlist_and_notice(run, tmp_path):
    path = good_round(tmp_path, append=RULES + NOTICE)
    write_csv(tmp_path / "roster.csv", ROSTER, "gb18030")
    write_csv(Path("rec1.csv"), BALLOTS)
    assert run("init", path).exit_code == 0
    assert run("tally", "rec1", "rec1.csv", "--present", "25", "--issued", "25").exit_code == 0
    assert run("cut", "rec1", "--resolve", "P01=李娜", "--reason", "常委会研究决定").exit_code == 0
    shortlist = run("export", "rec1", "--doc", "shortlist", "--format", "md", "--out", "-")
    assert shortlist.exit_code == 0, shortlist.stderr
    assert "破格提拔理由" in shortlist.stdout  # the round's documents are in Chinese
    line = next(ln for ln in shortlist.stdout.splitlines() if "李娜" in ln)
    assert "业绩特别突出，经市委常委会研究同意破格提拔" in line
    assert "业绩特别突出" not in next(ln for ln in shortlist.stdout.splitlines() if "张伟(财政)" in ln)
    # the vote makes 李娜 the appointee for P01; the notice publishes her 破格 reason with her name
    votes = [["ballot", "张伟(财政)", "李娜", "张伟(统计)", "刘洋"]]
    votes += [[str(i), "不同意" if i <= 7 else "同意", "同意" if i <= 7 else "不同意", "同意" if i <= 6 else "弃权",
               "弃权"] for i in range(1, 10)]
    write_csv(Path("vote1.csv"), votes)
    assert run("tally", "vote1", "vote1.csv", "--present", "9", "--issued", "9").exit_code == 0
    assert run("cut", "vote1").exit_code == 0
    notice = run("export", "notice", "--doc", "notice", "--format", "md", "--out", "-")
    assert notice.exit_code == 0, notice.stderr
    assert "李娜破格提拔，理由：业绩特别突出，经市委常委会研究同意破格提拔" in notice.stdout
    assert "张伟(统计)破格" not in notice.stdout


def test_a_date_that_decides_the_lists_is_no_descriptive_amendment(run, rules_round, tmp_path):
    assert run("init", rules_round).exit_code == 0
    assert run("tally", "rec1", "rec1.csv", "--present", "25", "--issued", "25").exit_code == 0
    rows = [list(r) for r in ROSTER]
    rows[1][4] = "1970.05"  # 张伟(审计) would be 41, back on P01's list
    write_csv(tmp_path / "roster.csv", rows, "gb18030")
    refused = run("init", rules_round, "--reason", "补录出生年月")
    assert refused.exit_code == 1
    assert "candidate[0].born" in refused.stderr and "rec1" in refused.stderr
    # the 破格 reason's wording is printed, not counted: it may be corrected
    rows = [list(r) for r in ROSTER]
    rows[3][7] = "业绩特别突出，经市委常委会2011年5月研究同意破格提拔"
    write_csv(tmp_path / "roster.csv", rows, "gb18030")
    done = run("init", rules_round, "--reason", "破格理由按常委会纪要更正")
    assert done.exit_code == 0, done.stderr
    assert run("audit", "verify").exit_code == 0


def test_double_entry_reads_a_shared_name_as_the_count_does(run, rules_round):
    assert run("init", rules_round).exit_code == 0
    second = [list(r) for r in BALLOTS]
    second[1][2] = "张伟(财政)"  # the first keying has the bare 张伟: on P01's list that is C07
    write_csv(Path("rec1-b.csv"), second)
    r = run("tally", "rec1", "rec1.csv", "--present", "25", "--issued", "25", "--check-against", "rec1-b.csv")
    assert r.exit_code == 0, r.stderr
    second[2][3] = "张伟(统计)"  # on P02 two 张伟 stand: the bare name there is not that one
    write_csv(Path("rec1-c.csv"), second)
    write_csv(Path("rec1-d.csv"), BALLOTS)
    r = run("tally", "rec1", "rec1-d.csv", "--dry-run", "--check-against", "rec1-c.csv")
    assert r.exit_code == 1 and "ballot 2" in r.stderr and "统计局副局长" in r.stderr


def test_a_counts_file_places_a_shared_name_as_a_paper_does(run, rules_round):
    # The totals of the meeting (or a talk's counts) name people as the papers do: the bare 张伟
    # on P01 is C07, the only 张伟 on that list; on P02 (C02 and C08) it is refused, naming the row.
    assert run("init", rules_round).exit_code == 0
    header = ["职位", "姓名", "类别", "推荐人数"]
    returned = ("--returned", "领导干部=0", "--returned", "一般干部=6")
    write_csv(Path("p02.csv"), [header, ["统计局副局长", "张伟", "一般干部", "2"]])
    refused = run("tally", "rec1", "--totals", "p02.csv", *returned, "--present", "25", "--issued", "25")
    assert refused.exit_code == 1
    assert "p02.csv: row 2, column 2 (姓名): '张伟' is a name two roster people share" in refused.stderr
    write_csv(Path("totals.csv"), [header, ["审计局局长", "张伟", "一般干部", "4"],
                                   ["审计局局长", "王芳", "一般干部", "1"],
                                   ["统计局副局长", "刘洋", "一般干部", "3"]])
    counted = run("tally", "rec1", "--totals", "totals.csv", *returned, "--present", "25", "--issued", "25")
    assert counted.exit_code == 0, counted.stderr
    p01 = js(run("show", "rec1", "--json"))["posts"][0]
    assert [(r["candidate"], r["votes"]) for r in p01["results"]][:2] == [("C07", 4), ("C04", 1)]
    assert run("audit", "verify").exit_code == 0
