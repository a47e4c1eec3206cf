"""Counts files (readers/counts.py): Chinese headings, figure rows, and each refusal with its
row and column."""

from __future__ import annotations

import pytest

from selector.domain.counting import Resolver
from selector.readers import roundfile
from selector.readers.ballots import Paper
from selector.readers.counts import read_counts
from selector.errors import BallotFileError
from support import GOOD


@pytest.fixture(scope="module")
def paper():
    round_, _, _ = roundfile.load(GOOD / "round.toml")
    lists = {p.id: tuple(c.id for c in round_.candidates if c.eligible_for(p.id)) for p in round_.posts}
    return lambda stage="rec1": Paper(round_.stage(stage), round_.posts, lists, Resolver(round_.candidates))


def read(paper, header, *rows, stage="rec1"):
    return read_counts("c.csv", header, list(enumerate(rows, start=2)), paper(stage))


def test_chinese_headings_names_titles_and_figure_rows(paper):
    rows = read(paper, ["职位", "姓名", "类别", "推荐人数"], ["审计局局长", "张伟(审计)", "领导干部", "６"],
                ["P02", "李娜", " 一般干部 ", "3.0"], ["统计局副局长", "空白票", "一般干部", "2"])
    assert [(r.line, r.post, r.candidate, r.figure, r.category, r.votes) for r in rows] == [
        (2, "P01", "C01", None, "领导干部", 6), (3, "P02", "C03", None, "一般干部", 3),
        (4, "P02", None, "blank", "一般干部", 2)]


def test_a_shared_name_counts_for_the_only_one_on_the_posts_list(paper):
    # two 张伟 on the roster, one on each post's list: the bare name is placed as on papers
    # (two on one list is refused: tests/cli/test_roster_rules.py)
    rows = read(paper, ["职位", "姓名", "类别", "推荐人数"], ["审计局局长", "张伟", "领导干部", "2"],
                ["统计局副局长", "张伟", "一般干部", "3"])
    assert [(r.post, r.candidate, r.votes) for r in rows] == [("P01", "C01", 2), ("P02", "C02", 3)]


def test_approve_columns_and_an_abstain_left_to_work_out(paper):
    rows = read(paper, ["post", "candidate", "同意", "不同意", "弃权"], ["P01", "C01", "5", "2", ""],
                ["P01", "无效票", "1", "", ""], stage="vote1")
    assert (rows[0].votes, rows[0].no, rows[0].abstain) == (5, 2, None)
    assert rows[1].figure == "void" and rows[1].votes == 1


@pytest.mark.parametrize("header, row, stage, where, message", [
    (["post", "candidate", "category", "votes", "备注"], None, "rec1", (1, 5), "unknown column '备注'"),
    (["post", "candidate", "votes"], None, "rec1", (1, None), "no 'category' column: stage rec1 counts by category"),
    (["post", "candidate", "同意"], None, "vote1", (1, None), "no 'no' column"),
    (["post", "candidate", "category", "votes"], ["P09", "C01", "领导干部", "1"], "rec1", (2, 1), "unknown post 'P09'"),
    (["post", "candidate", "category", "votes"], ["P01", "C01", "群众", "1"], "rec1", (2, 3),
     "unknown category '群众' (stage rec1: 领导干部, 一般干部)"),
    (["post", "candidate", "category", "votes"], ["P01", "赵六", "领导干部", "1"], "rec1", (2, 2),
     "'赵六' is not on the roster"),
    (["post", "candidate", "category", "votes"], ["P01", "刘洋", "领导干部", "1"], "rec1", (2, 2),
     "'刘洋' (C05) is not on stage rec1's list for P01"),
    (["post", "candidate", "category", "votes"], ["P01", "C01", "领导干部", "-1"], "rec1", (2, 4), "'-1' is not a count"),
    (["post", "candidate", "category", "votes"], ["P01", "C01", "领导干部", "1.5"], "rec1", (2, 4), "'1.5' is not a count"),
    (["post", "candidate", "category", "votes"], ["P01", "C01", "领导干部", ""], "rec1", (2, 4), "empty count: write 0"),
    (["post", "candidate", "同意", "不同意"], ["P01", "无效票", "1", "2"], "vote1", (2, 4),
     "a 无效票 row gives its number in the '同意' column only"),
    (["post", "candidate", "category", "votes"], ["职位", "人选", "类别", "得票"], "rec1", (2, None),
     "this row repeats the heading row"),
])
def test_refusals_name_the_row_and_column(paper, header, row, stage, where, message):
    with pytest.raises(BallotFileError) as caught:
        read(paper, header, *([row] if row else [["P01", "C01", "领导干部", "1"]]), stage=stage)
    assert (caught.value.place.get("row"), caught.value.place.get("column")) == where
    assert message in caught.value.message


def test_an_unknown_heading_lists_every_accepted_heading(paper):
    # a sheet headed in Chinese is told the Chinese headings too, in full, as ballot files are
    with pytest.raises(BallotFileError) as caught:
        read(paper, ["职位", "姓名", "类别", "人数"], ["P01", "C01", "领导干部", "1"])
    accepted = caught.value.message.split("Headings accepted: ", 1)[1]
    for heading in ("职位", "岗位", "推荐职位", "候选人", "人选", "姓名", "推荐人数", "得票", "票数", "类别", "票别"):
        assert heading in accepted, heading
    assert "同意" not in accepted and "…" not in accepted  # a recommendation's counts take no 同意
    with pytest.raises(BallotFileError) as caught:
        read(paper, ["post", "candidate", "同意", "反对"], ["P01", "C01", "1", "0"], stage="vote1")
    accepted = caught.value.message.split("Headings accepted: ", 1)[1]
    assert all(h in accepted for h in ("同意", "不同意", "弃权", "无效")) and "类别" not in accepted
