"""Files that used to be counted wrong without a word, or refused at the wrong place: each
is now read correctly or refused with the row and column (the hardening issue)."""

from __future__ import annotations

from unittest import mock

import pytest

from selector.readers import tables
from selector.readers.tables import open_table
from selector.errors import BallotFileError
from support import ROOT


def refusal(path, **kw) -> str:
    with pytest.raises(BallotFileError) as e:
        with open_table(path, **kw) as table:
            for _ in table.rows:
                pass
    return e.value.message


# -- error positions (item 10) ------------------------------------------------------------

def test_mixed_encodings_name_the_line_where_utf8_stops(tmp_path):
    # Lines 1-2 are UTF-8 (as GB18030 they break at once, on line 1); line 3 was pasted in
    # from a GBK file: line 3 is where the file stops being what it started as.
    path = tmp_path / "mixed.csv"
    path.write_bytes("票号,审计局局长\r\n1,张伟\r\n".encode() + "2,王芳\r\n".encode("gbk")
                     + "3,李娜\r\n".encode())
    message = refusal(path)
    assert message.startswith(f"{path}: line 3: "), message
    assert "mixed" in message and "d5" not in message.split("(")[0]


def test_a_file_guessed_utf8_from_its_first_piece_that_is_not_says_so_where_it_is_not(tmp_path):
    # With guess, a first piece (CHUNK) showing UTF-8 in Chinese is taken for the file's: the
    # rest is not decoded before it is read. A GBK line pasted in further down raises
    # GuessedWrong when it is reached (the tally reads the file again, told from every byte);
    # without guess the file is told from every byte first, as before.
    path = tmp_path / "mixed.csv"
    lines = [f"{i},张伟\r\n".encode() for i in range(2, 200)]
    lines[150] = "152,王芳\r\n".encode("gbk")
    path.write_bytes("票号,审计局局长\r\n".encode() + b"".join(lines))
    with mock.patch.object(tables, "CHUNK", 256):
        assert tables.file_digest(path, guess=True)[2:] == (True, True)
        assert tables.file_digest(path)[2:] == (False, False) and not tables.utf8_throughout(path)
        with pytest.raises(tables.GuessedWrong), open_table(path, guess=True) as table:
            assert table.guessed and table.encoding == "utf-8"
            for _ in table.rows:
                pass
        message = refusal(path)
    assert message.startswith(f"{path}: line 152: "), message
    assert "after 151 lines in UTF-8" in message and "mixes encodings" in message


@pytest.mark.parametrize("start", [
    "1,Zhang Wei\r\n" * 100,  # no character outside ASCII in the first pieces
    "1,目\r\n" * 20,  # GB18030 bytes that also read as UTF-8, too few to show it
])
def test_a_gb18030_file_is_not_taken_for_utf8_by_its_first_pieces(tmp_path, start):
    path = tmp_path / "gbk.csv"
    path.write_bytes(b"ballot,P01\r\n" + start.encode("gbk") + "2,王芳\r\n".encode("gbk") * 50)
    with mock.patch.object(tables, "CHUNK", 64):
        assert tables.file_digest(path, guess=True)[2:] == (False, False)
        with open_table(path, guess=True) as table:
            rows = [cells for _, cells in table.rows]
    assert table.encoding == "gb18030" and not table.guessed and rows[-1] == ["2", "王芳"]


BLOCKS = pytest.mark.parametrize("block", [tables.BLOCK, 3, 16])  # small blocks: cuts everywhere


