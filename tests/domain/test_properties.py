"""Properties of counting and cuts that must hold for any ballots (hypothesis)."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from selector.domain.counting import Ballot, count_stage
from selector.domain.cuts import cut_post
from selector.domain.model import Candidate, Cut, Post, Stage, Threshold, normalize

POSTS = (Post("P01", "审计局局长", 1), Post("P02", "统计局副局长", 2))
ROSTER = (Candidate("C01", "张伟", "张伟(审计)", ("P01",)), Candidate("C02", "张伟", "张伟(统计)", ("P02",)),
          Candidate("C03", "李娜"), Candidate("C04", "王芳", None, ("P01",)), Candidate("C05", "刘洋"))
LISTS = {"P01": ("C01", "C03", "C04"), "P02": ("C02", "C03", "C05")}
TEXTS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "C03", "赵六", "王 芳"]
CATEGORIES = (("领导干部", F(2)), ("一般干部", F(1)))

marks = st.lists(st.sampled_from(TEXTS), max_size=4).map(tuple)
papers = st.builds(lambda p1, p2, cat, void: (p1, p2, cat, void), marks, marks,
                   st.sampled_from(["领导干部", "一般干部"]), st.sampled_from([None, None, None, "撕毁"]))
stages = st.builds(lambda overvote, max_marks, weighted: Stage(
    "rec1", "recommend", "推荐", electorate=99, overvote=overvote, max_marks=max_marks,
    categories=CATEGORIES if weighted else (), candidates="roster"),
    st.sampled_from(["void-post", "void-ballot"]), st.sampled_from([None, 1, 2, 3]), st.booleans())


def ballots_of(items):
    return [Ballot(str(i), cat, void, {"P01": p1, "P02": p2}) for i, (p1, p2, cat, void) in enumerate(items)]


def summary(count):
    return {pid: (pc.returned, pc.void, pc.blank, pc.weighted_valid, pc.overvotes,
                  {c: (cc.votes, cc.weighted, tuple(sorted(cc.by_category.items())))
                   for c, cc in pc.counts.items() if cc.votes},
                  sorted((m.ballot, normalize(m.text), m.reason) for m in pc.invalid_marks))
            for pid, pc in count.posts.items()}


@settings(max_examples=150, deadline=None)
@given(stages, st.lists(papers, max_size=25), st.randoms(use_true_random=False))
def test_ballot_order_does_not_change_a_tally(stage, items, rnd):
    ballots = ballots_of(items)
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    first = count_stage(stage, POSTS, LISTS, ROSTER, ballots)
    second = count_stage(stage, POSTS, LISTS, ROSTER, shuffled)
    assert summary(first) == summary(second)


@settings(max_examples=150, deadline=None)
@given(stages, st.lists(papers, max_size=25))
def test_votes_accounting(stage, items):
    count = count_stage(stage, POSTS, LISTS, ROSTER, ballots_of(items))
    for pid, pc in count.posts.items():
        assert pc.returned == len(items) == count.returned
        assert pc.valid + pc.void == pc.returned
        assert 0 <= pc.blank <= pc.valid
        assert count.void_papers <= pc.void
        limit = stage.marks_allowed(pc.post)
        for cid, cc in pc.counts.items():
            assert cid in LISTS[pid]
            assert cc.votes <= pc.valid
            share = pc.share(cid)
            assert 0 <= share <= 1 and isinstance(share, F)
        assert sum(cc.votes for cc in pc.counts.values()) <= limit * pc.valid


scores = st.dictionaries(st.sampled_from([f"C{i:02d}" for i in range(12)]),
                         st.fractions(min_value=0, max_value=1, max_denominator=12), max_size=12)


@settings(max_examples=300, deadline=None)
@given(scores, st.integers(1, 3), st.integers(1, 3), st.sampled_from(["hold", "widen", "lot"]),
       st.sampled_from(["hold", "accept"]), st.sampled_from([None, "1/10", "1/3"]))
def test_a_cut_never_advances_more_than_k_unless_widened(scores, ratio, seats, ties, shortfall, min_share):
    rule = Cut(ratio, (("rec1", F(1)),), Threshold(">=", F(min_share or 0)), ties, shortfall)
    result = cut_post("P01", seats, rule, scores, {}, None, seed="s/rec1/P01")
    k = ratio * seats
    assert result.k == k
    eligible = [s for s in result.standings if s.eligible]
    if result.held:
        assert result.advanced == () and result.status in ("tied", "short")
    elif result.decision == "widened":
        assert len(result.advanced) > k
        assert {scores[c] for c in result.advanced[k - 1:]} == {result.tie.score}
    else:
        assert len(result.advanced) <= k
        assert len(result.advanced) == min(k, len(eligible))
    # every advanced candidate is eligible, and nobody eligible scores above an advanced one and stays out
    assert all(scores[c] > 0 for c in result.advanced)
    if result.advanced:
        lowest = min(scores[c] for c in result.advanced)
        assert all(s.candidate in result.advanced for s in eligible if s.score > lowest)
    ranks = [s.rank for s in result.standings]
    assert ranks == sorted(ranks) and (not ranks or ranks[0] == 1)


# -- files: the same papers in every container and layout give the same tally -------------------

SEPARATORS = [";", "；", "、", ",", "，", "|"]


@settings(max_examples=15, deadline=None)
@given(st.lists(papers, min_size=1, max_size=12), st.sampled_from(SEPARATORS), st.randoms(use_true_random=False))
def test_wide_long_csv_xlsx_agree(tmp_path_factory, items, sep, rnd):
    from selector.readers.ballots import Paper, interpret
    from selector.readers.tables import open_table
    from selector.domain.counting import Resolver
    from support import write_csv, write_xlsx

    stage = Stage("rec1", "recommend", "推荐", electorate=99, categories=CATEGORIES, candidates="roster",
                  max_marks=3)
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    wide = [["ballot", "category", "审计局局长", "P02", "void"]]
    long = [["ballot", "category", "post", "candidate", "void"]]
    for i, (p1, p2, cat, void) in enumerate(items):
        wide.append([str(i), cat, sep.join(p1), sep.join(p2), void or ""])
        rows = [[str(i), cat, pid, text, void or ""] for pid, texts in (("P01", p1), ("P02", p2))
                for text in texts] or [[str(i), cat, "", "", void or ""]]
        long.extend(rows)
    body = long[1:]
    rnd.shuffle(body)  # a long file's rows may come in any order
    long = long[:1] + body
    where = tmp_path_factory.mktemp("files")
    files = [(write_csv(where / "w.csv", wide, "gb18030"), "wide"), (write_xlsx(where / "w.xlsx", wide), "wide"),
             (write_csv(where / "l.csv", long, "utf-8", bom=True), "long")]
    expected = summary(count_stage(stage, POSTS, LISTS, ROSTER, ballots_of(items)))
    for path, layout in files:
        with open_table(path) as table:
            ballots = list(interpret(paper, table.name, table.header, table.rows, layout))
        assert summary(count_stage(stage, POSTS, LISTS, ROSTER, ballots)) == expected, (path.name, layout)


# -- malformed input never crashes: it is read, or refused with a BallotFileError ----------------

HEADERS = ["ballot", "category", "void", "P01", "审计局局长", "P02", "post", "candidate", "choice", "张伟",
           "张伟(审计)", "P01/李娜", "李娜", "", "备注", "票号"]
CELLS = ["", "1", "2", "同意", "N", "废", "领导干部", "一般干部", "群众", "王芳;李娜", "张伟", "P01", "赵六",
         "\u3000", "x\"y", "a,b", "\x00"]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(HEADERS), max_size=6),
       st.lists(st.lists(st.sampled_from(CELLS), max_size=7), max_size=6),
       st.sampled_from(["rec1", "vote1"]), st.sampled_from(["wide", "long"]), st.booleans(), st.binary(max_size=40))
def test_malformed_files_are_refused_not_crashed(tmp_path_factory, header, rows, stage_id, layout, gbk, noise):
    from selector.readers.ballots import Paper, interpret
    from selector.readers.tables import open_table
    from selector.domain.counting import Resolver
    from selector.errors import BallotFileError
    from support import write_csv

    stage = (Stage("rec1", "recommend", "推荐", electorate=99, categories=CATEGORIES, candidates="roster")
             if stage_id == "rec1" else Stage("vote1", "vote", "票决", members=9, form="approve"))
    paper = Paper(stage, POSTS, LISTS, Resolver(ROSTER))
    where = tmp_path_factory.mktemp("fuzz")
    path = write_csv(where / "f.csv", [header, *rows], "gb18030" if gbk else "utf-8")
    if noise:
        (where / "n.csv").write_bytes(path.read_bytes() + noise)
        path = where / "n.csv"
    try:
        with open_table(path) as table:
            ballots = list(interpret(paper, table.name, table.header, table.rows, layout))
    except BallotFileError as e:
        assert e.message.startswith(f"{path}: ")
        return
    count = count_stage(stage, POSTS, LISTS, ROSTER, ballots)
    assert count.returned == len(ballots)
