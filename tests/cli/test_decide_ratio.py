"""A decide stage that chooses more than the seats: `ratio = "1:2"`, the 常委会 sending two
nominees per post on to the 全委会's vote (the Haimen 2011 差额票决), on the same majority line."""

from __future__ import annotations

import json

import pytest

from support import write_csv

ROUND = """# 市委常委会讨论决定：按 1:2 差额提交全委会票决
[round]
id = "changwei-2011"
title = "乡镇党政正职拟任人选差额提名"
organizer = "中共某市委组织部"

[[post]]
id = "P01"
title = "临江镇镇长"

[[post]]
id = "P02"
title = "长兴镇镇长"

[[candidate]]
id = "C01"
name = "陆建国"
posts = ["P01"]

[[candidate]]
id = "C02"
name = "顾海燕"
posts = ["P01"]

[[candidate]]
id = "C03"
name = "施卫东"
posts = ["P01"]

[[candidate]]
id = "C04"
name = "沈志刚"
posts = ["P02"]

[[candidate]]
id = "C05"
name = "倪丽娟"
posts = ["P02"]

[[candidate]]
id = "C06"
name = "袁晓峰"
posts = ["P02"]

[[stage]]
id = "decide"
kind = "decide"
title = "市委常委会讨论决定"
members = ["罗志明", "何建新", "郭永年", "马卫平", "梁晓春", "谢国华", "韩立群", "唐红英", "冯德兴", "于海波", "董秀兰"]
pass = "> 1/2"
ratio = "1:2"

[[stage]]
id = "vote"
kind = "vote"
title = "全委会票决"
members = 45

[stage.cut]
ratio = "1:1"
pass = "> 1/2"
"""


def sitting(items: list[tuple[str, int, int]], present: int = 10, day: str = "2011-06-14") -> str:
    text = f'date = {day}\npresent = {present}\nmethod = "ballot"\n'
    for name, agree, disagree in items:
        text += f'\n[[item]]\nnominee = "{name}"\nagree = {agree}\ndisagree = {disagree}\n'
    return text


@pytest.fixture
def committee(run, tmp_path):
    (tmp_path / "round.toml").write_text(ROUND, "utf-8")
    assert run("init", "round.toml").exit_code == 0
    return run


def posts(run) -> dict[str, dict]:
    result = run("show", "decide", "--json")
    assert result.exit_code == 0, result.stderr
    return {p["post"]: p for p in json.loads(result.stdout)["posts"]}


def test_two_of_three_per_post_go_on_with_more_than_half_of_eleven(committee, tmp_path):
    # P01: 7 and 6 of 11 pass, 5 does not; P02: all three pass, the two with most 同意 go on.
    (tmp_path / "s1.toml").write_text(sitting([("陆建国", 7, 3), ("顾海燕", 5, 5), ("施卫东", 6, 4),
                                               ("沈志刚", 9, 1), ("倪丽娟", 6, 4), ("袁晓峰", 8, 2)]), "utf-8")
    recorded = committee("sitting", "decide", "s1.toml")
    assert recorded.exit_code == 0, recorded.stderr
    by_post = posts(committee)
    assert {p: (v["status"], [r["candidate"] for r in v["results"] if r["chosen"]]) for p, v in by_post.items()} \
        == {"P01": ("ok", ["C01", "C03"]), "P02": ("ok", ["C04", "C06"])}
    passed = {r["candidate"]: r["passed"] for p in by_post.values() for r in p["results"]}
    assert passed == {"C01": True, "C02": False, "C03": True, "C04": True, "C05": True, "C06": True}
    # the screen and the decision sheet say how many the stage chooses
    assert json.loads(committee("show", "decide", "--json").stdout)["rule"]["ratio"] == 2
    assert "chooses 2 × seats per post (1:2)" in committee("show", "decide").stdout
    sheet = committee("export", "decide", "--doc", "decision", "--format", "md")
    assert "每个职位按 1:2 差额确定职数 2 倍的人选（同意票多者）" in sheet.stdout, sheet.stderr
    # 倪丽娟 passed the line (6 of 11) but two had more 同意: the sheet does not call her 通过
    rows = {line.split("|")[2].strip(): line.split("|")[-2].strip() for line in sheet.stdout.splitlines()
            if line.startswith("|") and line.split("|")[1].strip().isdigit()}
    assert (rows["沈志刚"], rows["倪丽娟"], rows["袁晓峰"], rows["顾海燕"]) == ("通过", "过线未入选", "通过", "未通过")
    cut = committee("cut", "decide", "--json")
    assert cut.exit_code == 0, cut.stderr
    assert {p["post"]: p["advanced"] for p in json.loads(cut.stdout)["posts"]} == {
        "P01": ["C01", "C03"], "P02": ["C04", "C06"]}
    # the 全委会 votes on the two the 常委会 sent on (顾海燕, not sent on, is an invalid mark), and
    # verify re-applies the same rule
    papers = [["ballot", "P01", "P02"]] + [[str(i), "陆建国" if i <= 20 else "施卫东", "袁晓峰" if i <= 25 else "沈志刚"]
                                           for i in range(1, 30)] + [["30", "顾海燕", "沈志刚"]]
    write_csv(tmp_path / "vote.csv", papers)
    assert committee("tally", "vote", "vote.csv", "--present", "30", "--issued", "30").exit_code == 0
    shown = {p["post"]: p for p in json.loads(committee("show", "vote", "--json").stdout)["posts"]}
    assert {p: {r["candidate"]: r["votes"] for r in v["results"]} for p, v in shown.items()} == {
        "P01": {"C01": 20, "C03": 9}, "P02": {"C06": 25, "C04": 5}}
    assert (shown["P01"]["invalid_marks"], shown["P02"]["invalid_marks"]) == (1, 0)
    verify = committee("audit", "verify")
    assert verify.exit_code == 0 and "all hold" in verify.stdout, verify.stderr


def test_one_passing_of_three_leaves_the_second_place_to_a_revote(committee, tmp_path):
    (tmp_path / "s1.toml").write_text(sitting([("陆建国", 8, 2), ("顾海燕", 5, 5), ("施卫东", 4, 6),
                                               ("沈志刚", 9, 1), ("倪丽娟", 7, 3), ("袁晓峰", 3, 7)]), "utf-8")
    assert committee("sitting", "decide", "s1.toml").exit_code == 0
    p01 = posts(committee)["P01"]
    assert p01["status"] == "revote"
    assert (p01["pending"]["ballot"], p01["pending"]["slots"]) == (["C02", "C03"], 1)
    held = committee("cut", "decide")
    assert held.exit_code == 1 and "P01" in held.stderr
    (tmp_path / "s2.toml").write_text(sitting([("顾海燕", 6, 4), ("施卫东", 4, 6)], day="2011-06-16"), "utf-8")
    assert committee("sitting", "decide", "s2.toml").exit_code == 0
    p01 = posts(committee)["P01"]
    assert (p01["status"], [r["candidate"] for r in p01["results"] if r["chosen"]]) == ("ok", ["C01", "C02"])
    assert committee("cut", "decide").exit_code == 0
    verify = committee("audit", "verify")
    assert verify.exit_code == 0, verify.stderr
