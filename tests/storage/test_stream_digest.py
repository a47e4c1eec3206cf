"""The result snapshot's digest is hashed a piece at a time and its invalid marks and void
papers are stored from tuples (issue 17: memory that streams at 10M marks). The bytes hashed,
the digests and the stored rows must be exactly those of the code before: `canonical()` of
the whole snapshot, and the snapshot's rows as dicts (`Store.snapshot_rows`)."""

from __future__ import annotations

import hashlib
from fractions import Fraction as F
from operator import itemgetter

from hypothesis import given, settings, strategies as st

from selector.domain.counting import Count, Resolver
from selector.domain.model import Candidate, Post, Stage
from selector.readers.ballots import Paper, interpret
from selector.storage import digest
from selector.storage.rows import canonical
from selector.storage.store import Store

# -- the canonical text in pieces --------------------------------------------------------------

# text a stored value may hold: CJK, quotes, backslashes, control characters, non-BMP
texts = st.text(st.sampled_from(['张', '伟', '"', '\\', '\n', '\t', '\x00', '\x1f', 'é', '😀', '\u2028', 'a', '1',
                                 ' ', '/', '\u200b']), max_size=8)
values = st.one_of(texts, st.integers(-10**12, 10**12), st.none(), st.booleans())
rows = st.lists(st.dictionaries(st.sampled_from(["round", "stage", "post", "ballot", "text", "reason", "votes",
                                                 "by_category", "b", "\u0430"]), values, max_size=6), max_size=12)
snapshots = st.dictionaries(st.sampled_from(["invalid_marks", "post_results", "results", "stages",
                                             "marks_sha256", "void_papers", "z", "\u00e9"]),
                            st.one_of(rows, texts), min_size=1, max_size=5)


def _old(snapshot: dict) -> str:
    """The digest as it was computed before: the whole canonical text, hashed at once."""
    return hashlib.sha256(canonical(snapshot).encode("utf-8")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(snapshots, st.data(), st.sampled_from([1, 2, 3, 5, 2000]))
def test_the_snapshot_hashed_in_pieces_is_the_canonical_text(snapshot, data, at_once):
    lazy = {key for key, value in snapshot.items() if type(value) is list and data.draw(st.booleans())}

    def streamed() -> dict:  # the tables in `lazy` as rows that come from an iterator, once
        return {key: digest.Rows(iter(value)) if key in lazy else value for key, value in snapshot.items()}

    before, digest.ROWS_AT_ONCE = digest.ROWS_AT_ONCE, at_once
    try:
        assert "".join(digest.pieces(streamed())) == canonical(snapshot)
        assert digest.of(streamed()) == _old(snapshot)
    finally:
        digest.ROWS_AT_ONCE = before


COLUMNS = ("round", "stage", "post", "ballot", "text", "reason")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(*[values] * len(COLUMNS)), max_size=12), st.sampled_from([1, 2, 5, 2000]))
def test_rows_given_as_tuples_hash_as_their_dicts(table, at_once):
    """Rows given as tuples of their columns' values (`Rows(rows, columns)`, the invalid marks
    of a count or a cursor) hash as the dicts of those columns: text, or anything a hand edit
    left (a number, NULL), which makes the rows dicts again."""
    dicts = [dict(zip(COLUMNS, row)) for row in table]
    before, digest.ROWS_AT_ONCE = digest.ROWS_AT_ONCE, at_once
    try:
        assert "".join(digest.pieces({"invalid_marks": digest.Rows(iter(table), COLUMNS)})) \
            == canonical({"invalid_marks": dicts})
    finally:
        digest.ROWS_AT_ONCE = before


def test_an_empty_table_and_the_chained_form_hash_as_before():
    fixed = {"post_results": [{"post": "P01", "blank": 0}], "results": [], "stages": [{"void_papers": None}]}
    assert digest.of({**fixed, "invalid_marks": digest.Rows(iter([]))}) == _old({**fixed, "invalid_marks": []})
    assert digest.of({**fixed, "invalid_marks": digest.Rows(iter([]), COLUMNS)}) == _old({**fixed, "invalid_marks": []})
    assert digest.chained(fixed, "ab" * 32) == _old({**fixed, "marks_sha256": "ab" * 32})


# -- a count stored and hashed: the same rows and digests as the dicts gave --------------------

POSTS = (Post("P01", "审计局局长", 1), Post("P02", "统计局副局长", 2))
ROSTER = (Candidate("C01", "张伟", None, ("P01",)), Candidate("C02", "李娜", None, ("P02",)),
          Candidate("C03", "王芳"), Candidate("C04", "刘洋", None, ("P02",)))
