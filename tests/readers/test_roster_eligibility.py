"""Roster dates, 破格 and `[round.eligibility]` as the round file reader takes them (issue 11, point 6)."""

from __future__ import annotations

from datetime import date

import pytest

from selector.errors import ConfigError
from selector.readers import roundfile
from support import good_round, write_csv

RULES = "\n[round.eligibility]\nat = 2011-06-01\nmax_age = 45\nmin_years_in_post = 2\n"
HEAD = ["编号", "姓名", "区分", "报名职位", "出生年月", "任现职时间", "试用期满", "处分影响期至", "破格", "破格理由"]
ROWS = [["C01", "张伟", "张伟(审计)", "P01", "1962.03", "2005-01", "", "", "", ""],
        ["C02", "张伟", "张伟(统计)", "P02", "1975年3月", "2008.01", "", "", "", ""],
        ["C03", "李娜", "", "", "1970-03-01", "2010-06", "", "", "是", "业绩特别突出，经市委常委会研究同意破格提拔"],
        ["C04", "王芳", "", "P01", "1978.01", "2009.01", "2011-12-31", "", "", ""],
        ["C05", "刘洋", "", "P02", "1980.01", "2007.01", "", "2012-06-30", "是", "群众公认"],
        ["C06", "陈静", "", "P02", "1981.01", "2004.01", "", "", "", ""]]


def load(tmp_path, rows=ROWS, head=HEAD, append=RULES, encoding="gb18030"):
    path = good_round(tmp_path, append=append)
    write_csv(tmp_path / "roster.csv", [head, *rows], encoding)
    return roundfile.load(path)[0]


def refusal(tmp_path, *args, **kw) -> str:
    with pytest.raises(ConfigError) as e:
        load(tmp_path, *args, **kw)
    return e.value.message


def test_a_clerks_roster_with_dates_and_poge(tmp_path):
    r = load(tmp_path)
    assert r.eligibility.at == date(2011, 6, 1) and (r.eligibility.max_age, r.eligibility.min_years_in_post) == (45, 2)
    # 区分 is the label, 报名职位 the posts
    assert [(c.id, c.label, c.posts) for c in r.candidates][:2] == [("C01", "张伟(审计)", ("P01",)),
                                                                    ("C02", "张伟(统计)", ("P02",))]
    found = {s.candidate: s for s in r.standings}
    assert set(found) == {"C01", "C03", "C04", "C05"}
    assert found["C01"].excluded and [(b.rule, b.value) for b in found["C01"].breaches] == [("age", "49")]
    assert not found["C03"].excluded and found["C03"].exceptional == "业绩特别突出，经市委常委会研究同意破格提拔"
    assert found["C04"].excluded and found["C04"].breaches[0].rule == "probation"
    assert found["C05"].excluded and found["C05"].breaches[0].rule == "discipline"  # 破格 lifts no sanction
    # the excluded are on no list; 破格 李娜 stands for any post
    assert r.eligible() == {"P01": ("C03",), "P02": ("C02", "C03", "C06")}
    assert r.exceptional("C03") == "业绩特别突出，经市委常委会研究同意破格提拔" and r.exceptional("C05") is None


def test_without_rules_the_dates_are_only_checked(tmp_path):
    r = load(tmp_path, append="")
    assert r.eligibility is None and r.eligible()["P01"] == ("C01", "C03", "C04")
    # 破格 is still said, with its reason, for the documents; nobody is excluded
    assert [(s.candidate, s.excluded, s.exceptional) for s in r.standings] == [
        ("C03", False, "业绩特别突出，经市委常委会研究同意破格提拔"), ("C05", False, "群众公认")]
    assert r.exceptional("C05") == "群众公认"


