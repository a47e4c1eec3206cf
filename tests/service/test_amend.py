"""Amending a stored round (更正): `init FILE --reason` once stages hold something, accepted
when it alters nothing counted, shown as key paths old → new; refused naming the stage."""

from __future__ import annotations

import json
import shutil

import pytest

from support import GOOD, good_round
from test_corrections import dump, error_line, show, verify_ok


@pytest.fixture
def tallied(run, tmp_path):
    """The good round stored and rec1 tallied (vote1 holds nothing yet)."""
    path = good_round(tmp_path)
    assert run("init", path).exit_code == 0
    shutil.copy(GOOD / "rec1.csv", "rec1.csv")
    assert run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    return path


def edit(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def test_descriptive_fields_and_an_untouched_stage_can_be_amended(run, tallied):
    roster = tallied.parent / "roster.csv"
    lines = roster.read_text("utf-8").splitlines()
    lines = [lines[0] + ",born"] + [line + ("," + "1975.03" if i == 2 else ",") for i, line in enumerate(lines[1:], 1)]
    roster.write_text("\n".join(lines) + "\n", "utf-8")
    edit(tallied, "members = 9", "members = 11")
    before = dump()
    r = run("init", tallied)
    assert r.exit_code == 2 and dump() == before
    assert error_line(r) == (f"error: round demo-2026: {tallied} changes the stored round after recording "
                             "started (2 changes, below): an amendment is a correction; run again with "
                             "--reason \"…\"")
    assert "  candidate[1].born: — → 1975.03" in r.stderr
    assert "  stage[1].members: 9 → 11" in r.stderr
    r = run("init", tallied, "--reason", "补录出生年月；常委会成员数更正")
    assert r.exit_code == 0, r.stderr
    assert "amended (更正; reason: 补录出生年月；常委会成员数更正)" in r.stdout
    assert "  stage[1].members: 9 → 11" in r.stdout
    event = json.loads(run("audit", "log", "--json").stdout)["events"][-1]
    assert event["command"] == "init" and event["correction"] is True
    d = event["details"]
    assert d["change"] == "amended" and d["reason"] == "补录出生年月；常委会成员数更正"
    assert {"path": "stage[1].members", "old": "9", "new": "11"} in d["changes"]
    assert len(d["undid"]["sha256"]) == 64 and set(d["undid"]["files"]) == {"round.toml", "roster.csv"}
    verify_ok(run)
    assert run("init", tallied).exit_code == 0  # unchanged now


def test_amending_a_counted_stage_s_rules_is_refused(run, tallied):
    edit(tallied, "electorate = 30", "electorate = 31")
    before = dump()
    r = run("init", tallied, "--reason", "应到人数更正")
    assert r.exit_code == 1 and dump() == before
    assert error_line(r).startswith("error: round demo-2026 already has tallied ballots")
    assert "  stage[0].electorate: 30 → 31 — stage rec1 has recorded ballots under the stored rule" in r.stderr
    assert show(run, "rec1")["attendance"]["electorate"] == 30


@pytest.mark.parametrize("old, new, path", [
    ("C03,李娜", "C03,李丽", "candidate[2].name: 李娜 → 李丽"),
    ('title = "审计局局长"', 'title = "审计局长"', "post[0].title: 审计局局长 → 审计局长"),
    ('tie_seed = "2026-03-01 公开种子"', 'tie_seed = "另一个种子"', "round.tie_seed"),
])
def test_changes_every_stage_reads_wait_for_nothing_recorded(run, tallied, old, new, path):
    target = tallied.parent / "roster.csv" if old.startswith("C03") else tallied
    edit(target, old, new)
    r = run("init", tallied, "--reason", "更正")
    assert r.exit_code == 1
    assert any(line.strip().startswith(path) and line.endswith("stage rec1 has recorded ballots under the stored rule")
               for line in r.stderr.splitlines()), r.stderr


def test_a_title_is_descriptive(run, tallied):
    edit(tallied, 'title = "某市局级领导干部公推公选"', 'title = "某市2026年局级领导干部公推公选"')
    r = run("init", tallied, "--reason", "标题更正")
    assert r.exit_code == 0, r.stderr
    assert "round.title: 某市局级领导干部公推公选 → 某市2026年局级领导干部公推公选" in r.stdout
    verify_ok(run)


def test_signers_wait_for_no_certified_stage(run, tallied):
    assert run("certify", "rec1", "--teller", "甲", "--scrutineer", "乙", "--scrutineer", "丙").exit_code == 0
    edit(tallied, 'roster = "roster.csv"', 'roster = "roster.csv"\ncertify = { tellers = 2 }')
    r = run("init", tallied, "--reason", "x")
    assert r.exit_code == 1
    assert "round.certify.tellers: 1 → 2 — stage rec1 has recorded a certificate" in r.stderr


def test_a_talk_s_expected_is_a_rule_once_its_counts_are_recorded(run, tmp_path):
    talk = 'title = "谈话调研推荐"\nmethod = "talk"\nexpected = { "领导干部" = 10, "一般干部" = 20 }'
    path = good_round(tmp_path, {'title = "全委会民主推荐"\nelectorate = 30': talk})
    assert run("init", path).exit_code == 0
    (tmp_path / "talk.csv").write_text("职位,人选,类别,推荐人数\nP01,C01,领导干部,5\n", "utf-8")
    assert run("tally", "rec1", "--totals", "talk.csv", "--talked", "领导干部=8", "--talked", "一般干部=16").exit_code == 0
    edit(path, '"一般干部" = 20 }', '"一般干部" = 25 }')
    r = run("init", path, "--reason", "应谈人数更正")
    assert r.exit_code == 1
    assert "  stage[0].expected: 领导干部 = 10, 一般干部 = 20 → 领导干部 = 10, 一般干部 = 25 — stage rec1 has " \
           "recorded ballots under the stored rule" in r.stderr
