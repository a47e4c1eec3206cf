"""`audit verify` names its differences in the interface language: each line a place and a
message from the catalog, the database's table and column names kept; in English, the lines as
they always were."""

from __future__ import annotations

import re

import pytest

from audit_data import tamper, tamper_row

ENGLISH = [
    "table events: the index on (round) was removed",
    "stage rec1: table batches, row 1 (rec1-a.csv): encoding is 'utf-8' but tally event #2 recorded "
    "'gb18030'",
    "stage rec1: table rows, batch 1 (rec1-a.csv): the stored ballot rows differ from those tally event #2 "
    "recorded",
    "stage rec1: results: the results differ from those certified in event #5",
    "stage rec1: table rows, batch 1 (rec1-a.csv): the stored rows no longer read as ballots: rec1-a.csv: row 4: "
    "2 cells but the header has 3 columns (the first missing is column 3, 统计局局长): a lost separator?",
    "stage rec1: table results, row P01/C01: votes is 5 in the database, 4 on recount",
    "stage rec1: table papers, ballot 0003: batch 1 in the database, None in the stored rows",
    "stage rec1: recount has 6 ballots returned, the log 10",
    "stage rec1: table cuts, row P01: reason is '无' in the database, '常委会2026年3月2日研究决定' in cut event #4",
    "stage rec1: table cuts, row P02: stored ok ['C04', 'C05'], but the recount gives ok ['C05', 'C04']",
]
CHINESE = [
    "表 events：（round）上的索引被删除了",
    "环节 rec1：表 batches，行 1（rec1-a.csv）：encoding 为 'utf-8'，但 tally 事件 #2 记录的是 'gb18030'",
    "环节 rec1：表 rows，批次 1（rec1-a.csv）：存储的选票行与 tally 事件 #2 记录的不同",
    # the refusal that stopped the recount is worded in Chinese too
    "环节 rec1：表 rows，批次 1（rec1-a.csv）：存储的行已无法读作选票：rec1-a.csv：第 4 行：",
    "环节 rec1：表 results，行 P01/C01：votes 在数据库中为 5，重新计票为 4",
    "环节 rec1：表 papers，票号 0003：数据库中为批次 1，存储的选票行中为 None",
    "环节 rec1：表 cuts，行 P01：reason 在数据库中为 '无'，在 cut 事件 #4 中为 "
    "'常委会2026年3月2日研究决定'",
]
# English words of a difference line (table, column and command names aside)
ENGLISH_WORDS = re.compile(r"\b(stage|table \w+, row|row|batch|in the database|on recount|recorded|event #|"
                           r"differ|missing|stored)\b")


@pytest.fixture
def tampered(tallied):
    tamper("UPDATE results SET votes = votes + 1 WHERE stage = 'rec1' AND candidate = 'C01'")
    tamper("UPDATE batches SET encoding = 'utf-8' WHERE id = 1")
    tamper("UPDATE cuts SET reason = '无' WHERE stage = 'rec1' AND post = 'P01'")
    tamper("DROP INDEX idx_events_round")
    tamper_row(1, 4, lambda t: "0003,王芳")
    return tallied


def _details(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines()[1:] if line.strip()]


def test_the_differences_are_worded_in_chinese(run, tampered, monkeypatch):
    monkeypatch.setenv("SELECTOR_LANG", "zh-CN")
    r = run("audit", "verify")
    assert r.exit_code == 3
    head, lines = r.stderr.splitlines()[0], _details(r.stderr)
    assert head.startswith("错误：audit verify：选拔 dongtai-2026：发现") and head.endswith("处差异")
    for text in CHINESE:
        assert any(line.startswith(text) for line in lines), (text, r.stderr)
    for line in lines:
        assert "环节" in line or "表" in line, line
        assert "：" in line and ": " not in line.split("：")[0], line  # the place, then "："
        assert not ENGLISH_WORDS.search(line), line
        assert "{" not in line, line
    assert len(lines) == len(_details(run("--lang", "en", "audit", "verify").stderr))


def test_the_differences_in_english_are_as_they_were(run, tampered):
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert r.stderr.startswith("error: audit verify: round dongtai-2026: ")
    lines = _details(r.stderr)
    for text in ENGLISH:
        assert text in lines, (text, r.stderr)


def test_a_difference_is_a_place_and_a_message_with_their_fields(run, tampered):
    """The report holds templates and fields, not sentences; `english()` is the English line."""
    from selector.audit.verify import verify
    from selector.errors import SelectorError, VerifyFailed
    from selector.storage.store import Store

    store = Store("selector.db")
    try:
        with pytest.raises(VerifyFailed) as caught:
            verify(store, None)
    finally:
        store.close()
    problems = caught.value.report.problems
    english = [p.english() for p in problems]
    for text in ENGLISH:
        assert text in english
    for p in problems:
        assert "{" in p.where, p.where  # a template, its fields apart
        assert p.where.format(**{k: "x" for k in p.fields}) and p.message.format(**{k: "x" for k in p.fields})
    stopped = [p for p in problems if any(isinstance(v, SelectorError) for v in p.fields.values())]
    assert stopped and stopped[0].message == "the stored rows no longer read as ballots: {error}"
