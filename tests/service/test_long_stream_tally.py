"""A tally of a long file through the fast path (papers streamed as their rows end, read
again gathered when a paper's rows are apart, runs of known cells added in C, the counter's
fast path) stores exactly what the general path stores: every table of the database byte
for byte (results, invalid marks, void papers, papers, raw rows, the events and their
hashes), the same `--json`, the same refusal, and `audit verify` says the same."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from selector.domain.counting import Count
from selector.readers import ballots as reader, tables

from support import database_tables, good_round, write_csv

CATEGORIES = 'categories = { "领导干部" = 2, "一般干部" = 1 }'
POST_CELLS = ["P01", "P02", "P01", "P02", "审计局局长", " P02 "]
CANDIDATE_CELLS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "陈静", "C03", "赵六", "李娜、王芳",
                   "陈\u200b静", "", ""]

papers = st.lists(st.tuples(
    st.lists(st.tuples(st.sampled_from(POST_CELLS), st.sampled_from(CANDIDATE_CELLS)), min_size=1, max_size=4),
    st.sampled_from(["", "", "", "废票"]), st.sampled_from(["领导干部", "一般干部"])), min_size=1, max_size=25)
# overvote, max_marks, weighted (a category column), a void column
options = st.tuples(st.sampled_from(["void-post", "void-ballot"]), st.sampled_from([None, 1, 2]), st.booleans(),
                    st.booleans())


def _tally(run, folder, round_file, ballots, fast: bool):
    db = folder / ("fast.db" if fast else "general.db")
    reader.FAST = Count.FAST = fast
    try:
        assert run("--db", db, "init", round_file).exit_code == 0
        tallied = run("--db", db, "tally", "rec1", ballots, "--layout", "long", "--present", "30", "--issued", "30",
                      "--json")
        verified = run("--db", db, "audit", "verify")
    finally:
        reader.FAST = Count.FAST = True
    return (tallied.exit_code, tallied.stdout, tallied.stderr, verified.exit_code, verified.stdout, database_tables(db))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(papers, options, st.sampled_from(["together", "together", "moved", "shuffled"]), st.integers(0, 99),
       st.sampled_from([97, 200, 1 << 16]))
def test_a_long_tally_stores_the_same_by_either_path(run, tmp_path_factory, items, option, order, seed, block):
    overvote, max_marks, weighted, void_column = option
    folder = tmp_path_factory.mktemp("tally")
    stage = f'overvote = "{overvote}"' + (f"\nmax_marks = {max_marks}" if max_marks else "")
    round_file = good_round(folder, {CATEGORIES: (CATEGORIES + "\n" if weighted else "") + stage})
    rows = [[f"{i + 1:03d}", post, candidate] + ([void] if void_column else []) + ([category] if weighted else [])
            for i, (marks, void, category) in enumerate(items) for post, candidate in marks]
    rng = random.Random(seed)
    if order == "moved" and len(rows) > 2:
        rows.insert(rng.randrange(len(rows)), rows.pop(0))
    elif order == "shuffled":
        rng.shuffle(rows)
    heading = ["票号", "职位", "候选人"] + (["废票"] if void_column else []) + (["类别"] if weighted else [])
    ballots = write_csv(folder / "rec1.csv", [heading] + rows)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "BLOCK", block)  # small blocks: many chunks (stored as such by both), runs cut across
        fast = _tally(run, folder, round_file, ballots, True)
        assert fast == _tally(run, folder, round_file, ballots, False)


def test_a_long_file_whose_papers_are_apart_is_tallied_whole(run, tmp_path):
    # 001's rows are apart: streamed, 001 was counted before its last row came; the tally
    # starts again, gathering it, and stores only that
    round_file = good_round(tmp_path)
    rows = [["票号", "职位", "候选人", "类别"], ["001", "P01", "王芳", "一般干部"], ["002", "P01", "李娜", "领导干部"],
            ["001", "P02", "刘洋", "一般干部"], ["002", "P02", "刘洋", "领导干部"], ["001", "P01", "李娜", "一般干部"]]
    ballots = write_csv(tmp_path / "rec1.csv", rows)
    fast = _tally(run, tmp_path, round_file, ballots, True)
    assert fast == _tally(run, tmp_path, round_file, ballots, False)
    assert fast[0] == 0 and fast[3] == 0
    tables = dict(fast[5])
    assert [(ballot, batch) for _, _, ballot, batch in tables["papers"]] == [("001", 1), ("002", 1)]
    # 001 marks two people for a one-seat post: its P01 is void (an overvote), P02 counts
    assert [row[2:5] for row in tables["void_papers"]] == [("001", "P01", "overvote")]
    assert len(tables["events"]) == 2 and len(tables["batches"]) == 1


@pytest.fixture(autouse=True)
def _paths_back():
    yield
    reader.FAST = Count.FAST = True
