"""Ballot files (SPEC §3): encodings, XLSX, layouts, separators, headers, approve tokens, names."""

from __future__ import annotations

import pytest

from selector.readers import roundfile
from selector.readers.ballots import Paper, interpret, split_marks
from selector.readers.tables import open_table
from selector.domain.counting import AMBIGUOUS, Resolver, count_stage
from selector.errors import BallotFileError
from support import GOOD, rows_of, write_csv, write_xlsx

ROUND, _, _ = roundfile.load(GOOD / "round.toml")
ROSTER_LISTS = {p.id: tuple(c.id for c in ROUND.candidates if c.eligible_for(p.id)) for p in ROUND.posts}
# vote1 after rec1's cut; 李娜 (C03, eligible for any post) stands on both posts' lists here.
VOTE_LISTS = {"P01": ("C01", "C03"), "P02": ("C05", "C03")}
P01_ONLY = {"P01": ROSTER_LISTS["P01"], "P02": ()}  # P02 has nobody on its list: no column needed
C01_ONLY = {"P01": ("C01",), "P02": ()}

REC1 = rows_of("""
ballot,category,审计局局长,统计局副局长
1,领导干部,张伟(审计),张伟(统计)
2,一般干部,王芳；李娜,刘洋
3,一般干部,,C06
""")


def paper(stage="rec1", lists=None) -> Paper:
    st = ROUND.stage(stage)
    lists = lists or (ROSTER_LISTS if st.candidates == "roster" else VOTE_LISTS)
    return Paper(st, ROUND.posts, lists, Resolver(ROUND.candidates))


def read(path, stage="rec1", layout="wide", lists=None, **kw):
    with open_table(path, **kw) as table:
        return list(interpret(paper(stage, lists), table.name, table.header, table.rows, layout))


def tally(ballots, stage="rec1", lists=None):
    p = paper(stage, lists)
    count = count_stage(p.stage, ROUND.posts, p.lists, ROUND.candidates, ballots)
    return {pid: (pc.returned, pc.void, pc.blank, str(pc.weighted_valid),
                  {cid: (cc.votes, str(cc.weighted), cc.no, cc.abstain, cc.invalid)
                   for cid, cc in sorted(pc.counts.items())},
                  [(m.ballot, m.text) for m in pc.invalid_marks])
            for pid, pc in count.posts.items()}


def refused(path, *args, **kw) -> str:
    with pytest.raises(BallotFileError) as e:
        read(path, *args, **kw)
    return e.value.message


# -- encodings and containers ----------------------------------------------------------------

@pytest.mark.parametrize("encoding, bom, expected", [
    ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("gb18030", False, "gb18030")])
def test_csv_encodings(tmp_path, encoding, bom, expected):
    path = write_csv(tmp_path / "rec1.csv", REC1, encoding, bom)
    assert b"\r\n" in path.read_bytes()
    with open_table(path) as table:
        assert table.encoding == expected
        assert table.header == ["ballot", "category", "审计局局长", "统计局副局长"]
    ballots = read(path)
    assert [b.number for b in ballots] == ["1", "2", "3"]
    assert ballots[1].category == "一般干部"
    assert ballots[1].marks == {"P01": ("王芳", "李娜"), "P02": ("刘洋",)}
    assert ballots[2].marks == {"P01": (), "P02": ("C06",)}


def test_gb18030_beyond_gbk(tmp_path):
    # 𠮷 (U+20BB7) exists in GB18030 only as a four-byte sequence
    rows = [REC1[0], ["1", "领导干部", "𠮷", ""]]
    ballots = read(write_csv(tmp_path / "b.csv", rows, "gb18030"))
    assert ballots[0].marks["P01"] == ("𠮷",)