def test_rules_at_as_text_and_inline_people(tmp_path):
    path = tmp_path / "r.toml"
    text = (good_round(tmp_path).read_text("utf-8").replace('roster = "roster.csv"\n', "")
            + '[[candidate]]\nid = "C1"\nname = "赵强"\nborn = 1960-01-01\n'
            + '[[candidate]]\nid = "C2"\nname = "孙丽"\nborn = "1979.10"\nexceptional = true\n'
            + 'exceptional_reason = "专业急需"\n')
    text = text.replace('tie_seed = "2026-03-01 公开种子"\n', 'tie_seed = "2026-03-01 公开种子"\n\n'
                        '[round.eligibility]\nat = "2011年6月1日"\nmax_age = 50\n')
    path.write_text(text, "utf-8")
    r = roundfile.load(path)[0]
    assert [(s.candidate, s.excluded, s.exceptional) for s in r.standings] == [("C1", True, None),
                                                                              ("C2", False, "专业急需")]


@pytest.mark.parametrize("row, message", [
    (["C01", "张伟", "张伟(审计)", "P01", "1962.13", "2005-01", "", "", "", ""],
     'row 2, column 出生年月: "1962.13" is not a date'),
    (["C01", "张伟", "张伟(审计)", "P01", "1962.03", "去年", "", "", "", ""],
     'row 2, column 任现职时间: "去年" is not a date'),
    (["C01", "张伟", "张伟(审计)", "P01", "1962.03", "2005-01", "2011-02-30", "", "", ""],
     'row 2, column 试用期满: "2011-02-30" is not a date'),
    (["C01", "张伟", "张伟(审计)", "P01", "1962.03", "2005-01", "", "", "是", ""],
     "row 2, column 破格理由: 破格 needs its stated reason"),
    (["C01", "张伟", "张伟(审计)", "P01", "1962.03", "2005-01", "", "", "", "德才兼备"],
     "row 2, column 破格: a 破格 reason is given but the person is not marked 破格"),
    (["C01", "张伟", "张伟(审计)", "P01", "1962.03", "2005-01", "", "", "可以", "德才兼备"],
     'row 2, column 破格: "可以" is neither yes'),
])
def test_bad_dates_and_poge_are_refused_with_row_and_column(tmp_path, row, message):
    got = refusal(tmp_path, [row, *ROWS[1:]])
    assert got.startswith(f"{tmp_path / 'round.toml'} → roster.csv: {message}"), got


def test_bad_rules(tmp_path):
    where = f"{tmp_path / 'round.toml'}: round.eligibility"
    assert refusal(tmp_path, append="\n[round.eligibility]\nmax_age = 45\n") == f"{where}.at: missing"
    assert refusal(tmp_path, append='\n[round.eligibility]\nat = "明年"\n') == (
        f'{where}.at: expected a date like 2011-06-01, got "明年"')
    assert refusal(tmp_path, append="\n[round.eligibility]\nat = 2011-06-01\nmax_age = 0\n").startswith(
        f"{where}.max_age: expected a whole number ≥ 1")
    assert refusal(tmp_path, append="\n[round.eligibility]\nat = 2011-06-01\nage = 45\n").startswith(
        f"{where}.age: unknown key (allowed: at, max_age, min_years_in_post)")
    rows = [ROWS[0], ["C02", "张伟", "张伟(统计)", "P02", "", "2008.01", "", "", "", ""], *ROWS[2:]]
    assert refusal(tmp_path, rows) == (f"{where}.max_age: needs born for everyone on the roster; 1 have none "
                                       "(first: C02 张伟)")


def test_an_unknown_roster_heading_lists_every_accepted_heading(tmp_path):
    got = refusal(tmp_path, [["C01", "张伟", "x"]], head=["编号", "姓名", "职称"], append="")
    assert got.startswith(f'{tmp_path / "round.toml"} → roster.csv: row 1, column 3: unknown column "职称" (allowed: ')
    for heading in [*roundfile.ROSTER_ALIASES, *roundfile.CANDIDATE_KEYS]:
        assert heading in got
    assert "…" not in got
