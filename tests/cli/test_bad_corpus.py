"""Every malformed ballot file in tests/data/bad/ is refused whole (SPEC §3).

Each must exit 1 with exactly one `error:` line naming the file (and the row/column where
there is one), and leave the database file byte for byte as it was, after a good batch.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import shutil

from stagehelp import ready_for_inspection
from support import BAD, DATA, good_round, write_csv

H = ["ballot", "category", "审计局局长", "统计局副局长"]
# The good batch before the bad ones. rec1's cut (k = 2) then puts 李娜 (C03) on both posts'
# lists, so a bare 李娜 header is ambiguous at vote1.
SETUP_REC1 = [H, ["1", "一般干部", "C01", "C05"], ["2", "一般干部", "C03", "C03"],
              ["3", "一般干部", "C01", "C05"], ["4", "一般干部", "C03", "C03"]]
SETUP_VOTE1 = [["ballot", "P01/张伟(审计)", "P01/李娜", "刘洋", "P02/李娜"], ["1", "同意", "不同意", "同意", "弃权"]]

# file -> (stage, extra options, where (row/column) or None for a file-level refusal, message fragment)
CORPUS = {
    "bad-bytes.csv": ("rec1", (), "line 3", "bytes that are not valid gb18030 (ff"),
    "utf16.csv": ("rec1", (), None, "UTF-16 text is not accepted"),
    "utf16-no-bom.csv": ("rec1", (), None, "UTF-16 text is not accepted"),
    "nul-byte.csv": ("rec1", (), "row 3", "NUL byte in a cell"),
    "empty.csv": ("rec1", (), "row 1", "the file is empty: the first row must be the header"),
    "header-only.csv": ("rec1", (), "row 2", "no ballots after the header"),
    "missing-header.csv": ("rec1", (), "row 1", "missing header (the first row must name the columns)"),
    "headerless.csv": ("rec1", (), "row 1, column 1 (101)", "unknown column '101'"),
    "unknown-column.csv": ("rec1", (), "row 1, column 5 (备注)", "unknown column '备注'"),
    "blank-header-cell.csv": ("rec1", (), "row 1, column 3 (no header)", "a column without a header"),
    "duplicate-column.csv": ("rec1", (), "row 1, column 5 (P01)", "the same column as column 3"),
    "empty-ballot-number.csv": ("rec1", (), "row 3, column 1 (ballot)", "empty ballot number"),
    "duplicate-ballot.csv": ("rec1", (), "row 5", "ballot 102 appears twice (also row 3)"),
    "void-tick.csv": ("rec1", (), "row 3, column 5 (废票)", "'√' in the void column means neither void nor valid"),
    "repeated-heading.csv": ("rec1", (), "row 4", "this row repeats the heading row ('ballot' in the ballot column)"),
    "invisible-duplicate-ballot.csv": ("rec1", (), "row 3", "ballot 102 appears twice (also row 2)"),
    "repeats-earlier-batch.csv": ("rec1", (), "row 3", "ballot 3 was already tallied in setup.csv"),
    "unknown-category.csv": ("rec1", (), "row 3, column 2 (category)",
                             "unknown category '群众代表' (stage rec1: 领导干部, 一般干部)"),
    "unknown-category.xlsx": ("rec1", (), "row 3, column 2 (category)", "unknown category '群众代表'"),
    "missing-category-column.csv": ("rec1", (), "row 1", "no 'category' column, but stage rec1 weighs categories"),
    "ragged.csv": ("rec1", (), "row 3, column 5 (no header)", "6 cells but the header has 4 columns"),
    "short-row.csv": ("rec1", (), "row 3", "3 cells but the header has 4 columns (the first missing "
                      "is column 4, 统计局副局长): a lost separator?"),
    "empty-category.csv": ("rec1", (), "row 3, column 2 (category)",
                           "no category (stage rec1 weighs 领导干部, 一般干部: every paper needs one)"),
    "unterminated-quote.csv": ("rec1", (), "row 5", "unreadable CSV"),
    "quote-runs-on.csv": ("rec1", (), "row 2", "a quote opened on this row runs on to line 41"),
    "mixed-encodings.csv": ("rec1", (), "line 3", "the file mixes encodings"),
    "not-a-zip.xlsx": ("rec1", (), None, "not a readable XLSX workbook"),
    # XLSX files written by tests/data/make_bad_xlsx.py
    "long-cell.xlsx": ("rec1", (), "row 3, column 3 (审计局局长)", "a cell of 10,002 characters"),
    "zip-bomb.xlsx": ("rec1", (), None, "its part xl/media/image1.png unpacks from"),
    "big-styles.xlsx": ("rec1", (), None, "its parts other than sheets unpack to 250 MB (xl/styles.xml: "
                         "250 MB), more than the 200 MB a ballot workbook may"),
    "several-sheets.xlsx": ("rec1", (), None, "2 visible sheets hold data (第一组, 第二组): give --sheet"),
    "hidden-ballots.xlsx": ("rec1", (), "row 1", "the sheet is empty"),
    "formula-no-value.xlsx": ("rec1", (), "row 3, column 4 (统计局副局长)", "a formula with no saved value (D3)"),
    "merged-cells.xlsx": ("rec1", (), "row 3, column 3 (审计局局长)", "merged cells (C3:D3)"),
    "excel-97.xls": ("rec1", (), None, "an Excel 97-2003 workbook (.xls) is not read"),
    "zip-not-workbook.xlsx": ("rec1", (), None, "not a readable XLSX workbook"),
    "zip-named.csv": ("rec1", (), None, "this is an XLSX/ZIP file: give it the .xlsx extension"),
    "long-missing-post.csv": ("rec1", ("--layout", "long"), "row 1", "the long layout needs a 'post' column"),
    "long-unknown-post.csv": ("rec1", ("--layout", "long"), "row 3, column 3 (post)", "unknown post 'P09'"),
    "long-mark-without-post.csv": ("rec1", ("--layout", "long"), "row 2, column 3 (post)", "a mark without a post"),
    "long-header-only.csv": ("rec1", ("--layout", "long"), "row 2", "no ballots after the header"),
    "missing-post-column.csv": ("rec1", (), "row 1", "no column for post P02 (统计局副局长)"),
    "approve-missing-candidate.csv": ("vote1", (), "row 1", "no column for 李娜 (C03) on the P02 list"),
    "approve-bad-token.csv": ("vote1", (), "row 3, column 3 (P01/李娜)", "'OK' is not a vote"),
    "approve-ambiguous-header.csv": ("vote1", (), "row 1, column 3 (李娜)",
                                     "'李娜' stands for P01, P02: write POST/CANDIDATE, e.g. P01/李娜"),
    # the scanner's layout of a recommendation (one column per candidate, √ or empty)
    "scanner-cross.csv": ("rec1", (), "row 3, column 3 (P01/张伟(审计))",
                          "'×' in a candidate's column: mark the candidate with √ (or 同意, Y) or leave the cell empty"),
    "scanner-missing-candidate.csv": ("rec1", (), "row 1", "no column for 王芳 (C04) on the P01 list: in the "
                                      "scanner's layout every candidate has a column"),
    "scanner-and-post-column.csv": ("rec1", (), "row 1", "post P01 has its own column and candidate columns"),
    # title rows above the heading row: refusals name the heading row as it is in the file
    "title-rows-unknown-column.csv": ("rec1", (), "row 3, column 5 (备注)", "unknown column '备注' (expected ballot"),
    "approve-unknown-candidate.csv": ("vote1", (), "row 1, column 3 (赵六)", "unknown column '赵六'"),
    "approve-long-missing-choice.csv": ("vote1", ("--layout", "long"), "row 1",
                                        "the long layout needs a 'choice' column"),
    "approve-long-twice.csv": ("vote1", ("--layout", "long"), "row 3, column 4 (choice)",
                               "刘洋 is marked twice on this ballot with different choices"),
    # sitting records of a decide stage (selector sitting), after tests/data/decide/sitting-1.toml
    "sitting-recused-not-member.toml": ("decide", (), "item[0].recused",
                                        "王五 is recused but is not a member of this body (members: 陈明、"),
    "sitting-counts-exceed-present.toml": ("decide", (), "item[0]",
                                           "10 votes counted but only 9 could vote (10 present, 1 recused)"),
    "sitting-before-previous.toml": ("decide", (), "date",
                                     "date 2026-11-13 is before the previous sitting (2026-11-20)"),
    # 民主测评 and findings files of an inspect stage (tests/data/inspect/round.toml)
    "evaluation-one-sheet.csv": ("inspect", (), "row 1, column 2 (张伟)",
                                 "C01 is graded on 3 of 18 papers, fewer than half: a 民主测评 is held in the "
                                 "candidate's own unit — record one file per unit"),
    "evaluation-bad-grade.csv": ("inspect", (), "row 3, column 2 (张伟)", "'良好' is not a grade"),
    "evaluation-duplicate-ballot.csv": ("inspect", (), "row 4", "ballot E01 appears twice (also row 2)"),
    "evaluation-not-inspected.csv": ("inspect", (), "row 1, column 3 (陈静)",
                                     "'陈静' (C05) is not being inspected at this stage"),
    "evaluation-more-papers-than-present.csv": ("inspect", ("--unit", "审计局机关", "--expected", "3", "--present", "2"),
                                                None, "3 papers but only 2 present at 审计局机关"),
    "evaluation-present-over-expected.csv": ("inspect", ("--unit", "审计局机关", "--expected", "2", "--present", "3"),
                                             None, "--present 3 is more than --expected 2"),
    "evaluation-empty-number.csv": ("inspect", (), "row 3, column 1 (票号)", "empty ballot number"),
    "findings-bad-verdict.csv": ("inspect", (), "row 2, column 3 (结论)",
                                 "'待定' is not a verdict (clear/通过, pending/核查中, concern/关注, veto/否决)"),
}


# Round files (`*.toml`): file -> (key path, message fragment); refused by `check` and `init`.
ROUND_CORPUS = {
    "calendar-date-outside-year.toml": ("calendar.2027.holidays[0]", "2026-12-31 is not in 2027"),
    "calendar-holiday-and-workday.toml": ("calendar.2027", "2027-02-07 is both a holiday and a workday"),
    "decide-ratio-not-1-to-n.toml": ("stage[0].ratio", 'expected "1:N", got "2:1"'),
}


def test_the_corpus_and_the_table_agree():
    assert sorted(p.name for p in BAD.iterdir()) == sorted({**CORPUS, **ROUND_CORPUS, **COUNTS})


@pytest.mark.parametrize("name", sorted(ROUND_CORPUS))
def test_bad_round_file_is_refused_whole(run, tmp_path, name):
    key, fragment = ROUND_CORPUS[name]
    path = BAD / name
    for command in ("check", "init"):
        result = run(command, path)
        assert result.exit_code == 1, result.stdout + result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert errors == [f"error: {path}: {key}: {fragment}"], result.stderr
        assert result.stdout == ""
    assert not Path(os.environ["SELECTOR_DB"]).exists()  # nothing stored: not even a database made


@pytest.fixture
def prepared(run, tmp_path):
    def at(stage: str):
        if stage == "decide":
            for name in ("round.toml", "sitting-1.toml"):
                shutil.copy(DATA / "decide" / name, tmp_path / name)
            assert run("init", "round.toml").exit_code == 0
            assert run("sitting", "decide", "sitting-1.toml").exit_code == 0
            return run
        if stage == "inspect":
            ready_for_inspection(run, tmp_path)
            return run
        good_round(tmp_path)
        assert run("init", "round.toml").exit_code == 0
        write_csv(tmp_path / "setup.csv", SETUP_REC1, "gb18030")
        assert run("tally", "rec1", "setup.csv", "--present", "20", "--issued", "20").exit_code == 0
        if stage == "vote1":
            assert run("cut", "rec1").exit_code == 0
            write_csv(tmp_path / "setup.csv", SETUP_VOTE1)
            assert run("tally", "vote1", "setup.csv", "--present", "8", "--issued", "8").exit_code == 0
        return run

    return at


def digest() -> str:
    return hashlib.sha256(Path(os.environ["SELECTOR_DB"]).read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused_whole(prepared, name):
    stage, options, where, fragment = CORPUS[name]
    run = prepared(stage)
    path = BAD / name
    before = digest()
    result = run({"decide": "sitting", "inspect": "inspect"}.get(stage, "tally"), stage, path, *options)
    assert result.exit_code == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    prefix = f"error: {path}: " + (f"{where}: " if where else "")
    assert errors[0].startswith(prefix), errors[0]
    assert fragment in errors[0]
    assert result.stdout == ""
    assert digest() == before


def test_a_line_not_in_utf8_far_into_a_utf8_file_refuses_it_whole(prepared, tmp_path):
    # Past the first piece (1 MiB) that a tally takes the encoding from: reading the file
    # as UTF-8 on that guess, it reaches the line, reads the file again with its encoding
    # told from every byte, and refuses it as a tally that did so first.
    run = prepared("rec1")
    path = tmp_path / "rec1-late.csv"
    rows = "".join(f"{i},一般干部,C01,C05\r\n" for i in range(100, 40_000)).encode()
    path.write_bytes(",".join(H).encode() + b"\r\n" + rows + "40000,一般干部,C01,C05\r\n".encode("gbk"))
    before = digest()
    result = run("tally", "rec1", path, "--present", "20", "--issued", "20")
    assert result.exit_code == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {path}: line 39902: "), result.stderr
    assert "the file mixes encodings" in errors[0]
    assert result.stdout == "" and digest() == before


# Counts files (`tally STAGE --totals FILE`), for rec1 of the shared round (领导干部 5 and 一般干部 10
# papers returned), or made a 谈话调研推荐 ("talk": 领导干部 9 and 一般干部 18 talked to).
RETURNED = ("--returned", "领导干部=5", "--returned", "一般干部=10", "--present", "20", "--issued", "20")
TALKED = ("--talked", "领导干部=9", "--talked", "一般干部=18")
COUNTS = {
    "counts-over-valid.csv": ("rec1", RETURNED, "row 2, column 4 (推荐人数)",
                              "6 for 张伟(审计), but only 5 valid ballots that are not blank"),
    "talk-over-talked.csv": ("talk", TALKED, "row 3, column 4 (推荐人数)",
                             "the counts for P01 add up to 19, more than 18 ballots with at most 1 names each can hold"),
    "counts-negative.csv": ("rec1", RETURNED, "row 2, column 4 (votes)", "'-3' is not a count (a whole number, 0 or more)"),
    "counts-fraction.csv": ("rec1", RETURNED, "row 2, column 4 (votes)", "'2.5' is not a count"),
    "counts-not-on-list.csv": ("rec1", RETURNED, "row 3, column 2 (candidate)",
                               "'张伟(统计)' (C02) is not on stage rec1's list for P01"),
    "counts-unknown-post.csv": ("rec1", RETURNED, "row 2, column 1 (post)", "unknown post 'P09'"),
    "counts-missing-heading.csv": ("rec1", RETURNED, "row 1", "no 'recommended' column (expected post, candidate, "
                                   "recommended; optional: category)"),
}
TALK_STAGE = {'title = "全委会民主推荐"\nelectorate = 30':
              'title = "谈话调研推荐"\nmethod = "talk"\nexpected = { "领导干部" = 10, "一般干部" = 20 }'}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_bad_counts_file_is_refused_whole(run, tmp_path, name):
    stage, options, where, fragment = COUNTS[name]
    good_round(tmp_path, TALK_STAGE if stage == "talk" else None)
    assert run("init", "round.toml").exit_code == 0
    path = BAD / name
    before = digest()
    result = run("tally", "rec1", "--totals", path, *options)
    assert result.exit_code == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: {path}: {where}: "), errors[0]
    assert fragment in errors[0]
    assert result.stdout == ""
    assert digest() == before