def test_encoding_override(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", REC1, "gb18030")
    assert read(path, encoding="gb18030") == read(path)
    message = refused(path, encoding="utf-8")
    assert message.startswith(f"{path}: line 1: ")
    assert "bytes that are not valid utf-8" in message
    assert "unknown encoding 'latin-9x'" in refused(path, encoding="latin-9x")


def test_bad_bytes_name_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    lines = [",".join(r).encode("gb18030") for r in REC1]
    lines[2] = lines[2] + b"\xff"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    message = refused(path)
    assert message.startswith(f"{path}: line 3: bytes that are not valid gb18030 (ff")


def test_xlsx_same_ballots_as_csv(tmp_path):
    csv_ballots = read(write_csv(tmp_path / "rec1.csv", REC1, "gb18030"))
    xlsx = write_xlsx(tmp_path / "rec1.xlsx", REC1)
    with open_table(xlsx) as table:
        assert table.encoding == "xlsx"
    assert read(xlsx) == csv_ballots


def test_xlsx_sheet_option(tmp_path):
    xlsx = write_xlsx(tmp_path / "book.xlsx", REC1, sheet="选票", before=["封面"])
    # the first sheet is a cover page: which visible sheet holds the ballots must be said
    assert refused(xlsx) == (f"{xlsx}: 2 visible sheets hold data (封面, 选票): give --sheet with the "
                             "one that holds the ballots")
    assert [b.number for b in read(xlsx, sheet="选票")] == ["1", "2", "3"]
    assert refused(xlsx, sheet="票") == f"{xlsx}: no sheet '票' (sheets: 封面, 选票)"
    csv_path = write_csv(tmp_path / "b.csv", REC1)
    assert refused(csv_path, sheet="选票") == f"{csv_path}: --sheet applies to XLSX files only"


def test_same_ballots_same_tally_gb18030_csv_and_xlsx():
    gbk = read(GOOD / "rec1.gb18030.csv")
    xlsx = read(GOOD / "rec1.xlsx")
    utf8 = read(GOOD / "rec1.csv")
    assert tally(gbk) == tally(xlsx) == tally(utf8)
    assert tally(utf8)["P01"][:4] == (12, 2, 1, "13")


# -- wide layout ------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [";", "；", "、", ",", "，", "|"])
def test_every_separator(tmp_path, sep):
    path = write_csv(tmp_path / "s.csv", [["ballot", "category", "P01"],
                                          ["1", "一般干部", f"王芳{sep} 李娜 {sep}"]])
    assert read(path, lists=P01_ONLY)[0].marks == {"P01": ("王芳", "李娜")}


def test_split_marks_strips_ideographic_spaces():
    assert split_marks("\u3000王芳\u3000、李娜") == ("王芳", "李娜")
    assert split_marks(" \u3000 ") == ()


@pytest.mark.parametrize("header", [["P01", "P02"], ["审计局局长", "统计局副局长"], ["p01", "统计局 副局长"],
                                    ["审计局局长", "P02"]])
def test_post_headers_by_id_or_title(tmp_path, header):
    path = write_csv(tmp_path / "h.csv", [["票号", "类别", *header], ["7", "领导干部", "C01", "C02"]])
    if header[0] == "p01":
        assert "unknown column 'p01'" in refused(path)  # ids are exact; titles are normalised
        return
    assert read(path)[0].marks == {"P01": ("C01",), "P02": ("C02",)}


def test_chinese_column_names(tmp_path):
    path = write_csv(tmp_path / "zh.csv", [["选票编号", "票别", "审计局局长", "废票"],
                                           ["０１", "领导干部", "王芳", "撕毁"]])
    b = read(path, lists=P01_ONLY)[0]
    assert (b.number, b.category, b.void) == ("01", "领导干部", "撕毁")


def test_every_post_needs_a_column(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["ballot", "category", "P01"], ["1", "一般干部", "王芳"]])
    assert refused(path) == (f"{path}: row 1: no column for post P02 (统计局副局长): every post on the "
                             "paper needs one (an empty cell is a blank)")
    path = write_csv(tmp_path / "v.csv", [["ballot", "张伟(审计)", "P01/李娜", "刘洋"], ["1", "Y", "N", "Y"]])
    assert refused(path, "vote1") == (f"{path}: row 1: no column for 李娜 (C03) on the P02 list: "
                                      "an approve file has one column per candidate")


