"""The counter's fast path (a plain paper's cells looked up and counted in C, `Count.FAST`,
and a wide row's cells handed over as read, `Cells`) gives exactly the count of the general
path: every figure, every invalid mark and voided post in order, and the same stored rows."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from selector.domain.counting import Ballot, Cells, Count, Resolver
from selector.domain.model import Candidate, Post, Stage
from selector.readers.ballots import COLUMN_OF, WORDS, Paper, _plain_numbers, interpret
from selector.storage.store import Store

POSTS = (Post("P01", "审计局局长", 1), Post("P02", "统计局副局长", 2), Post("P03", "教育局局长", 1))
ROSTER = (Candidate("C01", "张伟", "张伟(审计)", ("P01",)), Candidate("C02", "张伟", "张伟(统计)", ("P02",)),
          Candidate("C03", "李娜"), Candidate("C04", "王芳", None, ("P01", "P03")), Candidate("C05", "刘洋"),
          Candidate("C06", "陈静", None, ("P03",)))
LISTS = {"P01": ("C01", "C03", "C04"), "P02": ("C02", "C03", "C05"), "P03": ("C04", "C06")}
# names, labels, ids, a typo, spaces, full-width spaces, two names in a cell, an invisible
# character, a blank of spaces
CELLS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "陈静", "C03", "赵六", "王 芳", " 李娜 ",
         "\u3000陈静", "李娜、王芳", "刘洋;李娜", "陈\u200b静", "", "", "", "  "]
CATEGORIES = (("领导干部", F(2)), ("一般干部", F(1)))
BATCH_POSTS, BATCH = Count.BATCH_POSTS, Count.BATCH  # a round of many posts batches its papers

rows = st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(CELLS), st.sampled_from(CELLS),
                          st.sampled_from(["", "", "", "", "废票"]),
                          st.sampled_from(["领导干部", "一般干部"])), min_size=1, max_size=30)
stages = st.builds(lambda overvote, max_marks, weighted: Stage(
    "rec1", "recommend", "民主推荐", electorate=99, overvote=overvote, max_marks=max_marks,
    categories=CATEGORIES if weighted else (), candidates="roster"),
    st.sampled_from(["void-post", "void-post", "void-ballot"]), st.sampled_from([None, 1, 2]), st.booleans())


def _ballots(stage: Stage, items, shuffled: bool = False) -> list[Ballot]:
    """The rows through the real wide-layout reader (marks arrive as Cells where it can);
    `shuffled`: the post columns in another order than the round's."""
    order = [2, 0, 1] if shuffled else [0, 1, 2]
    titles = ["审计局局长", "统计局副局长", "教育局局长"]
    header = ["票号", *(titles[k] for k in order), "废票"] + (["类别"] if stage.categories else [])
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    table = [(i + 2, [f"{i + 1:03d}", *((p1, p2, p3)[k] for k in order), void] + ([cat] if stage.categories else []))
             for i, (p1, p2, p3, void, cat) in enumerate(items)]
    return list(interpret(paper, "rec1.csv", header, table, "wide"))


def _count(stage: Stage, ballots, fast: bool, monkeypatch, batch: int = 0):
    """`batch`: the wide papers of these 3 posts looked up that many at a time (`Count._batch`,
    which a round of many posts takes), not one by one."""
    monkeypatch.setattr(Count, "FAST", fast)
    monkeypatch.setattr(Count, "BATCH_POSTS", 1 if batch else BATCH_POSTS)
    monkeypatch.setattr(Count, "BATCH", batch or BATCH)
    counter = Count(stage, POSTS, LISTS, Resolver(ROSTER), {c.id: c for c in ROSTER})
    half = len(ballots) // 2
    for b in ballots[:half]:
        counter.add(b)
    counter.result  # asked for between runs of papers, as a tally with several files does
    for b in ballots[half:]:
        counter.add(b)
    return counter.result


def _state(count) -> dict:
    """Everything a count holds, in order (dict orders included)."""
    rows = Store.snapshot_rows("r", count)
    return {"rows": rows, "returned": count.returned, "void_papers": count.void_papers,
            "order": {pid: list(pc.counts) for pid, pc in count.posts.items()},
            "weighted": {pid: [(c, cc.weighted, cc.by_category) for c, cc in pc.counts.items()]
                         for pid, pc in count.posts.items()}}


@settings(max_examples=200, deadline=None)
@given(stages, rows, st.booleans())
def test_fast_and_general_paths_count_the_same(monkeypatch_session, stage, items, shuffled):
    ballots = _ballots(stage, items, shuffled)
    as_dicts = [Ballot(b.number, b.category, b.void, dict(b.marks.items()), b.choices, b.line) for b in ballots]
    general = _state(_count(stage, as_dicts, False, monkeypatch_session))
    assert _state(_count(stage, ballots, True, monkeypatch_session)) == general  # Cells, fast
    assert _state(_count(stage, as_dicts, True, monkeypatch_session)) == general  # dicts, fast
    assert _state(_count(stage, ballots, False, monkeypatch_session)) == general  # Cells, general
    for batch in (1, 3, 8):  # Cells, fast, looked up a batch of papers at a time
        assert _state(_count(stage, ballots, True, monkeypatch_session, batch)) == general


