"""Flat batches (issue 17, m014_flat_batches): a batch into a counted stage appends its own
invalid marks and void papers — the rows of earlier batches stay where they are — and its
tally event records the chained results digest, which `audit verify` holds the stored rows to;
a withdrawal leaves the rows a fresh tally of the batches left would."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from audit_data import papers_csv, tamper, write_round

# 审计局局长 (P01: 张伟, 王芳, 李强), 统计局局长 (P02: 刘洋, 陈静, 杨帆); 赵六 stands for nothing,
# 刘洋 not for P01 (invalid marks); two names for one seat void the post on that paper.
BATCHES = {
    "一组.csv": [("0001", "张伟", "刘洋"), ("0002", "赵六", "陈静"), ("0003", "张伟；王芳", "杨帆")],
    "二组.csv": [("0004", "王芳", "赵六"), ("0005", "刘洋", "刘洋"), ("0006", "李强", "陈静；杨帆")],
    "三组.csv": [("0007", "张伟", "张伟"), ("0008", "王芳", "陈静"), ("0009", "赵六", "")],
    "四组.csv": [("0010", "李强", "赵六"), ("0011", "张伟；李强", "刘洋"), ("0012", "王芳", "王芳")],
}


def files(folder: Path) -> dict[str, Path]:
    out = folder / "ballots"
    out.mkdir(exist_ok=True)
    return {name: papers_csv(out / name, rows) for name, rows in BATCHES.items()}


def tally(run, db: str, paths, first: bool) -> None:
    args = ("--present", "50", "--issued", "50") if first else ()
    r = run("--db", db, "tally", "rec1", *paths, *args)
    assert r.exit_code == 0, r.stderr


def rows(db: str, table: str) -> list[tuple]:
    """The stage's rows in stored order, each with the file of its batch (ids differ by database)."""
    conn = sqlite3.connect(db)
    cols = {"invalid_marks": "m.post, m.ballot, m.text, m.reason", "void_papers": "m.ballot, m.post, m.reason"}[table]
    try:
        return conn.execute(f"SELECT {cols}, b.file FROM {table} m LEFT JOIN batches b ON b.id = m.batch "
                            "WHERE m.stage = 'rec1' ORDER BY m.rowid").fetchall()
    finally:
        conn.close()