# -- approve ----------------------------------------------------------------------------------

@pytest.mark.parametrize("token, choice", [
    ("同意", "yes"), ("Y", "yes"), ("y", "yes"), ("yes", "yes"), ("YES", "yes"), ("√", "yes"), ("✓", "yes"),
    ("不同意", "no"), ("N", "no"), ("no", "no"), ("×", "no"), ("✗", "no"),
    ("弃权", "abstain"), ("A", "abstain"), ("abstain", "abstain"), (" 同 意 ", "yes"),
    ("废", "invalid"), ("void", "invalid"), ("", None)])
def test_approve_tokens(tmp_path, token, choice):
    path = write_csv(tmp_path / "v.csv", [["ballot", "张伟(审计)"], ["1", token]])
    ballot = read(path, "vote1", lists=C01_ONLY)[0]
    assert ballot.choices == ({"P01": {"C01": choice}} if choice else {})


@pytest.mark.parametrize("token", ["OK", "是", "1", "同意?", "X"])
def test_approve_other_text_refuses_the_file(tmp_path, token):
    path = write_csv(tmp_path / "v.csv", [["ballot", "张伟(审计)"], ["1", "同意"], ["2", token]])
    assert refused(path, "vote1", lists=C01_ONLY).startswith(
        f"{path}: row 3, column 2 (张伟(审计)): '{token}' is not a vote")


def test_approve_headers_post_slash_candidate(tmp_path):
    path = write_csv(tmp_path / "v.csv", [["ballot", "李娜", "张伟(审计)"], ["1", "Y", "N"]])
    assert refused(path, "vote1") == (f"{path}: row 1, column 2 (李娜): '李娜' stands for P01, P02: "
                                      "write POST/CANDIDATE, e.g. P01/李娜")
    path = write_csv(tmp_path / "v.csv", [["ballot", "P01/李娜", "统计局副局长/C03", "审计局局长/张伟(审计)",
                                           "刘洋"], ["1", "Y", "N", "A", "√"]])
    assert read(path, "vote1")[0].choices == {"P01": {"C03": "yes", "C01": "abstain"},
                                              "P02": {"C03": "no", "C05": "yes"}}
    path = write_csv(tmp_path / "v.csv", [["ballot", "P02/张伟(审计)"], ["1", "Y"]])
    assert "'张伟(审计)' is not on this stage's list for P02" in refused(path, "vote1")
    # a shared name: the only 张伟 on the lists is that one; with both listed it is refused
    path = write_csv(tmp_path / "v.csv", [["ballot", "张伟"], ["1", "Y"]])
    assert read(path, "vote1", lists=C01_ONLY)[0].choices == {"P01": {"C01": "yes"}}
    both = {"P01": ("C01",), "P02": ("C02",)}
    assert "'张伟' is a name two roster people share: use the id or label" in refused(path, "vote1", lists=both)
    path = write_csv(tmp_path / "v.csv", [["ballot", "P02/张伟"], ["1", "Y"]])
    assert read(path, "vote1", lists={"P01": (), "P02": ("C02",)})[0].choices == {"P02": {"C02": "yes"}}


def test_approve_header_with_a_slash_in_the_post_title(tmp_path):
    from selector.records import replace

    posts = (replace(ROUND.posts[0], title="党工委书记/管委会主任"), ROUND.posts[1])
    slashed = Paper(ROUND.stage("vote1"), posts, {"P01": ("C01",), "P02": ()}, Resolver(ROUND.candidates))
    path = write_csv(tmp_path / "v.csv", [["ballot", "党工委书记/管委会主任/张伟(审计)"], ["1", "同意"]])
    with open_table(path) as table:
        ballots = list(interpret(slashed, table.name, table.header, table.rows))
    assert ballots[0].choices == {"P01": {"C01": "yes"}}


# -- names ------------------------------------------------------------------------------------