@BLOCKS
def test_a_quote_never_closed_names_the_row_it_opened_on(tmp_path, block):
    path = tmp_path / "quote.csv"
    path.write_text('ballot,P01\n1,"张伟\n' + "".join(f"{i},王芳\n" for i in range(3, 200)),
                    encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        message = refusal(path)
    assert message.startswith(f"{path}: row 2: "), message
    assert "quote" in message


@BLOCKS
def test_a_quote_closed_in_the_wrong_place_names_the_row_it_opened_on(tmp_path, block):
    # The quote opened on row 2 runs on until line 131, where a stray quote ends it badly.
    path = tmp_path / "quote.csv"
    path.write_text('ballot,P01\n1,"张伟\n' + "".join(f"{i},王芳\n" for i in range(3, 131))
                    + '131,a"b\n132,x\n', encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        message = refusal(path)
    assert message.startswith(f"{path}: row 2: "), message
    assert "line 131" in message


@BLOCKS
def test_a_stray_quote_inside_a_row_names_that_row(tmp_path, block):
    path = tmp_path / "quote.csv"
    path.write_text('ballot,P01\n1,张伟\n2,"王"芳\n3,李娜\n', encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        assert refusal(path).startswith(f"{path}: row 3: unreadable CSV")


# -- paths that are not files (item 9) ------------------------------------------------------

def test_a_fifo_is_named_as_such(tmp_path):
    import os

    path = tmp_path / "ballots.csv"
    os.mkfifo(path)
    assert refusal(path) == f"{path}: is a FIFO (named pipe), not a file: give the ballot file itself"


def test_a_device_is_named_as_such():
    assert refusal("/dev/zero") == "/dev/zero: is a device, not a file: give the ballot file itself"


def test_a_symbolic_link_loop_is_named_as_such(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    message = refusal(tmp_path / "a.csv")
    assert message.startswith(f"{tmp_path / 'a.csv'}: a symbolic link loop"), message


def test_a_dangling_symbolic_link_is_named_as_such(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "gone.csv")
    message = refusal(tmp_path / "a.csv")
    assert message.startswith(f"{tmp_path / 'a.csv'}: a symbolic link to a missing file"), message


def test_a_missing_file_and_a_folder(tmp_path):
    assert refusal(tmp_path / "nope.csv") == f"{tmp_path / 'nope.csv'}: no such file"
    assert refusal(tmp_path) == f"{tmp_path}: is a folder, not a ballot file"


def test_the_tally_command_names_a_fifo(run, tmp_path):
    import os

    from support import good_round

    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    os.mkfifo(tmp_path / "p.csv")
    result = run("tally", "rec1", "p.csv", "--present", "20", "--issued", "20")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: p.csv: is a FIFO (named pipe), not a file: give the ballot file itself"


def test_a_file_that_cannot_be_read_says_why(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("ballot,P01\n1,张伟\n", encoding="utf-8")
    denied = PermissionError(13, "Permission denied")
    with mock.patch.object(tables, "file_digest", side_effect=denied):
        assert refusal(path) == f"{path}: cannot read it (Permission denied)"


# -- invisible characters in names and ballot numbers (items 4 and 6) -------------------------

def test_the_invisible_list_covers_every_format_character():
    import sys
    import unicodedata

    from selector.domain.model import INVISIBLE

    missing = [hex(c) for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and not INVISIBLE.fullmatch(chr(c))]
    assert missing == [], f"new format characters in Unicode {unicodedata.unidata_version}: add them"
    assert not any(INVISIBLE.fullmatch(chr(c)) for c in range(128))  # normalize's ASCII shortcut


@pytest.mark.parametrize("text", ["张伟\u200b", "\u200b张伟", "张\u200d伟", "\u202e张伟\u202c", "\ufeff张伟",
                                  "张伟\u2066", "张\u00ad伟", "张伟\ufe0f", " 张 伟\u3000"])
def test_normalize_removes_invisible_characters(text):
    from selector.domain.model import normalize

    assert normalize(text) == "张伟"


def _reading(tmp_path, rows, stage="rec1", layout="wide", lists=None):
    from test_ballots import paper
    from support import write_csv

    from selector.readers.ballots import interpret

    path = write_csv(tmp_path / "b.csv", rows)
    with open_table(path) as table:
        reading = interpret(paper(stage, lists), table.name, table.header, table.rows, layout)
        ballots = list(reading)
    return ballots, reading


def test_a_name_with_a_zero_width_space_is_counted_and_noted(tmp_path):
    from test_ballots import tally

    rows = [["ballot", "category", "审计局局长", "统计局副局长"],
            ["1", "一般干部", "张伟(审计)\u200b", "刘洋"],
            ["2", "一般干部", "王芳", "\u2067刘洋\u2069"],
            ["3", "一般干部", "王芳", "刘洋"]]
    ballots, reading = _reading(tmp_path, rows)
    result = tally(ballots)
    assert result["P01"][4]["C01"][0] == 1 and result["P01"][5] == []  # a vote, no invalid mark
    assert result["P02"][4]["C05"][0] == 3
    assert reading.cleaned_cells == 2
    assert [tuple(c) for c in reading.cleaned] == [
        ("1", 2, 3, "审计局局长", "张伟(审计)\u200b"), ("2", 3, 4, "统计局副局长", "\u2067刘洋\u2069")]


def test_an_invisible_only_mark_is_no_mark_not_an_overvote(tmp_path):
    from test_ballots import tally

    rows = [["ballot", "category", "审计局局长", "统计局副局长"],
            ["1", "一般干部", "王芳、\u200b", "\ufeff"]]
    ballots, reading = _reading(tmp_path, rows)
    result = tally(ballots)
    assert result["P01"][:3] == (1, 0, 0) and result["P01"][4]["C04"][0] == 1  # valid, not overvoted
    assert result["P02"][:3] == (1, 0, 1)  # a blank
    assert reading.cleaned_cells == 2


def test_invisible_characters_in_the_long_layout_and_approve_cells(tmp_path):
    rows = [["ballot", "category", "post", "candidate"],
            ["1", "一般干部", "P01\u200b", "王芳"], ["1", "一般干部", "P02", "刘洋\u200c"]]
    ballots, reading = _reading(tmp_path, rows, layout="long")
    assert ballots[0].marks == {"P01": ("王芳",), "P02": ("刘洋\u200c",)}
    assert [(c.row, c.column) for c in reading.cleaned] == [(2, 3), (3, 4)]
    rows = [["ballot", "P01/张伟(审计)", "P01/李娜", "刘洋", "P02/李娜"],
            ["1", "同意\u200b", "不同意", "\u200b", "弃权"]]
    ballots, reading = _reading(tmp_path, rows, stage="vote1")
    assert ballots[0].choices == {"P01": {"C01": "yes", "C03": "no"}, "P02": {"C03": "abstain"}}
    assert [(c.row, c.column, c.text) for c in reading.cleaned] == [(2, 2, "同意\u200b"), (2, 4, "\u200b")]


def test_a_category_with_an_invisible_character_is_the_category(tmp_path):
    rows = [["ballot", "category", "审计局局长", "统计局副局长"], ["1", "领导干部\u200b", "王芳", ""],
            ["2", "一般干部", "王芳", ""]]
    ballots, reading = _reading(tmp_path, rows)
    assert [b.category for b in ballots] == ["领导干部", "一般干部"]
    assert [(c.ballot, c.column) for c in reading.cleaned] == [("1", 2)]


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_a_ballot_number_with_an_invisible_character_is_a_duplicate(tmp_path, layout):
    head = ["ballot", "category", "审计局局长", "统计局副局长"] if layout == "wide" else \
        ["ballot", "category", "post", "candidate"]
    rows = [head, ["101", "一般干部", "王芳", "刘洋"], ["B7", "一般干部", "王芳", "刘洋"],
            ["\ufeff101\u200b", "一般干部", "王芳", "刘洋"]]
    if layout == "long":  # the same number on rows apart is one paper: a category clash shows it
        rows[1:] = [["101", "一般干部", "P01", "王芳"], ["B7", "一般干部", "P01", "王芳"],
                    ["\ufeff101\u200b", "领导干部", "P02", "刘洋"]]
    with pytest.raises(BallotFileError) as e:
        _reading(tmp_path, rows, layout=layout)
    expected = "ballot 101 appears twice (also row 2)" if layout == "wide" else \
        "ballot 101 has category '一般干部' on row 2"
    assert "row 4" in e.value.message and expected in e.value.message


def test_a_ballot_number_of_invisible_characters_only(tmp_path):
    rows = [["ballot", "category", "审计局局长", "统计局副局长"], ["\u200b", "一般干部", "王芳", ""]]
    with pytest.raises(BallotFileError) as e:
        _reading(tmp_path, rows)
    assert "row 2, column 1 (ballot): the ballot number '\\u200b' is only invisible characters" in e.value.message


def test_a_later_batch_with_an_invisible_character_repeats_the_number(run, tmp_path):
    from support import good_round, write_csv

    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    head = ["ballot", "category", "审计局局长", "统计局副局长"]
    write_csv(tmp_path / "a.csv", [head, ["101", "一般干部", "王芳", "刘洋"]])
    write_csv(tmp_path / "b.csv", [head, ["101\u200b", "一般干部", "王芳", "刘洋"]])
    assert run("tally", "rec1", "a.csv", "--present", "20", "--issued", "20").exit_code == 0
    result = run("tally", "rec1", "b.csv")
    assert result.exit_code == 1
    assert "b.csv: row 2: ballot 101 was already tallied in a.csv" in result.stderr


# -- a heading row pasted again (item 5) ------------------------------------------------------

@pytest.mark.parametrize("layout, heading", [
    ("wide", ["ballot", "category", "审计局局长", "统计局副局长"]),
    ("wide", ["票号", "类别", "P01", "P02"]),  # another file's heading for the same columns
    ("long", ["ballot", "category", "post", "candidate"]),
])
def test_a_repeated_heading_row_is_refused_with_its_row(tmp_path, layout, heading):
    head = ["ballot", "category", "审计局局长", "统计局副局长"] if layout == "wide" else \
        ["ballot", "category", "post", "candidate"]
    cells = [["一般干部", "王芳", "刘洋"], ["一般干部", "王芳", ""]] if layout == "wide" else \
        [["一般干部", "P01", "王芳"], ["一般干部", "P02", "刘洋"]]
    rows = [head, *[[str(n), *cells[n % 2]] for n in range(1, 5)], heading,
            *[[str(n), *cells[n % 2]] for n in range(10, 12)]]
    with pytest.raises(BallotFileError) as e:
        _reading(tmp_path, rows, layout=layout)
    assert e.value.message.endswith(f"b.csv: row 6: this row repeats the heading row "
                                    f"({heading[0]!r} in the ballot column): delete it"), e.value.message


def test_a_repeated_heading_row_in_an_evaluation_file(tmp_path):
    from selector.domain.counting import Resolver
    from selector.domain.model import Candidate, Evaluation, Threshold
    from selector.readers.findings import read_evaluation

    people = (Candidate("C01", "张伟"),)
    ev = Evaluation(("优秀", "称职"), ("优秀",), Threshold(">=", 0))
    rows = [(2, ["T1", "优秀"]), (3, ["票号", "张伟"])]
    with pytest.raises(BallotFileError) as e:
        read_evaluation("e.csv", ["票号", "张伟"], rows, resolver=Resolver(people), allowed={"C01"},
                        evaluation=ev)
    assert e.value.message == "e.csv: row 3: this row repeats the heading row ('票号' in the ballot column): delete it"


def test_a_repeated_heading_row_in_a_findings_file():
    from selector.domain.counting import Resolver
    from selector.domain.model import Candidate
    from selector.readers.findings import read_findings

    rows = [(2, ["张伟", "纪检", "通过"]), (3, ["候选人", "鉴定部门", "结论"])]
    with pytest.raises(BallotFileError) as e:
        read_findings("f.csv", ["候选人", "鉴定部门", "结论"], rows, resolver=Resolver((Candidate("C01", "张伟"),)),
                      allowed={"C01"}, checks=("纪检",))
    assert e.value.message == ("f.csv: row 3: this row repeats the heading row ('候选人' in the candidate "
                               "column): delete it")


# -- the void column (item 3) ------------------------------------------------------------------

VOID_ROWS = [["ballot", "category", "审计局局长", "统计局副局长", "void"]]


@pytest.mark.parametrize("cell", ["", "否", "无", "没有", "有效", "0", "FALSE", "false", "No", "N", "n/a",
                                  "\u200b", " 否 ", "ＦＡＬＳＥ"])
def test_a_no_in_the_void_column_is_a_valid_paper(tmp_path, cell):
    ballots, _ = _reading(tmp_path, VOID_ROWS + [["1", "一般干部", "王芳", "刘洋", cell]])
    assert ballots[0].void is None


@pytest.mark.parametrize("cell", ["是", "1", "TRUE", "yes", "Y", "废", "废票", "无效", "作废", "void",
                                  "撕毁", "在选票上署名", "torn", "无法辨认"])
def test_a_yes_or_a_reason_in_the_void_column_voids_the_paper(tmp_path, cell):
    ballots, _ = _reading(tmp_path, VOID_ROWS + [["1", "一般干部", "王芳", "刘洋", cell]])
    assert ballots[0].void == cell


@pytest.mark.parametrize("cell", ["√", "×", "-", "/", "2", "?", "✓"])
def test_a_mark_in_the_void_column_that_could_mean_either_is_refused(tmp_path, cell):
    with pytest.raises(BallotFileError) as e:
        _reading(tmp_path, VOID_ROWS + [["1", "一般干部", "王芳", "刘洋", ""], ["2", "一般干部", "王芳", "刘洋", cell]])
    assert e.value.message.endswith(
        f"b.csv: row 3, column 5 (void): {cell!r} in the void column means neither void nor valid: "
        "leave it empty for a valid paper; for a void one write the reason (e.g. 撕毁) or 是")


def test_xlsx_booleans_in_the_void_column(tmp_path):
    from openpyxl import Workbook

    from test_ballots import read

    wb = Workbook()
    ws = wb.active
    ws.append(VOID_ROWS[0])
    ws.append([1, "一般干部", "王芳", "刘洋", False])
    ws.append([2, "一般干部", "王芳", "刘洋", True])
    ws.append([3, "一般干部", "王芳", "刘洋", 0])
    wb.save(tmp_path / "v.xlsx")
    assert [b.void for b in read(tmp_path / "v.xlsx")] == [None, "True", None]


def test_the_void_rule_in_the_long_layout_and_evaluation_files(tmp_path):
    from selector.domain.counting import Resolver
    from selector.domain.model import Candidate, Evaluation, Threshold
    from selector.readers.findings import read_evaluation

    rows = [["ballot", "category", "post", "candidate", "void"], ["1", "一般干部", "P01", "王芳", "否"],
            ["1", "一般干部", "P02", "刘洋", ""], ["2", "一般干部", "P01", "王芳", "FALSE"],
            ["2", "一般干部", "P02", "刘洋", "撕毁"]]
    ballots, _ = _reading(tmp_path, rows, layout="long")
    assert [b.void for b in ballots] == [None, "撕毁"]
    ev = Evaluation(("优秀", "称职"), ("优秀",), Threshold(">=", 0))
    papers = read_evaluation("e.csv", ["票号", "废票", "张伟"], [(2, ["T1", "否", "优秀"]), (3, ["T2", "撕毁", ""])],
                             resolver=Resolver((Candidate("C01", "张伟"),)), allowed={"C01"}, evaluation=ev)[1]
    assert [p.void for p in papers] == [None, "撕毁"]
    with pytest.raises(BallotFileError) as e:
        read_evaluation("e.csv", ["票号", "废票", "张伟"], [(2, ["T1", "×", "优秀"])],
                        resolver=Resolver((Candidate("C01", "张伟"),)), allowed={"C01"}, evaluation=ev)
    assert e.value.message.startswith("e.csv: row 2, column 2 (废票): '×' in the void column means neither")


# -- bounds (item 7) ----------------------------------------------------------------------------

@BLOCKS
@pytest.mark.parametrize("quoted", [False, True])
def test_a_csv_cell_longer_than_the_bound_names_its_row_and_column(tmp_path, block, quoted):
    path = tmp_path / "b.csv"
    cell = "张伟" * 5001
    path.write_text("ballot,P01,P02\n1,王芳,刘洋\n2,王芳," + (f'"{cell}"' if quoted else cell) + "\n3,x,y\n",
                    encoding="utf-8")
    with mock.patch.object(tables, "BLOCK", block):
        message = refusal(path)
    assert message == (f"{path}: row 3, column 3 (P02): a cell of more than 10,000 characters, more "
                       "than the 10,000 a ballot file may hold (an unclosed quote, or not a ballot file?)")


def test_the_cell_bound_leaves_other_csv_readers_alone(tmp_path):
    import csv

    before = csv.field_size_limit()
    path = tmp_path / "b.csv"
    path.write_text("ballot,P01\n1," + "x" * 20_000 + "\n", encoding="utf-8")
    refusal(path)
    assert csv.field_size_limit() == before


def _workbook(path, rows, **extra):
    """A one-sheet workbook, plus zip members `extra` (name with / as __)."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    if extra:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
            for member, data in extra.items():
                z.writestr(member.replace("__", "/"), data)
    return path


def test_an_xlsx_cell_longer_than_the_bound_names_its_row_and_column(tmp_path):
    path = _workbook(tmp_path / "b.xlsx", [["ballot", "P01"], [1, "张伟"], ["2" * 10_001, "张伟"]])
    assert refusal(path) == (f"{path}: row 3, column 1 (ballot): a cell of 10,001 characters, more than "
                             "the 10,000 a ballot file may hold (an unclosed quote, or not a ballot file?)")


def test_a_workbook_that_unpacks_past_the_bound_is_refused_before_it_is_read(tmp_path):
    path = _workbook(tmp_path / "b.xlsx", [["ballot", "P01"], *[[i, "张伟" * 50] for i in range(3000)]])
    with mock.patch.object(tables, "MAX_UNPACKED", 100_000), \
            mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")):
        message = refusal(path)
    assert message.startswith(f"{path}: the workbook unpacks to "), message


def test_sheets_are_streamed_so_only_the_other_parts_are_held_to_the_smaller_bound(tmp_path):
    # The sheet (~150 KB of XML) is past the bound of the parts read whole; styles and the rest are not.
    path = _workbook(tmp_path / "b.xlsx", [["ballot", "P01"], *[[i, "张伟"] for i in range(3000)]])
    with mock.patch.object(tables, "MAX_WHOLE", 100_000):
        assert len(_read_rows(path)[1]) == 3000
    with mock.patch.object(tables, "MAX_WHOLE", 10_000):
        assert "its parts other than sheets unpack to 0 MB (xl/theme/theme1.xml: 0 MB), more than the 0 MB" \
            in refusal(path)


def test_a_300_million_character_cell_is_refused_by_its_packing(tmp_path):
    # A ballot number that unpacks to 300 MB from a few hundred KB.
    import zipfile

    path = _workbook(tmp_path / "b.xlsx", [["ballot", "P01"], ["x", "张伟"]])
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sst = members["xl/worksheets/sheet1.xml"].decode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            if member == "xl/worksheets/sheet1.xml":
                with z.open(member, "w", force_zip64=True) as f:
                    head, tail = sst.split("<t>x</t>")
                    f.write((head + "<t>").encode())
                    for _ in range(30):
                        f.write(b"1" * 10_000_000)
                    f.write(("</t>" + tail).encode())
            else:
                z.writestr(member, data)
    assert path.stat().st_size < 1_000_000
    message = refusal(path)
    assert "its part xl/worksheets/sheet1.xml unpacks from" in message and "times its size" in message, message
    with mock.patch.object(tables, "MAX_UNPACKED", 200 << 20):
        assert refusal(path).startswith(f"{path}: the workbook unpacks to 286 MB, more than the 200 MB")


# -- which sheet of a workbook (item 1) --------------------------------------------------------

def _book(path, sheets: dict[str, tuple[str, list]]):
    """sheets: title -> (sheet_state, rows), in order."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, (state, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


BALLOTS = [["ballot", "P01"], [1, "张伟"], [2, "王芳"]]
DECOY = [["ballot", "P01"], [9, "李娜"]]


def _read_rows(path, **kw):
    with open_table(path, **kw) as table:
        return table.header, list(table.rows)


def test_a_hidden_first_sheet_is_not_read(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"旧": ("hidden", DECOY), "选票": ("visible", BALLOTS)})
    assert _read_rows(path) == (["ballot", "P01"], [(2, ["1", "张伟"]), (3, ["2", "王芳"])])


def test_several_visible_sheets_with_data_need_sheet(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"选票": ("visible", BALLOTS), "草稿": ("visible", DECOY),
                                       "空": ("visible", []), "旧": ("hidden", DECOY)})
    assert refusal(path) == (f"{path}: 2 visible sheets hold data (选票, 草稿): give --sheet with the "
                             "one that holds the ballots")
    assert _read_rows(path, sheet="草稿")[1] == [(2, ["9", "李娜"])]


def test_empty_visible_sheets_do_not_count(tmp_path):
    # Excel 2007-2010 and WPS start a workbook with Sheet1-3: the empty ones hide nothing.
    path = _book(tmp_path / "b.xlsx", {"Sheet1": ("visible", []), "Sheet2": ("visible", BALLOTS),
                                       "Sheet3": ("visible", [])})
    assert _read_rows(path)[1] == [(2, ["1", "张伟"]), (3, ["2", "王芳"])]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_sheet_naming_a_hidden_sheet_is_refused(tmp_path, state):
    path = _book(tmp_path / "b.xlsx", {"选票": ("visible", BALLOTS), "旧": (state, DECOY)})
    assert refusal(path, sheet="旧") == (f"{path}: sheet '旧' is hidden ({state}): unhide it in Excel if "
                                         "it holds the ballots (visible sheets: 选票)")


def test_a_workbook_whose_sheets_are_all_hidden(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["ballot"])
    wb.create_sheet("b").append(["ballot"])
    wb.active.sheet_state = "hidden"
    wb.save(tmp_path / "b.xlsx")
    # openpyxl will not save a workbook with no visible sheet: hide the other in the XML
    import zipfile

    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(b'state="visible"', b'state="hidden"')
    with zipfile.ZipFile(tmp_path / "c.xlsx", "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    assert refusal(tmp_path / "c.xlsx").endswith("c.xlsx: every sheet is hidden: unhide the sheet of "
                                                 "ballots in Excel")


# -- formulas, error values and merged cells (item 2) -------------------------------------------

def _patched(path, **replace):
    """Rewrite the first sheet's XML of workbook `path`: replace={old: new} (bytes as str)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    for old, new in replace.items():
        assert old in xml, (old, xml)
        xml = xml.replace(old, new)
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)
    return path


def _sheet(tmp_path, rows, merge=(), name="b.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for ref in merge:
        wb.active.merge_cells(ref)
    wb.save(tmp_path / name)
    return tmp_path / name


def test_a_formula_with_no_saved_value_is_refused_naming_its_cell(tmp_path):
    path = _sheet(tmp_path, [["ballot", "P01", "P02"], [1, "张伟", "王芳"], [2, "=A1", "王芳"]])
    assert refusal(path) == (f"{path}: row 3, column 2 (P01): a formula with no saved value (B3): open the "
                             "file in Excel and save it again, or paste the values")


def test_a_formula_with_a_saved_value_reads_as_that_value(tmp_path):
    path = _sheet(tmp_path, [["ballot", "P01"], [1, "=C9"], [2, "=C9"]])
    _patched(path, **{'<c r="B2"><f>C9</f><v></v></c>': '<c r="B2" t="str"><f>C9</f><v>张伟</v></c>',
                      '<c r="B3"><f>C9</f><v></v></c>': '<c r="B3" t="str"><f>C9</f><v></v></c>'})
    assert _read_rows(path)[1] == [(2, ["1", "张伟"]), (3, ["2", ""])]  # an empty result is empty


def test_an_error_value_is_refused_naming_its_cell(tmp_path):
    path = _sheet(tmp_path, [["ballot", "P01"], [1, "张伟"], [2, "x"]])
    _patched(path, **{'<c r="B3" t="inlineStr"><is><t>x</t></is></c>': '<c r="B3" t="e"><v>#N/A</v></c>'})
    assert refusal(path) == f"{path}: row 3, column 2 (P01): the error value #N/A (B3): correct the cell in Excel"


@pytest.mark.parametrize("ref, where", [
    ("B3:C3", "row 3, column 2 (P01)"), ("A1:B1", "row 1, column 1"), ("A3:A4", "row 3, column 1 (ballot)"),
    ("E9:F9", "row 9, column 5 (no header)")])  # below the last row: found after it
def test_merged_cells_are_refused_naming_the_range(tmp_path, ref, where):
    path = _sheet(tmp_path, [["ballot", "P01", "P02"], [1, "张伟", "王芳"], [2, "张伟", ""], [3, "", ""]], [ref])
    assert refusal(path) == (f"{path}: {where}: merged cells ({ref}): unmerge them and type the value into "
                             "each cell (a merged cell counts as empty)")


@pytest.mark.parametrize("fast", [True, False])
def test_a_merge_is_refused_after_the_last_row_naming_its_first_cell(tmp_path, fast):
    path = _sheet(tmp_path, [["ballot", "P01"], [1, "张伟"], [2, "王芳"]], ["B2:C2"])
    with mock.patch.object(tables, "FAST", fast):
        assert "row 2, column 2 (P01): merged cells (B2:C2)" in refusal(path)


def test_rows_past_a_short_dimension_are_read(tmp_path):
    # iter_rows trusted <dimension>: the rows and columns past it were dropped without a word.
    path = _sheet(tmp_path, [["ballot", "P01", "void"], [1, "张伟", ""], [2, "王芳", "撕毁"], [3, "王芳", ""]])
    _patched(path, **{'<dimension ref="A1:C4"/>': '<dimension ref="A1:B2"/>'})
    assert _read_rows(path) == (["ballot", "P01", "void"],
                                [(2, ["1", "张伟", ""]), (3, ["2", "王芳", "撕毁"]), (4, ["3", "王芳", ""])])


def test_a_row_repeated_in_the_xml_is_refused(tmp_path):
    path = _sheet(tmp_path, [["ballot", "P01"], [1, "张伟"], [2, "王芳"]])
    _patched(path, **{'<row r="3">': '<row r="2">'})
    assert "row 2 comes again after row 2 in the sheet's XML: the workbook is damaged" in refusal(path)


@pytest.mark.parametrize("source", ["examples/haimen-2011/rec2.xlsx", "tests/data/good/rec1.xlsx", "gaps"])
def test_rows_read_as_iter_rows_read_them(tmp_path, source):
    # Files tallied before are re-read by `audit verify --files`: the same rows, cell for cell.
    from openpyxl import load_workbook

    if source == "gaps":
        path = _sheet(tmp_path, [["ballot", "P01", "P02", None], [1, "张伟", None, None], [], [],
                                 [4, None, "王芳", None], [None, None, None, 3.0], [5, "", 2.5, None]])
    else:
        path = ROOT / source
    wb = load_workbook(path, read_only=True, data_only=True)
    old = [[tables._cell_text(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    header, rows = _read_rows(path)
    width = len(header)
    expected = [(n, cells + [""] * (width - len(cells))) for n, cells in enumerate(old[1:], 2)]
    assert rows == expected


def test_a_row_past_excels_last_row_is_refused(tmp_path):
    path = _sheet(tmp_path, [["ballot", "P01"], [1, "张伟"], [2, "王芳"]])
    _patched(path, **{'<row r="3"><c r="A3"': '<row r="99999999"><c r="A99999999"',
                      '<c r="B3"': '<c r="B99999999"'})
    assert "row 99999999, column 2 (P01): a cell past Excel's last row or column" in refusal(path)


# -- round files: where the roster may be, and how big things may be (items 8 and 11) ---------

def _round_refusal(tmp_path, roster: str) -> str:
    from support import good_round

    from selector.errors import ConfigError
    from selector.readers import roundfile

    path = good_round(tmp_path, {'roster = "roster.csv"': f"roster = {roster!r}".replace("'", '"')})
    with pytest.raises(ConfigError) as e:
        roundfile.load(path)
    return e.value.message


def test_a_roster_path_that_is_absolute_is_refused(tmp_path):
    assert _round_refusal(tmp_path, "/dev/zero") == (
        f"{tmp_path / 'round.toml'}: round.roster: \"/dev/zero\" is an absolute path: give the roster's "
        "name relative to the round file's folder (keep it next to the round file)")


def test_a_roster_path_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "round").mkdir()
    message = _round_refusal(tmp_path / "round", "../../../../../../etc/passwd")
    assert message == (f"{tmp_path / 'round' / 'round.toml'}: round.roster: \"../../../../../../etc/passwd\" "
                       f"is outside the round file's folder ({tmp_path / 'round'}): copy the roster next "
                       "to the round file")
    assert "root:x:0" not in message  # nothing of the file is quoted


def test_a_roster_link_leading_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "round").mkdir()
    (tmp_path / "round" / "名册.csv").symlink_to("/etc/passwd")
    assert "is outside the round file's folder" in _round_refusal(tmp_path / "round", "名册.csv")


def test_a_roster_link_inside_the_folder_and_a_subfolder_are_fine(tmp_path):
    from support import GOOD, good_round

    from selector.readers import roundfile

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "r.csv").write_bytes((GOOD / "roster.csv").read_bytes())
    (tmp_path / "link.csv").symlink_to(tmp_path / "data" / "r.csv")
    for rel in ("link.csv", "data/r.csv", "data/../data/r.csv"):
        path = good_round(tmp_path, {'roster = "roster.csv"': f'roster = "{rel}"'})
        round_, sources, _ = roundfile.load(path)
        assert len(round_.candidates) == 6 and sources[rel] == (GOOD / "roster.csv").read_bytes()


def test_a_roster_that_is_a_fifo_or_too_big(tmp_path):
    import os

    from selector.readers import roundfile

    os.mkfifo(tmp_path / "fifo.csv")
    assert _round_refusal(tmp_path, "fifo.csv").endswith(
        "round.roster: cannot read " + f"{tmp_path / 'fifo.csv'}: is a FIFO (named pipe), not a file: "
        "give the roster file itself")
    (tmp_path / "big.csv").write_bytes(b"id,name\n" + b"C01,x\n" * 1000)
    with mock.patch.object(roundfile, "MAX_FILE", 1000):
        assert _round_refusal(tmp_path, "big.csv").endswith(f"{tmp_path / 'big.csv'}: larger than 0 MB: "
                                                            "not a roster file?")


def test_a_round_file_that_is_a_device(tmp_path):
    from selector.errors import ConfigError
    from selector.readers import roundfile

    with pytest.raises(ConfigError) as e:
        roundfile.load("/dev/zero")
    assert e.value.message == "/dev/zero: is a device, not a file: give the round file itself"


def test_a_roster_cell_past_the_csv_limit_is_a_config_error(tmp_path):
    from support import good_round

    from selector.errors import ConfigError
    from selector.readers import roundfile

    path = good_round(tmp_path)
    (tmp_path / "roster.csv").write_text("id,name,resume\nC01,张伟," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        roundfile.load(path)
    assert e.value.message == (f"{path} → roster.csv: line 2: unreadable CSV (field larger than field "
                               "limit (131072))")


def _parse_refusal(replace: dict[str, str]) -> str:
    from support import GOOD

    from selector.errors import ConfigError
    from selector.readers import roundfile

    text = (GOOD / "round.toml").read_text("utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    roster = (GOOD / "roster.csv").read_bytes()
    with pytest.raises(ConfigError) as e:
        roundfile.parse(text.encode(), "r.toml", lambda name: roster)
    assert "\n" not in e.value.message and len(e.value.message) < 300, e.value.message[:400]
    return e.value.message


SEED = 'tie_seed = "2026-03-01 公开种子"'


@pytest.mark.parametrize("replace, message", [
    ({SEED: "tie_seed = " + "[" * 5000 + "]" * 5000},
     "r.toml: round.tie_seed: arrays or tables nested more than 32 deep (line 5): not a round file?"),
    ({SEED: "tie_seed = " + "{a=" * 3000 + "1" + "}" * 3000},
     "r.toml: round.tie_seed: arrays or tables nested more than 32 deep (line 5): not a round file?"),
    ({"electorate = 30": "electorate = " + "9" * 5000},
     "r.toml: stage[0].electorate: a number of more than 18 digits (line 22): too large"),
    ({"electorate = 30": "electorate = 9223372036854775807"},
     "r.toml: stage[0].electorate: expected a whole number ≥ 1 and at most 10,000,000, got 9223372036854775807"),
    ({"seats = 1": "seats = 100000"},
     "r.toml: post[0].seats: expected a whole number ≥ 1 and at most 1,000, got 100000"),
    ({'quorum = ">= 2/3"\ncategories': 'quorum = ">= 1/' + "9" * 4400 + '"\ncategories'},
     'r.toml: stage[0].quorum: a number of more than 18 digits in ">= 1/' + "9" * 52 + '…"'),
    ({'quorum = ">= 2/3"\ncategories': 'quorum = ">= 1/10000000000"\ncategories'},
     'r.toml: stage[0].quorum: 1/10000000000: numbers in a fraction may be at most 1,000,000,000'),
    ({'"领导干部" = 2': '"领导干部" = "' + "9" * 5000 + '"'},
     'r.toml: stage[0].categories.领导干部: a number of more than 18 digits in "' + "9" * 57 + '…"'),
    ({'"领导干部" = 2': '"领导干部" = 0x' + "f" * 40},
     "r.toml: stage[0].categories.领导干部: 1461501637330902918203684832716283019655932542975: numbers in "
     "a fraction may be at most 1,000,000,000"),
    ({'ratio = "1:2"': 'ratio = "1:' + "9" * 5000 + '"'},
     'r.toml: stage[0].cut.ratio: a number of more than 18 digits in "1:' + "9" * 55 + '…"'),
    ({'ratio = "1:2"': 'ratio = "1:5000"'}, 'r.toml: stage[0].cut.ratio: N of "1:N" may be at most 1,000, got "1:5000"'),
])
def test_absurd_numbers_and_nesting_in_a_round_file(replace, message):
    assert _parse_refusal(replace) == message


def test_a_huge_hexadecimal_number_in_a_descriptive_field(tmp_path):
    from selector.errors import ConfigError
    from selector.readers import roundfile

    text = ('[round]\nid = "r"\ntitle = "t"\norganizer = "o"\n[[post]]\nid = "P01"\ntitle = "局长"\n'
            '[[candidate]]\nid = "C01"\nname = "张伟"\nborn = 0x' + "f" * 4000 + "\n"
            '[[stage]]\nid = "s"\nkind = "recommend"\ntitle = "推荐"\nelectorate = 10\n')
    with pytest.raises(ConfigError) as e:
        roundfile.parse(text.encode(), "r.toml", lambda name: b"")
    assert e.value.message == "r.toml: candidate[0].born: a number of more than 18 digits: write it as text"


def test_a_file_with_invisible_characters_recounts_the_same_in_audit_verify(run, tmp_path):
    # The papers table and the digests hold the cleaned numbers; verify re-reads the stored
    # rows through the same interpret, and --files re-reads the file itself.
    import json

    from support import good_round, write_csv

    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    write_csv(tmp_path / "a.csv", [["ballot", "category", "审计局局长", "统计局副局长", "void"],
                                   ["\ufeff101\u200b", "一般干部", "张伟(审计)\u200b", "\u2067刘洋\u2069", ""],
                                   ["102", "领导干部\u200b", "王芳", "刘洋", "\u200b"],
                                   ["103", "一般干部", "王芳", "", "否"]])
    r = run("tally", "rec1", "a.csv", "--present", "20", "--issued", "20", "--json")
    assert r.exit_code == 0, r.stderr
    view = json.loads(r.stdout)
    p01 = view["posts"][0]
    assert {x["candidate"]: x["votes"] for x in p01["results"]} == {"C01": 1, "C04": 2}
    assert p01["ballots"]["void"] == 0 and p01["invalid_marks"] == 0
    import sqlite3

    numbers = sorted(n for (n,) in sqlite3.connect("selector.db").execute("SELECT ballot FROM papers"))
    assert numbers == ["101", "102", "103"]
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 0, r.stdout + r.stderr


def test_invisible_only_cells_are_empty_in_long_and_evaluation_files(tmp_path):
    from selector.domain.counting import Resolver
    from selector.domain.model import Candidate, Evaluation, Threshold
    from selector.readers.findings import read_evaluation

    rows = [["ballot", "category", "post", "candidate"], ["1", "一般干部", "", "\u200b"],
            ["2", "一般干部", "P01", "\ufeff"]]
    ballots, reading = _reading(tmp_path, rows, layout="long")
    assert [b.marks for b in ballots] == [{}, {"P01": ()}] and reading.cleaned_cells == 1
    ev = Evaluation(("优秀", "称职"), ("优秀",), Threshold(">=", 0))
    papers = read_evaluation("e.csv", ["票号", "张伟"], [(2, ["T1", "\u200b"]), (3, ["T2", "优秀"])],
                             resolver=Resolver((Candidate("C01", "张伟"),)), allowed={"C01"}, evaluation=ev)[1]
    assert papers[0].grades == {"C01": ""}


def test_the_tally_says_which_cells_held_invisible_characters(run, tmp_path):
    import json

    from support import good_round, write_csv

    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    rows = [["ballot", "category", "审计局局长", "统计局副局长"],
            ["1", "一般干部", "张伟(审计)\u200b", "刘洋"], ["2", "一般干部", "王芳", "刘洋"]]
    write_csv(tmp_path / "rec.csv", rows)
    checked = run("tally", "rec1", "rec.csv", "--present", "20", "--issued", "20", "--dry-run", "--json")
    assert json.loads(checked.stdout)["batches"][0]["cleaned"] == {"cells": 1, "first": [
        {"ballot": "1", "row": 2, "column": 3, "heading": "审计局局长", "text": "张伟(审计)\u200b"}]}
    r = run("tally", "rec1", "rec.csv", "--present", "20", "--issued", "20")
    assert r.exit_code == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert ("note: rec.csv: 1 cells held invisible characters (zero-width spaces, direction marks…), "
            "removed before counting: row 2, column 3 (审计局局长) ballot 1 张伟(审计)\\u200b") in said
