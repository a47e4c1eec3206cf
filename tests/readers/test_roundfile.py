"""Round files (SPEC §2): every refusal names the file and the key path, with the exact message."""

from __future__ import annotations

from fractions import Fraction

import pytest

from selector.readers import roundfile
from selector.domain.model import Threshold
from selector.errors import ConfigError
from support import GOOD, good_round, write_csv


def refusal(tmp_path, replace=None, append="") -> str:
    path = good_round(tmp_path, replace, append)
    with pytest.raises(ConfigError) as e:
        roundfile.load(path)
    return e.value.message


def test_the_shared_round_is_valid():
    r, sources, _ = roundfile.load(GOOD / "round.toml")
    assert r.id == "demo-2026"
    assert [p.title for p in r.posts] == ["审计局局长", "统计局副局长"]
    assert [c.display for c in r.candidates][:2] == ["张伟(审计)", "张伟(统计)"]
    assert r.candidate("C03").posts == () and r.candidate("C01").posts == ("P01",)
    rec1, vote1 = r.stages
    assert rec1.candidates == "roster" and vote1.candidates == "previous"
    assert rec1.weights == {"领导干部": 2, "一般干部": 1}
    assert vote1.form == "approve" and vote1.cut.pass_ == Threshold(">", Fraction(1, 2))
    assert set(sources) == {"round.toml", "roster.csv"}
    assert roundfile.from_sources("round.toml", sources) == r


