"""Every malformed ballot file in tests/data/bad/ is refused whole (SPEC §3).

Each must exit 1 with exactly one `error:` line naming the file (and the row/column where
there is one), and leave the database file byte for byte as it was, after a good batch.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from support import BAD, good_round, write_csv

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
}


# Round files (`*.toml`): file -> (key path, message fragment); refused by `check` and `init`.
ROUND_CORPUS = {
    "calendar-date-outside-year.toml": ("calendar.2027.holidays[0]", "2026-12-31 is not in 2027"),
    "calendar-holiday-and-workday.toml": ("calendar.2027", "2027-02-07 is both a holiday and a workday"),
}


def test_the_corpus_and_the_table_agree():
    assert sorted(p.name for p in BAD.iterdir()) == sorted({**CORPUS, **ROUND_CORPUS})


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
    result = run("tally", stage, path, *options)
    assert result.exit_code == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    prefix = f"error: {path}: " + (f"{where}: " if where else "")
    assert errors[0].startswith(prefix), errors[0]
    assert fragment in errors[0]
    assert result.stdout == ""
    assert digest() == before