def tallies(db: str) -> list[dict]:
    conn = sqlite3.connect(db)
    try:
        return [json.loads(d) for (d,) in conn.execute(
            "SELECT details FROM events WHERE command = 'tally' AND stage = 'rec1' ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def four(run, tmp_path) -> dict[str, Path]:
    """rec1 of the audit round tallied from four files, one command each."""
    assert run("init", write_round(tmp_path)).exit_code == 0
    paths = files(tmp_path)
    for i, path in enumerate(paths.values()):
        tally(run, "selector.db", [path], i == 0)
    return paths


def test_a_later_batch_appends_its_rows_and_leaves_the_earlier_ones_where_they_are(run, tmp_path):
    assert run("init", write_round(tmp_path)).exit_code == 0
    paths = list(files(tmp_path).values())
    tally(run, "selector.db", paths[:1], True)
    conn = sqlite3.connect("selector.db")
    query = "SELECT rowid, * FROM {} WHERE stage = 'rec1' ORDER BY rowid"
    first = {t: conn.execute(query.format(t)).fetchall() for t in ("invalid_marks", "void_papers")}
    assert [r[4] for r in first["invalid_marks"]] == ["0002"] and [r[3] for r in first["void_papers"]] == ["0003"]
    assert all(r[-1] == 1 for t in first.values() for r in t)  # the batch of each
    conn.close()
    for path in paths[1:]:
        tally(run, "selector.db", [path], False)
    conn = sqlite3.connect("selector.db")
    later = {t: conn.execute(query.format(t)).fetchall() for t in ("invalid_marks", "void_papers")}
    conn.close()
    for table, before in first.items():
        assert later[table][:len(before)] == before  # same rowids, same rows: never rewritten
        assert [r[-1] for r in later[table]] == sorted(r[-1] for r in later[table])  # batch after batch
    assert {r[-1] for r in later["invalid_marks"]} == {1, 2, 3, 4}


def test_later_tallies_record_the_chained_digest_and_verify_holds_to_it(run, four):
    from selector.storage.store import Store

    details = tallies("selector.db")
    assert ["marks_sha256" in d for d in details] == [False, True, True, True]
    store = Store("selector.db")
    head = store.marks_head("dongtai-2026", "rec1")
    assert details[-1]["marks_sha256"] == head
    assert details[-1]["results_sha256"] == store.results_digest("dongtai-2026", "rec1", chained=True)
    assert details[-1]["results_sha256"] != store.results_digest("dongtai-2026", "rec1")
    store.close()
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "12 stored ballots" in r.stdout


@pytest.mark.parametrize("sql, expected", [
    # an invalid mark of the first batch, edited: the recount and the chained digest both see it
    ("UPDATE invalid_marks SET text = '张伟' WHERE stage = 'rec1' AND ballot = '0002'",
     ["stage rec1: results: the stored results differ from those tally event #5 recorded",
      "stage rec1: table invalid_marks, row P01/0002/张伟: in the database but not in the recount",
      "stage rec1: table invalid_marks, row P01/0002/赵六: missing from the database"]),
    # a mark filed under another batch: the chain, and the batch its ballot came in
    ("UPDATE invalid_marks SET batch = 4 WHERE stage = 'rec1' AND ballot = '0002'",
     ["stage rec1: results: the stored results differ from those tally event #5 recorded",
      "stage rec1: table invalid_marks, row P01/0002/赵六: batch is 4 in the database, 1 on recount"]),
    ("UPDATE invalid_marks SET batch = NULL WHERE stage = 'rec1' AND ballot = '0005'",
     ["stage rec1: results: the stored results differ from those tally event #5 recorded"]),
    # a void paper's reason, and a result row
    ("UPDATE void_papers SET reason = '撕毁' WHERE stage = 'rec1' AND ballot = '0003'",
     ["stage rec1: results: the stored results differ from those tally event #5 recorded",
      "stage rec1: table void_papers, row 0003/P01: reason is '撕毁' in the database, 'overvote' on recount"]),
    ("UPDATE results SET votes = votes + 1 WHERE stage = 'rec1' AND candidate = 'C01'",
     ["stage rec1: results: the stored results differ from those tally event #5 recorded",
      "stage rec1: table results, row P01/C01: votes is 3 in the database, 2 on recount"]),
])
def test_a_hand_edit_of_the_chained_rows_is_caught(run, four, sql, expected):
    tamper(sql)
    r = run("audit", "verify")
    assert r.exit_code == 3, r.stdout
    found = [line.strip() for line in r.stderr.splitlines()[1:]]
    for line in expected:
        assert any(f.startswith(line) for f in found), (line, found)


def test_withdrawing_a_batch_leaves_the_rows_a_fresh_tally_of_the_others_would(run, tmp_path):
    # abcd.db: four batches, the second withdrawn; acd.db: the other three one by one;
    # together.db: the other three in one command. Same rows, same order, same batches.
    assert run("--db", "abcd.db", "init", write_round(tmp_path)).exit_code == 0
    paths = files(tmp_path)
    for i, path in enumerate(paths.values()):
        tally(run, "abcd.db", [path], i == 0)
    r = run("--db", "abcd.db", "tally", "rec1", "--withdraw", "二组.csv", "--reason", "第二计票组重复录入")
    assert r.exit_code == 0, r.stderr
    left = [p for name, p in paths.items() if name != "二组.csv"]
    for db in ("acd.db", "together.db"):
        assert run("--db", db, "init", write_round(tmp_path)).exit_code == 0
    for i, path in enumerate(left):
        tally(run, "acd.db", [path], i == 0)
    tally(run, "together.db", left, True)
    for table in ("invalid_marks", "void_papers"):
        expected = rows("acd.db", table)
        assert {r[-1] for r in expected} == ({"一组.csv", "三组.csv", "四组.csv"} if table == "invalid_marks"
                                             else {"一组.csv", "四组.csv"})
        assert rows("abcd.db", table) == expected == rows("together.db", table)
    shown = [json.loads(run("--db", db, "show", "rec1", "--json").stdout) for db in ("abcd.db", "acd.db")]
    for view in shown:
        view.pop("stage_batches"), view.pop("corrections", None)
    assert shown[0] == shown[1]
    # and a batch after the withdrawal chains on from the recount's rows
    extra = papers_csv(tmp_path / "ballots" / "五组.csv", [("0013", "赵六", "杨帆；刘洋")])
    for db in ("abcd.db", "acd.db"):
        tally(run, db, [extra], False)
        r = run("--db", db, "audit", "verify")
        assert r.exit_code == 0, r.stderr
    assert rows("abcd.db", "invalid_marks") == rows("acd.db", "invalid_marks")


def test_a_row_filed_under_another_batch_is_caught_after_a_first_batch_too(run, tmp_path):
    # one batch: its event records the whole snapshot's digest, which knows no batch; the
    # recount says which batch each ballot came in
    assert run("init", write_round(tmp_path)).exit_code == 0
    tally(run, "selector.db", list(files(tmp_path).values())[:2], True)  # two files, one command
    assert run("audit", "verify").exit_code == 0
    tamper("UPDATE void_papers SET batch = 1 WHERE stage = 'rec1' AND ballot = '0006'")
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1:] == [
        "  stage rec1: table void_papers, row 0006/P02: batch is 1 in the database, 2 on recount"]


def test_rows_stored_before_m014_are_chained_as_they_stand_by_the_next_batch(run, tmp_path):
    # rows from before m014_flat_batches know no batch (NULL); the first batch after it makes
    # the chain's head from them once, links its own rows on, and verify rebuilds the same
    assert run("init", write_round(tmp_path)).exit_code == 0
    paths = list(files(tmp_path).values())
    tally(run, "selector.db", paths[:2], True)
    tamper("UPDATE invalid_marks SET batch = NULL")
    tamper("UPDATE void_papers SET batch = NULL")
    assert run("audit", "verify").exit_code == 0  # the whole-snapshot digest knows no batch
    tally(run, "selector.db", paths[2:3], False)
    assert "marks_sha256" in tallies("selector.db")[-1]
    assert [r[-1] for r in rows("selector.db", "invalid_marks")] == [None] * 3 + ["三组.csv"] * 2
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    tamper("UPDATE invalid_marks SET reason = 'ineligible:P02' WHERE ballot = '0005' AND post = 'P01'")
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "the stored results differ from those tally event #3 recorded" in r.stderr