@pytest.mark.parametrize("replace, append, message", [
    # ratio, thresholds
    ({'ratio = "1:2"': 'ratio = "3"'}, "", 'stage[0].cut.ratio: expected "1:N", got "3"'),
    ({'ratio = "1:2"': "ratio = 2"}, "", 'stage[0].cut.ratio: expected "1:N", got 2'),
    ({'ratio = "1:2"': 'ratio = "1:0"'}, "", 'stage[0].cut.ratio: expected "1:N", got "1:0"'),
    ({'ratio = "1:2"': 'ratio = "2:1"'}, "", 'stage[0].cut.ratio: expected "1:N", got "2:1"'),
    ({'quorum = ">= 2/3"\ncategories': 'quorum = "2/3"\ncategories'}, "",
     'stage[0].quorum: expected a threshold like ">= 2/3" or "> 1/2", got "2/3"'),
    ({'quorum = ">= 2/3"\ncategories': 'quorum = ">= 0.66"\ncategories'}, "",
     'stage[0].quorum: expected a threshold like ">= 2/3" or "> 1/2", got ">= 0.66"'),
    ({'quorum = ">= 2/3"\ncategories': 'quorum = "=> 2/3"\ncategories'}, "",
     'stage[0].quorum: expected a threshold like ">= 2/3" or "> 1/2", got "=> 2/3"'),
    ({'quorum = ">= 2/3"\ncategories': 'quorum = ">= 1/0"\ncategories'}, "",
     'stage[0].quorum: expected a threshold like ">= 2/3" or "> 1/2", got ">= 1/0"'),
    ({'pass = "> 1/2"': 'pass = "> 3/2"'}, "",
     'stage[1].cut.pass: a threshold is a share of at most 1, got "> 3/2"'),
    ({'ratio = "1:2"': 'ratio = "1:2"\nmin_share = "5%"'}, "",
     'stage[0].cut.min_share: expected a threshold like ">= 2/3" or "> 1/2", got "5%"'),
    ({'pass_base = "members"': 'pass_base = "all"'}, "",
     'stage[1].cut.pass_base: expected one of members | present | valid, got "all"'),
    ({'pass = "> 1/2"\n': ""}, "", "stage[1].cut.pass_base: given without a pass line (cut.pass)"),
    ({'ratio = "1:2"': 'ratio = "1:2"\nties = "random"'}, "",
     'stage[0].cut.ties: expected one of hold | widen | lot, got "random"'),
    ({'shortfall = "accept"': 'shortfall = "skip"'}, "",
     'stage[1].cut.shortfall: expected one of hold | accept | revote, got "skip"'),
    # unknown keys at each level
    ({'tie_seed =': 'seed = 1\ntie_seed ='}, "", "round.seed: unknown key"),
    ({"seats = 1\n": "seats = 1\ngrade = 2\n"}, "", "post[0].grade: unknown key"),
    ({'ratio = "1:2"': 'ratio = "1:2"\nrule = "x"'}, "", "stage[0].cut.rule: unknown key"),
    ({"electorate = 30": "electorate = 30\nvoters = 3"}, "", "stage[0].voters: unknown key"),
    ({}, "\n[extra]\nx = 1\n", "(top level).extra: unknown key"),
    # per-kind keys
    ({"electorate = 30": "electorate = 30\nmembers = 9"}, "", "stage[0].members: not used by a recommend stage"),
    ({'form = "approve"': 'form = "approve"\nelectorate = 9'}, "", "stage[1].electorate: not used by a vote stage"),
    ({"electorate = 30": "electorate = 30\nform = \"choose\""}, "", "stage[0].form: not used by a recommend stage"),
    ({"electorate = 30\n": ""}, "", "stage[0].electorate: missing (应到人数 of a recommendation)"),
    ({"members = 9\n": ""}, "", "stage[1].members: missing (应到会成员 of a vote)"),
    ({"members = 9": "members = 0"}, "", "stage[1].members: expected a whole number ≥ 1, got 0"),
    ({'kind = "vote"': 'kind = "poll"'}, "",
     'stage[1].kind: expected one of recommend | vote | inspect | notice | decide, got "poll"'),
    ({'form = "approve"': 'form = "rank"'}, "", 'stage[1].form: expected one of choose | approve, got "rank"'),
    ({}, '\n[[stage]]\nid = "insp"\nkind = "inspect"\ntitle = "考察"\nmembers = 3\n',
     "stage[2].members: not used by a inspect stage"),
    # ids
    ({'id = "demo-2026"': 'id = "Demo_2026"'}, "", 'round.id: expected [a-z0-9-]+, got "Demo_2026"'),
    ({'id = "P01"': 'id = "P 01"'}, "", 'post[0].id: ids may not contain spaces or full-width characters, got "P 01"'),
    ({'id = "P01"': 'id = "Ｐ01"'}, "", 'post[0].id: ids may not contain spaces or full-width characters, got "Ｐ01"'),
    ({'id = "vote1"': 'id = "rec1"'}, "", 'stage[1].id: another stage is already called "rec1"'),
    ({'id = "P02"': 'id = "P01"'}, "", 'post[1].id: "P01" is also post[0]\'s id'),
    ({'title = "统计局副局长"': 'title = "审计局 局长"'}, "", 'post[1].title: "审计局局长" is also post[0]\'s title'),
    ({"seats = 1\n": "seats = 0\n"}, "", "post[0].seats: expected a whole number ≥ 1, got 0"),
    # lot without a seed; score over unknown or later stages
    ({'tie_seed = "2026-03-01 公开种子"\n': "", 'ratio = "1:2"': 'ratio = "1:2"\nties = "lot"'}, "",
     'stage[0].cut.ties: "lot" needs round.tie_seed, fixed before any tally'),
    ({'ratio = "1:2"': 'ratio = "1:2"\nscore = { rec0 = 1 }'}, "",
     "stage[0].cut.score.rec0: not this stage or an earlier ballot stage (known: rec1)"),
    ({'ratio = "1:2"': 'ratio = "1:2"\nscore = { rec1 = 1, vote1 = 1 }'}, "",
     "stage[0].cut.score.vote1: not this stage or an earlier ballot stage (known: rec1)"),
    ({'ratio = "1:1"': 'ratio = "1:1"\nscore = { rec1 = 0, vote1 = 0 }'}, "", "stage[1].cut.score: every weight is zero"),
    ({'ratio = "1:1"': 'ratio = "1:1"\nscore = { vote1 = 0.5 }'}, "",
     'stage[1].cut.score.vote1: expected a whole number or fraction like "1/2" (no decimals), got 0.5'),
    ({'ratio = "1:1"': 'ratio = "1:1"\nscore = "rec1"'}, "", "stage[1].cut.score: expected a table, got str"),
    ({'categories = { "领导干部" = 2, "一般干部" = 1 }': "categories = 3"}, "",
     "stage[0].categories: expected a table, got int"),
    ({'"一般干部" = 1': '"一般干部" = -1'}, "", "stage[0].categories.一般干部: must not be negative"),
    ({'candidates = "previous"' if False else 'kind = "recommend"': 'kind = "recommend"\ncandidates = "previous"'},
     "", 'stage[0].candidates: the first stage has no previous stage: use "roster"'),
])
def test_round_file_refusals(tmp_path, replace, append, message):
    got = refusal(tmp_path, replace, append)
    assert got.startswith(f"{tmp_path / 'round.toml'}: ")
    assert message in got


