"""`audit verify` of inspect and notice stages: re-read findings and 民主测评, recheck the notice.

The round goes through a veto with a backfill decided at the cut (the proposed candidate's files
could only be recorded after the veto), a concern kept by decision, 民主测评 in two files (the
second with its unit, 应到 and 实到), a vote, and a notice with one complaint.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from stagehelp import (
    all_clear, events, findings, good_evaluation, ready_for_inspection, write_csv,
)

_BUILT: dict[str, Path] = {}
FILES = ("rec1.csv", "findings-1.csv", "evaluation-1.csv", "findings-2.csv", "evaluation-2.csv",
         "vote1.csv")


def _build(run, tmp: Path) -> None:
    ready_for_inspection(run, tmp)
    r = run("inspect", "inspect",
            findings(tmp / "findings-1.csv", [
                ("张伟", "纪检", "通过", ""), ("张伟", "信访", "通过", ""),
                ("王芳", "纪检", "否决", "有违纪线索，正在立案审查"),
                ("李娜", "纪检", "通过", ""), ("李娜", "信访", "关注", "来信反映，已查清"),
                ("杨军", "纪检", "通过", ""), ("杨军", "信访", "通过", ""),
                ("赵磊", "纪检", "通过", ""), ("赵磊", "信访", "通过", ""),
                ("黄敏", "纪检", "通过", ""), ("黄敏", "信访", "通过", "")]),
            good_evaluation(tmp / "evaluation-1.csv", ["C01", "C03", "C06", "C07", "C08"]))
    assert r.exit_code == 0, r.stderr
    # 刘洋 (C04) comes in by 递补 after 王芳's veto: only then may he be inspected.
    r = run("inspect", "inspect", all_clear(tmp / "findings-2.csv", ["C04"]),
            good_evaluation(tmp / "evaluation-2.csv", ["C04"], start=10),
            "--unit", "审计局机关", "--expected", "4", "--present", "3")
    assert r.exit_code == 0, r.stderr
    r = run("inspect", "inspect", "--keep", "C03", "--reason", "来信反映问题已查清")
    assert r.exit_code == 0, r.stderr
    r = run("cut", "inspect", "--backfill", "P01=C04", "--reason", "部务会研究决定递补")
    assert r.exit_code == 0, r.stderr
    rows = [[f"{i:02d}", "张伟" if i <= 6 else "李娜", "杨军" if i <= 7 else "赵磊"] for i in range(1, 10)]
    r = run("tally", "vote1", write_csv(tmp / "vote1.csv", [["票号", "审计局局长", "统计局局长"], *rows], "gb18030"),
            "--present", "9", "--issued", "9")
    assert r.exit_code == 0, r.stderr
    assert run("cut", "vote1").exit_code == 0
    assert run("notice", "notice", "open", "--start", "2026-04-30").exit_code == 0  # ends 2026-05-09
    r = run("notice", "notice", "complaint", "--received", "2026-05-06", "--candidate", "杨军",
            "--summary", "反映其个人事项报告不实", "--named")
    assert r.exit_code == 0, r.stderr
    r = run("notice", "notice", "resolve", "1", "--outcome", "unfounded", "--note", "经核查不属实")
    assert r.exit_code == 0, r.stderr
    r = run("notice", "notice", "close")
    assert r.exit_code == 0, r.stderr


@pytest.fixture
def noticed(run, tmp_path, tmp_path_factory) -> Path:
    """The round above, built once through the CLI and copied for each test (tests edit it)."""
    if "dir" not in _BUILT:
        keep = tmp_path_factory.mktemp("noticed")
        _build(run, tmp_path)
        for name in ("selector.db", *FILES):
            shutil.copy(tmp_path / name, keep / name)
        _BUILT["dir"] = keep
        return tmp_path
    for name in ("selector.db", *FILES):
        shutil.copy(_BUILT["dir"] / name, tmp_path / name)
    return tmp_path


def tamper(sql: str) -> None:
    """Edit the database as someone with the file and the sqlite3 shell would."""
    conn = sqlite3.connect("selector.db")
    conn.execute(sql)
    assert conn.total_changes >= 1, sql
    conn.commit()
    conn.close()


def test_an_honest_round_verifies_with_inspection_and_notice(run, noticed):
    r = run("audit", "verify", "--files", noticed)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("all hold")
    assert "2 stages recounted from 29 stored ballots" in lines[0]
    assert "4 inspection files re-read" in lines[0]
    assert "1 notice with 1 complaint rechecked" in lines[0]
    assert "4 cuts rechecked" in lines[0]
    assert "6 files re-hashed" in lines[0]  # rec1, vote1 and the four inspection files


def test_the_inspect_event_records_each_files_rows_digest(run, noticed):
    logged = [d for c, s, d in events(noticed) if c == "inspect"]
    entries = [f for d in logged for f in d["files"]]
    assert [Path(f["file"]).name for f in entries] == ["findings-1.csv", "evaluation-1.csv",
                                            "findings-2.csv", "evaluation-2.csv"]
    assert all(len(f["rows_sha256"]) == 64 for f in entries)


TAMPERING = [
    ("finding verdict",
     "UPDATE findings SET verdict = 'veto' WHERE candidate = 'C03' AND check_name = '信访'",
     ["stage inspect: table findings, row C03/信访: verdict is 'veto' in the database, 'concern' on recount"]),
    ("finding note",
     "UPDATE findings SET note = '' WHERE candidate = 'C02'",
     ["stage inspect: table findings, row C02/纪检: note is '' in the database"]),
    ("evaluation grade",
     "UPDATE evaluation_grades SET grade = '不称职' WHERE ballot = 'CP001' AND candidate = 'C01'",
     ["stage inspect: table evaluation_grades, row CP001/C01: grade is '不称职' in the database, "
      "'优秀' on recount"]),
    ("evaluation paper removed",
     "DELETE FROM evaluation_papers WHERE ballot = 'CP011'",
     ["stage inspect: table evaluation_papers, row CP011: missing from the database"]),
    ("inspection file raw row",
     "UPDATE inspection_files SET rows = replace(rows, '否决', '通过') WHERE file = 'findings-1.csv'",
     ["stage inspect: table inspection_files, row 1 (findings-1.csv): the stored raw rows differ "
      "from those inspect event",
      "stage inspect: table findings, row C02/纪检: verdict is 'veto' in the database, 'clear' on recount",
      # Without the veto nobody is backfilled, so 刘洋's files could not have been recorded.
      "stage inspect: table inspection_files, row 3 (findings-2.csv): the stored raw rows no longer "
      "read as inspect read them: findings-2.csv: row 2, column 1 (候选人): '刘洋' (C04) is not being "
      "inspected"]),
    ("inspection file header",
     "UPDATE inspection_files SET header = '[\"票号\", \"王芳\"]' WHERE file = 'evaluation-2.csv'",
     ["stage inspect: table inspection_files, row 4 (evaluation-2.csv): the stored raw rows differ",
      "stage inspect: table evaluation_grades, row CP010/C04: in the database but not in the recount",
      "stage inspect: table evaluation_grades, row CP010/C02: missing from the database"]),
    ("inspect cut row",
     "UPDATE cuts SET advanced = '[\"C01\",\"C02\",\"C03\"]' WHERE stage = 'inspect' AND post = 'P01'",
     ["stage inspect: table cuts, row P01: advanced is ['C01', 'C02', 'C03'] in the database, "
      "['C01', 'C03', 'C04'] from the re-read findings"]),
    ("notice end date",
     "UPDATE notices SET \"end\" = '2026-05-08' WHERE stage = 'notice'",
     ["stage notice: table notices, row notice: end is '2026-05-08' in the database, '2026-05-09' in "
      "notice open event",
      "stage notice: table notices, row notice: end is '2026-05-08' in the database, but 5 working days "
      "from 2026-04-30 end on 2026-05-09"]),
    ("complaint outcome",
     "UPDATE complaints SET outcome = 'serious' WHERE stage = 'notice' AND number = 1",
     ["stage notice: table complaints, row 1: outcome is 'serious' in the database, complaint resolved "
      "event #",
      "stage notice: table cuts, row P02: stored ok ['C06'], but the complaints' outcomes give unfilled []"]),
    ("complaint received",
     "UPDATE complaints SET received = '2026-05-12' WHERE stage = 'notice' AND number = 1",
     ["stage notice: table complaints, row 1: received is '2026-05-12' in the database, complaint event"]),
    ("vote1 cut under the notice",
     "UPDATE cuts SET advanced = '[\"C03\"]' WHERE stage = 'vote1' AND post = 'P01'",
     ["stage vote1: table cuts, row P01: advanced is ['C03'] in the database",
      "stage notice: table notices, row notice: notice open event #10 gave notice of "
      "{'P01': ['C01'], 'P02': ['C06']}, but the list locked before it is {'P01': ['C03'], 'P02': ['C06']}"]),
    ("earlier cuts removed",
     "DELETE FROM cuts WHERE stage IN ('rec1', 'vote1')",
     ["stage inspect: cannot re-read the inspection: stage inspect takes its candidates from stage rec1",
      "stage notice: cannot recheck the notice's list: stage notice takes its candidates from stage vote1"]),
    # metadata: each stored value is held to the event that wrote it
    ("notice time", "UPDATE notices SET at = '2026-01-01T00:00:00+00:00' WHERE stage = 'notice'",
     ["stage notice: table notices, row notice: at is '2026-01-01T00:00:00+00:00' but notice open event #"]),
    ("complaint time", "UPDATE complaints SET at = '2026-01-01T00:00:00+00:00' WHERE number = 1",
     ["stage notice: table complaints, row 1: at is '2026-01-01T00:00:00+00:00' but complaint event #"]),
    ("complaint resolved time", "UPDATE complaints SET resolved_at = '2026-01-01T00:00:00+00:00' WHERE number = 1",
     ["stage notice: table complaints, row 1: resolved_at is '2026-01-01T00:00:00+00:00' but complaint "
      "resolved event #"]),
    ("inspection file time", "UPDATE inspection_files SET at = '2026-01-01T00:00:00+00:00' WHERE id = 2",
     ["stage inspect: table inspection_files, row 2 (evaluation-1.csv): at is '2026-01-01T00:00:00+00:00' "
      "but inspect event #"]),
    ("inspection file sheet", "UPDATE inspection_files SET sheet = 'Sheet2' WHERE id = 1",
     ["stage inspect: table inspection_files, row 1 (findings-1.csv): sheet is 'Sheet2' but inspect event #"]),
    ("inspection file event", "UPDATE inspection_files SET event = NULL WHERE id = 3",
     ["stage inspect: table inspection_files, row 3 (findings-2.csv): event is None but inspect event #"]),
    ("民主测评 attendance", "UPDATE inspection_files SET present = 4 WHERE file = 'evaluation-2.csv'",
     ["stage inspect: table inspection_files, row 4 (evaluation-2.csv): present is 4 but inspect event #"]),
    ("decision on a concern", "UPDATE settlements SET decision = 'strike' WHERE candidate = 'C03'",
     ["stage inspect: table settlements, row 6: decision is 'strike' in the database, 'keep' on recount"]),
    ("decision on a concern removed", "DELETE FROM settlements",
     ["stage inspect: table settlements, row 6: missing from the database (the recount has it)"]),
    ("attendance on an inspect stage", "UPDATE stages SET present = 40 WHERE stage = 'inspect'",
     ["stage inspect: table stages: present is 40, but inspect stages record none"]),
    ("certificate on a notice", "UPDATE stages SET certified_at = '2026-05-10' WHERE stage = 'notice'",
     ["stage notice: table stages: certified_at is '2026-05-10', but notice stages record none"]),
    ("notice cut row",
     "UPDATE cuts SET status = 'unfilled', advanced = '[]' WHERE stage = 'notice' AND post = 'P02'",
     ["stage notice: table cuts, row P02: stored unfilled [], but the complaints' outcomes give ok ['C06']"]),
]


@pytest.mark.parametrize("sql, expected", [t[1:] for t in TAMPERING], ids=[t[0] for t in TAMPERING])
def test_an_edited_row_fails_verify_naming_stage_and_table(run, noticed, sql, expected):
    tamper(sql)
    r = run("audit", "verify")
    assert r.exit_code == 3, r.stdout + r.stderr
    assert r.stdout == ""
    for text in expected:
        assert text in r.stderr, r.stderr.splitlines()
    assert "Traceback" not in r.stderr


def test_a_changed_inspection_file_is_found_with_files(run, noticed):
    path = noticed / "findings-1.csv"
    path.write_bytes(path.read_bytes().replace("否决".encode("gb18030"), "通过".encode("gb18030")))
    r = run("audit", "verify", "--files", noticed)
    assert r.exit_code == 3
    assert "stage inspect: file findings-1.csv (inspection_files row 1): changed since it was recorded" in r.stderr
    (noticed / "evaluation-2.csv").unlink()
    r = run("audit", "verify", "--files", noticed)
    assert "stage inspect: file evaluation-2.csv (inspection_files row 4): not found under" in r.stderr


def test_a_raw_row_edited_with_the_file_at_hand_is_named_by_its_line(run, noticed):
    """The stored raw rows against the original file, line by line (and the digest, and the
    findings): an edit of the rows *and* the findings still shows."""
    tamper("UPDATE inspection_files SET rows = replace(rows, '关注', '通过') WHERE file = 'findings-1.csv'")
    tamper("UPDATE findings SET verdict = 'clear' WHERE candidate = 'C03' AND check_name = '信访'")
    r = run("audit", "verify", "--files", noticed)
    assert r.exit_code == 3
    assert ("stage inspect: table inspection_files, row 1 (findings-1.csv), row 6: "
            "李娜,信访,通过,来信反映，已查清 in the database, 李娜,信访,关注,来信反映，已查清 in the file") in r.stderr
    assert "the stored raw rows differ from those inspect event" in r.stderr
    assert "stage inspect: table findings" not in r.stderr  # rows and findings agree with each other


def test_stored_rows_that_no_longer_decode_are_a_difference(run, noticed):
    tamper("UPDATE inspection_files SET rows = 'not json' WHERE file = 'evaluation-1.csv'")
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "stage inspect: table inspection_files, row 2 (evaluation-1.csv): the stored raw rows no longer read" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_round_summary_before_any_inspection_is_unchanged(run, tmp_path):
    ready_for_inspection(run, tmp_path)
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "inspection" not in r.stdout and "notice" not in r.stdout
    assert "1 stage recounted from 20 stored ballots, 1 cut rechecked" in r.stdout
    assert json.loads(run("status", "--json").stdout)["stages"][1]["state"] == "ready"