def test_cells_are_the_marks_mapping_they_stand_for(monkeypatch_session):
    stage = Stage("rec1", "recommend", "民主推荐", electorate=9, candidates="roster")
    ballots = _ballots(stage, [("张伟(审计)", " 李娜 ", "", "", "一般干部"), ("王 芳", "刘洋;李娜", "陈\u200b静", "", "一般干部")])
    first, second = ballots
    assert type(first.marks) is Cells  # nothing to note: handed over as read
    assert first.marks == {"P01": ("张伟(审计)",), "P02": ("李娜",), "P03": ()}
    assert dict(first.marks) == first.marks and first.marks.get("P09") is None and len(first.marks) == 3
    assert type(second.marks) is dict  # an invisible character: read cell by cell and noted
    assert second.marks == {"P01": ("王 芳",), "P02": ("刘洋", "李娜"), "P03": ("陈\u200b静",)}
    count = _count(stage, ballots, True, monkeypatch_session)
    assert count.posts["P01"].counts["C01"].votes == 1
    assert [(m.ballot, m.text) for m in count.posts["P01"].invalid_marks] == []
    assert count.posts["P03"].blank == 1 and count.posts["P03"].counts["C06"].votes == 1



@pytest.fixture(scope="module")
def monkeypatch_session():
    """Count.FAST set per count (module scope: hypothesis runs many examples per test)."""
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_a_batch_counts_its_papers_in_order(monkeypatch):
    # looked up post by post, a batch's overvotes and invalid marks are still noted paper by
    # paper, post by post: 002 overvotes P01 after 001 overvoted P02, as one by one
    stage = Stage("rec1", "recommend", "民主推荐", electorate=99, max_marks=1, candidates="roster")
    items = [("张伟(审计)", "刘洋;李娜", "陈静", "", "一般干部"), ("李娜、王芳", "赵六", "王芳", "", "一般干部"),
             ("王芳", "刘洋", "赵六", "", "一般干部"), ("王芳", "赵六", "陈静", "", "一般干部")]
    ballots = _ballots(stage, items)
    counted = _count(stage, ballots, True, monkeypatch, batch=3)  # (001, 002), then (003, 004): see _count
    assert counted.voided == [("001", "P02", "overvote"), ("002", "P01", "overvote")]
    assert [(m.ballot, m.post, m.text) for m in counted.invalid_marks()] == [("002", "P02", "赵六"),
                                                                           ("004", "P02", "赵六"),
                                                                           ("003", "P03", "赵六")]
    assert _state(counted) == _state(_count(stage, ballots, False, monkeypatch))


# -- a run's ballot numbers --------------------------------------------------------------------

NUMBER = st.lists(st.sampled_from(list("0189BbZ-_é号") + ["ballot", "BALLOT", "Void", "post", "票号"]), max_size=3) \
    .map("".join)


def _plain_numbers_as_first_written(numbers, seen):
    joined = "".join(numbers)
    return joined.isascii() and joined.isalnum() and all(numbers) and len(set(numbers)) == len(numbers) \
        and seen.keys().isdisjoint(numbers) \
        and (joined.isdigit() or COLUMN_OF.keys().isdisjoint(",".join(numbers).casefold().split(",")))


def test_a_heading_an_ascii_number_could_read_as_is_a_word():
    assert WORDS and all(word.isalpha() for word in WORDS)  # what _plain_numbers leans on
    assert {"ballot", "void", "post"} <= WORDS


@settings(max_examples=500, deadline=None)
@given(st.lists(NUMBER, max_size=8), st.lists(NUMBER, max_size=3))
def test_a_runs_numbers_are_told_plain_as_before(numbers, seen):
    seen = dict.fromkeys(seen, 1)
    assert _plain_numbers(numbers, seen) == _plain_numbers_as_first_written(numbers, seen)


def test_a_runs_numbers_are_plain_unless_one_reads_as_a_heading_or_repeats():
    assert _plain_numbers(["B000001", "B000002"], {}) and _plain_numbers(["0001", "0002"], {})
    assert not _plain_numbers(["B000001", "Ballot"], {}) and not _plain_numbers(["0001", "VOID"], {})
    assert _plain_numbers(["B000001", "Ballots"], {})  # a word, but no heading
    assert not _plain_numbers(["B1", "B1"], {}) and not _plain_numbers(["B1", "B2"], {"B2": 3})
    assert not _plain_numbers(["B-1"], {}) and not _plain_numbers(["B1", ""], {}) and not _plain_numbers(["é1"], {})
