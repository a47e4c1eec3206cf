"""The long layout's fast path — each paper given as its rows end (`stream`), runs of known
cells added to their paper in C (`_bulk`), a CSV chunk's cells read without numbering its
rows — against the general path (every row read by the loop, the whole file gathered,
`Count.FAST` off): the same papers in the same order, the same notes, the same count
(every figure, invalid mark and voided post in order) and the same refusal, for random
stages and files whose papers' rows are together, apart, or anywhere."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from selector.domain.counting import Count, Resolver
from selector.domain.model import Candidate, Post, Stage
from selector.errors import BallotFileError
from selector.readers import ballots as reader, tables
from selector.readers.ballots import Paper, Scattered, interpret
from selector.readers.tables import open_table
from selector.storage.store import Store

from support import write_csv

POSTS = (Post("P01", "审计局局长", 1), Post("P02", "统计局副局长", 2), Post("P03", "教育局局长", 1))
ROSTER = (Candidate("C01", "张伟", "张伟(审计)", ("P01",)), Candidate("C02", "张伟", "张伟(统计)", ("P02",)),
          Candidate("C03", "李娜"), Candidate("C04", "王芳", None, ("P01", "P03")), Candidate("C05", "刘洋"),
          Candidate("C06", "陈静", None, ("P03",)))
LISTS = {"P01": ("C01", "C03", "C04"), "P02": ("C02", "C03", "C05"), "P03": ("C04", "C06")}
# post cells: ids, titles, spaces, an invisible character, a post twice on a paper (drawn twice)
POST_CELLS = ["P01", "P02", "P03", "P01", "P02", "P03", "审计局局长", " P02 ", "P0\u200b3"]
# candidate cells: names, labels, ids, a shared name, a typo, someone not on the list, two names
# in one cell, an invisible character, blanks
CANDIDATE_CELLS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "陈静", "C03", "赵六", " 李娜 ",
                   "李娜、王芳", "陈\u200b静", "", "", "  "]
CATEGORIES = (("领导干部", F(2)), ("一般干部", F(1)))

# a row: post, candidate, and now and then an empty ballot cell (refused) or a cell too many
# (an empty one after the last: allowed, but the row is not as wide as the header)
rows = st.tuples(st.sampled_from(POST_CELLS), st.sampled_from(CANDIDATE_CELLS),
                 st.sampled_from(["number"] * 30 + ["no number", "one more"]))
papers = st.lists(st.tuples(st.lists(rows, min_size=1, max_size=5), st.sampled_from(["", "", "", "", "废票"]),
                            st.sampled_from(["领导干部", "一般干部"])), min_size=1, max_size=25)
stages = st.builds(lambda overvote, max_marks, weighted: Stage(
    "rec1", "recommend", "民主推荐", electorate=99, overvote=overvote, max_marks=max_marks,
    categories=CATEGORIES if weighted else (), candidates="roster"),
    st.sampled_from(["void-post", "void-post", "void-ballot"]), st.sampled_from([None, 1, 2]), st.booleans())
# how the rows stand: each paper's rows together; one row moved far; all shuffled
orders = st.sampled_from(["together", "together", "together", "moved", "shuffled"])


def _file(path, stage: Stage, items, order: str, void_column: bool, blank_rows: bool, seed: int):
    rows = []
    for i, (marks, void, category) in enumerate(items):
        for post, candidate, how in marks:
            rows.append([f"{i + 1:03d}" if how != "no number" else "", post, candidate]
                        + ([void] if void_column else []) + ([category] if stage.categories else [])
                        + ([""] if how == "one more" else []))
    rng = random.Random(seed)
    if order == "moved" and len(rows) > 2:
        rows.insert(rng.randrange(len(rows)), rows.pop(0))
    elif order == "shuffled":
        rng.shuffle(rows)
    if blank_rows and rows:
        at = rng.randrange(len(rows))
        rows.insert(at, [""] * len(rows[at]))
    header = ["票号", "职位", "候选人"] + (["废票"] if void_column else []) + (["类别"] if stage.categories else [])
    return write_csv(path, [header] + rows)


def _read(path, stage: Stage, fast: bool):
    """(papers, notes, first rows, count) through the fast path (as a tally reads: streamed,
    read again gathered if the papers are apart) or the general path; or the refusal."""
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    reader.FAST = Count.FAST = fast
    try:
        for stream in ((True, False) if fast else (False,)):
            counter = Count(stage, POSTS, LISTS, paper.resolver, {c.id: c for c in ROSTER})
            with open_table(path) as table:
                if fast:
                    reading = interpret(paper, table.name, table.header, table.chunks, "long", blocks=True,
                                        stream=stream)
                else:
                    reading = interpret(paper, table.name, table.header, table.rows, "long")
                try:
                    got = []
                    for ballot in reading:
                        got.append((ballot.number, ballot.category, ballot.void, dict(ballot.marks), ballot.line))
                        counter.add(ballot)
                except Scattered:
                    continue
            count = counter.result
            return (got, reading.cleaned, reading.cleaned_cells, reading.lines,
                    Store.snapshot_rows("r", count), count.voided, count.returned, count.void_papers,
                    {pid: [(c, cc.votes, cc.weighted, cc.by_category) for c, cc in pc.counts.items()]
                     for pid, pc in count.posts.items()})
    except BallotFileError as e:
        return ("refused", e.template, e.params, e.place)
    finally:
        reader.FAST = Count.FAST = True


@settings(max_examples=150, deadline=None)
@given(stages, papers, orders, st.booleans(), st.booleans(), st.sampled_from([40, 97, 1 << 16]), st.integers(0, 99))
def test_long_fast_and_general_paths_read_and_count_the_same(tmp_path_factory, stage, items, order, void_column,
                                                             blank_rows, block, seed):
    path = _file(tmp_path_factory.mktemp("long") / "rec1.csv", stage, items, order, void_column, blank_rows, seed)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "BLOCK", block)  # small blocks: many chunks, runs cut across them
        assert _read(path, stage, True) == _read(path, stage, False)


# plain files (no void or category column), many papers of the same few cells: most rows
# reach _bulk, which adds runs of known cells to their paper
plain_rows = st.tuples(st.sampled_from(["P01", "P02", "P03", "P01", "P02", "P03", "审计局局长"]),
                       st.sampled_from(["张伟(审计)", "李娜", "王芳", "刘洋", "陈静", "赵六", ""]),
                       st.sampled_from(["number"] * 60 + ["no number", "one more"]))
plain_papers = st.lists(st.tuples(st.lists(plain_rows, min_size=2, max_size=6), st.just(""), st.just("一般干部")),
                        min_size=20, max_size=60)
plain_stages = st.builds(lambda overvote, max_marks: Stage(
    "rec1", "recommend", "民主推荐", electorate=99, overvote=overvote, max_marks=max_marks, candidates="roster"),
    st.sampled_from(["void-post", "void-ballot"]), st.sampled_from([None, 1, 2]))


@settings(max_examples=60, deadline=None)
@given(plain_stages, plain_papers, st.sampled_from(["together", "together", "together", "moved"]), st.booleans(),
       st.sampled_from([97, 200, 500]), st.integers(0, 99))
def test_long_fast_and_general_paths_agree_on_plain_files(tmp_path_factory, stage, items, order, blank_rows, block,
                                                          seed):
    path = _file(tmp_path_factory.mktemp("long") / "rec1.csv", stage, items, order, False, blank_rows, seed)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "BLOCK", block)
        assert _read(path, stage, True) == _read(path, stage, False)


def test_a_paper_whose_rows_are_apart_is_scattered_when_streamed(tmp_path):
    stage = Stage("rec1", "recommend", "民主推荐", electorate=9, candidates="roster")
    path = write_csv(tmp_path / "rec1.csv", [["票号", "职位", "候选人"], ["001", "P01", "王芳"], ["002", "P01", "李娜"],
                                             ["001", "P02", "刘洋"]])
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    with open_table(path) as table:
        reading = interpret(paper, table.name, table.header, table.chunks, "long", blocks=True, stream=True)
        assert next(reading).number == "001"  # given out when 002's row came
        with pytest.raises(Scattered):
            list(reading)
    with open_table(path) as table:  # gathered: 001 holds both its rows
        ballots = list(interpret(paper, table.name, table.header, table.chunks, "long", blocks=True))
    assert [(b.number, dict(b.marks), b.line) for b in ballots] == [
        ("001", {"P01": ("王芳",), "P02": ("刘洋",)}, 2), ("002", {"P01": ("李娜",)}, 3)]


def _gathered_or_refused(path, stage):
    return _read(path, stage, True), _read(path, stage, False)


def test_a_row_wider_than_the_header_between_a_papers_rows_does_not_hide_it(tmp_path):
    # 001's rows, one row of 002 with an empty cell too many (it takes no shortcut), then 001
    # again: 001 was given out when 002 came, so its row must make the file read gathered
    stage = Stage("rec1", "recommend", "民主推荐", electorate=9, candidates="roster")
    path = write_csv(tmp_path / "rec1.csv", [["票号", "职位", "候选人"], ["001", "P01", "王芳"], ["002", "P01", "李娜", ""],
                                             ["001", "P02", "刘洋"], ["001", "P03", "陈静"]])
    fast, general = _gathered_or_refused(path, stage)
    assert fast == general
    assert [(number, marks) for number, _, _, marks, _ in fast[0]] == [
        ("001", {"P01": ("王芳",), "P02": ("刘洋",), "P03": ("陈静",)}), ("002", {"P01": ("李娜",)})]


def test_a_row_without_its_number_after_a_blank_row_is_refused(tmp_path):
    # the blank row and the next share an empty ballot cell, in a block after the one where
    # the post and candidate cells were first read: the next row is not the paper before's
    stage = Stage("rec1", "recommend", "民主推荐", electorate=9, candidates="roster")
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    blocks = [[(2, ["001", "P01", "王芳"]), (3, ["001", "P02", "刘洋"])],
              [(4, ["", "", ""]), (5, ["", "P01", "王芳"]), (6, ["", "P02", "刘洋"])]]
    for stream in (True, False):
        with pytest.raises(BallotFileError) as refused:
            list(interpret(paper, "rec1.csv", ["票号", "职位", "候选人"], blocks, "long", blocks=True, stream=stream))
        assert (refused.value.template, refused.value.place) == (
            "empty ballot number", {"file": "rec1.csv", "row": 5, "column": 1, "heading": "票号"})