def test_unknown_key_lists_the_allowed_ones(tmp_path):
    got = refusal(tmp_path, {"seats = 1\n": "seats = 1\ngrade = 2\n"})
    assert got == (f"{tmp_path / 'round.toml'}: post[0].grade: unknown key (allowed: appointment, id, level, "
                   "max_marks, nomination, seats, title)")


def test_not_toml_and_not_utf8(tmp_path):
    path = tmp_path / "r.toml"
    path.write_bytes('[round]\nid = "x"\ntitle = "审计"\n'.encode("gb18030"))
    with pytest.raises(ConfigError, match=r"r\.toml: a round file must be UTF-8 \(bad byte at \d+\)"):
        roundfile.load(path)
    path.write_text("[round\n", "utf-8")
    with pytest.raises(ConfigError, match=r"r\.toml: not valid TOML: "):
        roundfile.load(path)


# -- people ------------------------------------------------------------------------------

INLINE = '''[round]
id = "inline"
title = "测试"
organizer = "组织部"

[[post]]
id = "P01"
title = "局长"

{people}

[[stage]]
id = "rec1"
kind = "recommend"
title = "推荐"
electorate = 10
'''


def inline(tmp_path, people: str) -> str:
    path = tmp_path / "inline.toml"
    path.write_text(INLINE.format(people=people), "utf-8")
    with pytest.raises(ConfigError) as e:
        roundfile.load(path)
    return e.value.message


def person(cid, name, extra=""):
    return f'[[candidate]]\nid = "{cid}"\nname = "{name}"\n{extra}\n'


def test_namesakes_need_labels(tmp_path):
    got = inline(tmp_path, person("C1", "张伟", 'unit = "审计局"') + person("C2", "张 伟"))
    assert got == (f"{tmp_path / 'inline.toml'}: candidate: 2 people are named 张伟 (C1, C2): "
                   'give each a label, e.g. label = "张伟(审计局)"')
    # one label is not enough: the other one is still ambiguous
    got = inline(tmp_path, person("C1", "张伟", 'label = "张伟(审计)"') + person("C2", "张伟"))
    assert "2 people are named 张伟 (C1, C2)" in got


def test_people_ids_and_labels_unique(tmp_path):
    assert inline(tmp_path, person("C1", "张伟") + person("C1", "李娜")).endswith(
        'candidate: two people have id "C1"')
    got = inline(tmp_path, person("C1", "张伟", 'label = "张伟(审计)"')
                 + person("C2", "张伟", 'label = "张伟（审计）"'))
    assert got.endswith('candidate: C2 and C1 share the label "张伟（审计）"')


def test_candidate_keys(tmp_path):
    assert inline(tmp_path, person("C1", "张伟", "age = 40")).endswith(
        "candidate[0].age: unknown key (allowed: born, discipline_until, education, ethnicity, exceptional, "
        "exceptional_reason, gender, id, in_post_since, joined, label, name, native_place, note, party, position, "
        "posts, probation_until, resume, unit)")
    assert inline(tmp_path, person("C1", "张伟", 'posts = ["P09"]')).endswith('candidate[0].posts: no post "P09"')
    assert inline(tmp_path, person("C1", "")).endswith("candidate[0].name: must not be empty")
    assert inline(tmp_path, "").endswith("candidate: the round has nobody on its roster")
    assert inline(tmp_path, '[[candidate]]\nid = "C1"\n').endswith("candidate[0].name: missing")