LISTS = {"P01": ("C01", "C03"), "P02": ("C02", "C03", "C04")}
CELLS = ["张伟", "李娜", "王芳", "刘洋", "赵六", "张伟、王芳", "李娜;刘洋;王芳", "C09", "", "", "刘\u200b洋"]
papers = st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(CELLS), st.sampled_from(["", "", "废票"]),
                            st.sampled_from(["领导干部", "一般干部"])), min_size=1, max_size=25)


def _count(items, overvote: str, weighted: bool):
    stage = Stage("rec1", "recommend", "民主推荐", electorate=99, overvote=overvote, max_marks=1,
                  categories=(("领导干部", F(2)), ("一般干部", F(1))) if weighted else (), candidates="roster")
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    header = ["票号", "审计局局长", "统计局副局长", "废票"] + (["类别"] if weighted else [])
    table = [(i + 2, [f"{i + 1:03d}", p1, p2, void] + ([cat] if weighted else []))
             for i, (p1, p2, void, cat) in enumerate(items)]
    counter = Count(stage, POSTS, LISTS, Resolver(ROSTER), {c.id: c for c in ROSTER})
    for ballot in interpret(paper, "rec1.csv", header, table, "wide"):
        counter.add(ballot)
    return counter.result


def _store(tmp_path) -> Store:
    store = Store(tmp_path / "s.db", create=True)
    with store.write():
        store.conn.execute("INSERT INTO stages (round, stage) VALUES ('r', 'rec1')")
    return store


def _old_save(round_id: str, count, batch_of) -> tuple[list[tuple], list[tuple], str]:
    """What save_count stored and count_digest recorded before (from Store.snapshot_rows)."""
    snapshot = Store.snapshot_rows(round_id, count)
    batch = (batch_of or {}).get
    for table in ("invalid_marks", "void_papers"):
        if batch_of is not None:
            snapshot[table].sort(key=lambda r: batch(r["ballot"]) or 0)
    marks = [(*r.values(), batch(r["ballot"])) for r in snapshot["invalid_marks"]]
    voids = [(*r.values(), batch(r["ballot"])) for r in snapshot["void_papers"]]
    hashed = {"post_results": sorted(snapshot["post_results"], key=itemgetter("post")),
              "results": sorted(snapshot["results"], key=itemgetter("post", "candidate")),
              "stages": [{"void_papers": count.void_papers}], "invalid_marks": snapshot["invalid_marks"]}
    return marks, voids, _old(hashed)


@settings(max_examples=60, deadline=None)
@given(papers, st.sampled_from(["void-post", "void-ballot"]), st.booleans(), st.data())
def test_a_count_is_stored_and_hashed_as_the_dicts_were(tmp_path_factory, items, overvote, weighted, data):
    count = _count(items, overvote, weighted)
    numbers = sorted({m.ballot for pc in count.posts.values() for m in pc.invalid_marks}
                     | {b for b, _, _ in count.voided})
    # each paper with an invalid mark or a void entry in one of three batches (a tally of three
    # files in one command), or no batches at all (the rows of a tally before m014)
    batch_of = data.draw(st.one_of(st.none(), st.fixed_dictionaries({n: st.sampled_from([7, 8, 9]) for n in numbers})))
    store = _store(tmp_path_factory.mktemp("db"))
    with store.write():
        saved = store.save_count("r", count, batch_of)
        marks, voids, recorded = _old_save("r", count, batch_of)
        key = ["r", "rec1"]
        assert store.conn.execute("SELECT round, stage, post, ballot, text, reason, batch FROM invalid_marks "
                                  "WHERE round = ? AND stage = ? ORDER BY rowid", key).fetchall() == marks
        assert store.conn.execute("SELECT round, stage, ballot, post, reason, batch FROM void_papers "
                                  "WHERE round = ? AND stage = ? ORDER BY rowid", key).fetchall() == voids
        assert Store.count_digest("r", count, saved) == recorded  # what the tally event records
        assert Store.count_digest("r", count) == _old_save("r", count, None)[2]
        # read back: the streamed digest of the stored rows, and the whole snapshot as dicts
        assert store.results_digest("r", "rec1") == recorded == _old(store.snapshot("r", "rec1"))
        assert list(store.snapshot_stream("r", "rec1", "invalid_marks")) == store.snapshot("r", "rec1")["invalid_marks"]
        assert list(store.snapshot_stream("r", "rec1", "void_papers")) == store.select(
            "void_papers", "round = ? AND stage = ?", ["r", "rec1"], "rowid", ("round", "stage", "ballot", "post", "reason"))
    store.close()