def test_names_are_nfkc_normalised_without_spaces():
    r = Resolver(ROUND.candidates)
    assert r.resolve("张 伟（审计）") == "C01"
    assert r.resolve("王\u3000芳") == "C04"
    assert r.resolve("Ｃ０１") == "C01"
    assert r.resolve("张伟") is AMBIGUOUS
    assert r.resolve("赵六") is None


def test_normalised_marks_count_for_the_person(tmp_path):
    path = write_csv(tmp_path / "n.csv", [["ballot", "category", "P01"], ["1", "一般干部", "王\u3000芳"],
                                          ["2", "一般干部", "张 伟（审计）"], ["3", "一般干部", "ＣＯ４"]])
    counted = tally(read(path, lists=P01_ONLY), lists=P01_ONLY)["P01"]
    assert counted[4] == {"C01": (1, "1", 0, 0, 0), "C04": (1, "1", 0, 0, 0)}
    assert counted[5] == [("3", "ＣＯ４")]  # a letter O is not a zero


# -- long layout --------------------------------------------------------------------------------

def test_long_layout_same_tally_as_wide(tmp_path):
    long_rows = rows_of("""
ballot,category,post,candidate
1,领导干部,P01,张伟(审计)
1,领导干部,统计局副局长,张伟(统计)
2,一般干部,P01,王芳
2,一般干部,P01,李娜
2,一般干部,P02,刘洋
3,一般干部,P02,C06
""")
    wide = read(write_csv(tmp_path / "w.csv", REC1))
    long = read(write_csv(tmp_path / "l.csv", long_rows), layout="long")
    assert tally(long) == tally(wide)


def test_long_layout_blank_and_void(tmp_path):
    rows = [["ballot", "category", "post", "candidate", "void"], ["1", "一般干部", "", "", ""],
            ["2", "一般干部", "P01", "王芳", ""], ["2", "一般干部", "P02", "刘洋", "涂改"]]
    ballots = read(write_csv(tmp_path / "l.csv", rows), layout="long")
    assert [(b.number, b.void, dict(b.marks)) for b in ballots] == [
        ("1", None, {}), ("2", "涂改", {"P01": ("王芳",), "P02": ("刘洋",)})]
    counted = tally(ballots)
    assert counted["P01"][:3] == (2, 1, 1) and counted["P02"][:3] == (2, 1, 1)


def test_long_layout_approve(tmp_path):
    rows = [["ballot", "post", "candidate", "choice"], ["1", "", "张伟(审计)", "同意"],
            ["1", "P02", "李娜", "不同意"], ["2", "", "刘洋", "弃权"]]
    ballots = read(write_csv(tmp_path / "a.csv", rows), "vote1", layout="long")
    assert [b.choices for b in ballots] == [{"P01": {"C01": "yes"}, "P02": {"C03": "no"}},
                                            {"P02": {"C05": "abstain"}}]


def test_long_layout_refusals(tmp_path):
    path = write_csv(tmp_path / "l.csv", [["ballot", "category", "candidate"], ["1", "一般干部", "王芳"]])
    assert refused(path, layout="long") == (f"{path}: row 1: the long layout needs a 'post' column "
                                            "(columns: ballot, post, candidate)")
    path = write_csv(tmp_path / "l.csv", [["ballot", "category", "post", "candidate"],
                                          ["1", "一般干部", "P01", "王芳"], ["1", "领导干部", "P02", "刘洋"]])
    assert refused(path, layout="long") == (f"{path}: row 3, column 2 (category): ballot 1 has category "
                                            "'一般干部' on row 2")
    path = write_csv(tmp_path / "l.csv", [["ballot", "category", "post", "candidate"],
                                          ["1", "一般干部", "P09", "王芳"]])
    assert refused(path, layout="long") == f"{path}: row 2, column 3 (post): unknown post 'P09'"
    path = write_csv(tmp_path / "l.csv", [["ballot", "candidate", "choice"], ["1", "王芳", "同意"],
                                          ["1", "王芳", "不同意"]])
    assert "王芳 is marked twice on this ballot with different choices" in refused(path, "vote1", "long",
                                                                                 {"P01": ("C04",), "P02": ()})