def roster_refusal(tmp_path, rows, encoding="utf-8") -> str:
    path = good_round(tmp_path)
    write_csv(tmp_path / "roster.csv", rows, encoding)
    with pytest.raises(ConfigError) as e:
        roundfile.load(path)
    return e.value.message


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_roster_csv_in_either_encoding(tmp_path, encoding):
    path = good_round(tmp_path)
    write_csv(tmp_path / "roster.csv", [["id", "name", "label", "posts"], ["C01", "张伟", "", "P01；P02"],
                                        ["C02", "李娜", "", ""]], encoding)
    r, sources, _ = roundfile.load(path)
    assert [(c.id, c.name, c.posts) for c in r.candidates] == [("C01", "张伟", ("P01", "P02")),
                                                               ("C02", "李娜", ())]
    assert sources["roster.csv"] == (tmp_path / "roster.csv").read_bytes()


def test_roster_csv_with_chinese_headings(tmp_path):
    path = good_round(tmp_path)
    write_csv(tmp_path / "roster.csv", [["编号", "姓名", "性别", "出生年月", "现工作单位及职务", "可报职位"],
                                        ["C01", "张伟", "男", "1975-03", "三厂镇党委书记", "P01"],
                                        ["C02", "李娜", "女", "1980-11", "统计局副局长", ""]], "gb18030")
    r, _, _ = roundfile.load(path)
    assert [(c.id, c.name, c.posts, c.field("gender"), c.field("born"), c.field("unit"))
            for c in r.candidates] == [("C01", "张伟", ("P01",), "男", "1975-03", "三厂镇党委书记"),
                                       ("C02", "李娜", (), "女", "1980-11", "统计局副局长")]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_roster_csv_bad_columns(tmp_path, encoding):
    where = f"{tmp_path / 'round.toml'} → roster.csv"
    got = roster_refusal(tmp_path, [["id", "名字"], ["C01", "张伟"]], encoding)
    assert got.startswith(f'{where}: row 1, column 2: unknown column "名字" (allowed: ')
    got = roster_refusal(tmp_path, [["id", "name", "name"], ["C01", "张伟", "张伟"]], encoding)
    assert got == f"{where}: row 1: a column appears twice"
    got = roster_refusal(tmp_path, [["id", "name"], ["C01", "张伟", "多余"]], encoding)
    assert got == f"{where}: row 2: 3 cells for 2 columns"
    got = roster_refusal(tmp_path, [["id", "name"], ["C01", ""]], encoding)
    assert got == f"{where}: row 2, column name: missing"
    got = roster_refusal(tmp_path, [["id", "name", "posts"], ["C01", "张伟", "P09"]], encoding)
    assert got == f'{where}: row 2, column posts: no post "P09"'
    got = roster_refusal(tmp_path, [["id", "name"], ["C01", "张伟"], ["C02", "张伟"]], encoding)
    assert "candidate: 2 people are named 张伟 (C01, C02): give each a label" in got


def test_roster_file_missing_or_empty(tmp_path):
    path = good_round(tmp_path)
    (tmp_path / "roster.csv").unlink()
    with pytest.raises(ConfigError, match=r"round\.roster: cannot read .*roster\.csv"):
        roundfile.load(path)
    (tmp_path / "roster.csv").write_bytes(b"")
    with pytest.raises(ConfigError, match=r"roster\.csv: row 1: the roster needs a header"):
        roundfile.load(path)
    (tmp_path / "roster.csv").write_bytes(b"id,name\r\nC01,\xff\xff\r\n")
    with pytest.raises(ConfigError, match=r"round\.roster: .*line 2: bytes that are neither UTF-8 nor GB18030"):
        roundfile.load(path)


def test_roster_and_candidate_tables_are_exclusive(tmp_path):
    got = refusal(tmp_path, append='\n[[candidate]]\nid = "C9"\nname = "赵六"\n')
    assert got.endswith("round.roster: give the roster as a file or as [[candidate]] tables, not both")


def test_thresholds_are_exact():
    two_thirds = roundfile.parse_threshold(">= 2/3", "q")
    assert two_thirds.met(6, 9) and not two_thirds.met(5, 9)
    assert two_thirds.minimum(9) == 6 and two_thirds.minimum(29) == 20
    half = roundfile.parse_threshold("> 1/2", "p")
    assert half.minimum(29) == 15 and half.met(15, 29) and not half.met(14, 29)
    assert half.minimum(10) == 6 and not half.met(5, 10)
    assert str(roundfile.parse_threshold(" >=0 ", "m")) == ">= 0"


def test_a_label_may_not_be_someone_elses_name_or_id(tmp_path):
    # marks are read as id, then label, then name: such a label would take the other's marks
    got = inline(tmp_path, person("C1", "张伟", 'label = "张伟"') + person("C2", "张伟", 'label = "张伟(统计)"'))
    assert got.endswith("candidate: C1's label \"张伟\" is also the name or id of C2: "
                        "a mark written so would be ambiguous; choose another label")
    got = inline(tmp_path, person("C1", "张伟", 'label = "李 娜"') + person("C2", "李娜"))
    assert got.endswith("candidate: C1's label \"李 娜\" is also the name or id of C2: "
                        "a mark written so would be ambiguous; choose another label")
    got = inline(tmp_path, person("C1", "张伟", 'label = "C2"') + person("C2", "李娜"))
    assert "C1's label \"C2\" is also the name or id of C2" in got
    # a label equal to one's own (unshared) name is harmless
    path = tmp_path / "ok.toml"
    path.write_text(INLINE.format(people=person("C1", "张伟", 'label = "张伟"') + person("C2", "李娜")), "utf-8")
    assert roundfile.load(path)[0].candidate("C1").display == "张伟"


TALK = 'title = "全委会民主推荐"\nelectorate = 30'


def test_a_talk_stage_has_its_expected_per_category(tmp_path):
    path = good_round(tmp_path, {TALK: 'title = "谈话调研推荐"\nmethod = "talk"\n'
                                       'expected = { "领导干部" = 10, "一般干部" = 20 }'})
    talk = roundfile.load(path)[0].stages[0]
    assert talk.talk and talk.method == "talk"
    assert talk.expected == (("领导干部", 10), ("一般干部", 20)) and talk.electorate == 30
    plain = roundfile.load(GOOD / "round.toml")[0].stages[0]
    assert not plain.talk and plain.expected == ()


@pytest.mark.parametrize("stage, message", [
    ('method = "talk"\nelectorate = 30', "stage[0].expected: missing (应谈: how many are to be talked to, per category)"),
    ('method = "talk"\nelectorate = 31\nexpected = { "领导干部" = 10, "一般干部" = 20 }',
     "stage[0].expected: adds up to 30, but electorate is 31"),
    ('method = "talk"\nexpected = { "领导干部" = 10 }', "stage[0].expected: no number for category \"一般干部\""),
    ('method = "talk"\nexpected = { "领导干部" = 10, "一般干部" = 20, "群众" = 1 }',
     "stage[0].expected.群众: not one of the stage's categories (领导干部, 一般干部)"),
    ('method = "talk"\nexpected = { "领导干部" = -1, "一般干部" = 20 }',
     "stage[0].expected.领导干部: expected a whole number ≥ 0 and at most 10,000,000, got -1"),
    ('electorate = 30\nexpected = { "领导干部" = 10, "一般干部" = 20 }',
     'stage[0].expected: only a talk stage (method = "talk") has expected (应谈) per category'),
    ('method = "interview"\nelectorate = 30', 'stage[0].method: expected one of papers | talk, got "interview"'),
])
def test_talk_stage_refusals(tmp_path, stage, message):
    assert refusal(tmp_path, {TALK: 'title = "谈话调研推荐"\n' + stage}).endswith(message)
