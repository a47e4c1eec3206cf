"""The record and its audit: certification, verify (with tampering), sample, compare, double entry."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import partial

import pytest

from audit_data import REC1, papers_csv, setup_rec1, tamper, tamper_row, write_round

def test_verify_passes_on_an_honest_record(run, tallied):
    r = run("audit", "verify", "--files", tallied)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "2 stages recounted from 20 stored ballots" in lines[0]
    assert "1 cut rechecked" in lines[0] and "3 files re-hashed" in lines[0]
    assert lines[0].endswith("all hold")


TAMPERING = [
    ("rows", partial(tamper_row, 1, 2, lambda t: t.replace("张伟", "王芳")), ["stage rec1: table rows, batch 1", "stage rec1: table results, row P01/C01"]),
    ("rows of vote1", partial(tamper_row, 3, 9, lambda t: t.replace("陈静", "刘洋")), ["stage vote1: table rows, batch 3"]),
    ("results", "UPDATE results SET votes = votes + 1 WHERE stage = 'rec1' AND candidate = 'C01'",
     ["stage rec1: table results, row P01/C01: votes is 5 in the database, 4 on recount"]),
    ("results of vote1", "UPDATE results SET votes = 4 WHERE stage = 'vote1' AND candidate = 'C05'",
     ["stage vote1: table results, row P02/C05"]),
    ("post_results", "UPDATE post_results SET blank = 0 WHERE stage = 'rec1' AND post = 'P02'",
     ["stage rec1: table post_results, row P02: blank is 0 in the database, 1 on recount"]),
    ("invalid_marks", "DELETE FROM invalid_marks WHERE stage = 'rec1'",
     ["stage rec1: table invalid_marks, row P02/0008/赵六: missing from the database"]),
    # the invalid marks and void papers are walked in key order beside the recount's; a row
    # added, doubled or changed is then named as compare_table names it
    ("invalid mark added", "INSERT INTO invalid_marks (round, stage, post, ballot, text, reason, batch) "
                           "SELECT round, stage, post, '0009', text, reason, batch FROM invalid_marks "
                           "WHERE stage = 'rec1'",
     ["stage rec1: table invalid_marks, row P02/0009/赵六: in the database but not in the recount"]),
    ("invalid mark doubled", "INSERT INTO invalid_marks (round, stage, post, ballot, text, reason, batch) "
                             "SELECT round, stage, post, ballot, text, reason, batch FROM invalid_marks "
                             "WHERE stage = 'rec1'",
     ["stage rec1: table invalid_marks, row P02/0008/赵六: 2 rows in the database, 1 on recount"]),
    ("invalid mark reason", "UPDATE invalid_marks SET reason = '字迹不清' WHERE stage = 'rec1'",
     ["stage rec1: table invalid_marks, row P02/0008/赵六: reason is '字迹不清' in the database, "]),
    ("void paper removed", "DELETE FROM void_papers WHERE stage = 'rec1'",
     ["stage rec1: table void_papers, row 0004/P01: missing from the database (the recount has it)"]),
    ("void paper added", "INSERT INTO void_papers (round, stage, ballot, post, reason, batch) "
                         "SELECT round, stage, '0001', post, reason, batch FROM void_papers WHERE stage = 'rec1'",
     ["stage rec1: table void_papers, row 0001/P01: in the database but not in the recount"]),
    ("papers", "UPDATE papers SET ballot = '0099' WHERE stage = 'rec1' AND ballot = '0001'",
     ["stage rec1: table papers, ballot 0001", "stage rec1: table papers, ballot 0099"]),
    ("batches", "UPDATE batches SET sha256 = '00' || substr(sha256, 3) WHERE id = 2",
     ["stage rec1: table batches, row 2 (rec1-b.csv): sha256"]),
    ("batch header", "UPDATE batches SET header = '[\"票号\", \"统计局局长\", \"审计局局长\"]' WHERE id = 1",
     ["stage rec1: table rows, batch 1"]),
    ("stages attendance", "UPDATE stages SET present = 60 WHERE stage = 'rec1'",
     ["stage rec1: table stages: present is 60 but the log records 50"]),
    ("stages void papers", "UPDATE stages SET void_papers = 2 WHERE stage = 'vote1'",
     ["stage vote1: table stages: void_papers is 2, recount 0"]),
    ("certificate", "UPDATE stages SET certified_at = NULL, certificate = NULL WHERE stage = 'rec1'",
     ["stage rec1: table stages: the certificate differs from certify event"]),
    ("cuts", "UPDATE cuts SET advanced = '[\"C01\",\"C03\"]', chosen = '[\"C03\"]' "
             "WHERE stage = 'rec1' AND post = 'P01'",
     ["stage rec1: table cuts, row P01: advanced is ['C01', 'C03'] in the database, ['C01', 'C02']"]),
    ("cut reason", "UPDATE cuts SET reason = '无' WHERE stage = 'rec1' AND post = 'P01'",
     ["stage rec1: table cuts, row P01: reason"]),
    ("lock", "UPDATE stages SET locked_at = NULL WHERE stage = 'rec1'",
     ["stage rec1: table stages: has a stored cut but is not locked"]),
    ("cells on a text chunk", "UPDATE row_chunks SET cells = '[]' WHERE batch = 1",
     ["stage rec1: table rows, batch 1 (rec1-a.csv): the stored ballot rows differ from those tally event #2",
      "stage rec1: table rows, batch 1 (rec1-a.csv): the stored rows no longer read as ballots: "
      "row chunk 1–7 holds both CSV text and JSON cells"]),
    ("text as bytes", "UPDATE row_chunks SET text = CAST(text AS BLOB) WHERE batch = 3",
     ["stage vote1: table rows, batch 3 (vote1.csv): the stored rows no longer read as ballots: "
      "row chunk 1–11 holds no CSV text or JSON cells"]),
    ("garbage cut", "UPDATE cuts SET advanced = 'C01 C02' WHERE stage = 'rec1' AND post = 'P01'",
     ["stage rec1: table cuts: stored data no longer reads (JSONDecodeError"]),
    ("garbage row", partial(tamper_row, 1, 4, lambda t: "0003,王芳"),
     ["stage rec1: table rows, batch 1 (rec1-a.csv): the stored rows no longer read"]),
    ("unparseable row", partial(tamper_row, 1, 4, lambda t: '"0003"王芳,'),
     ["stage rec1: table rows, batch 1 (rec1-a.csv): the stored ballot rows differ from those tally event #2",
      "stage rec1: table rows, batch 1 (rec1-a.csv): the stored rows no longer read as ballots: "
      "the CSV text of rows 1… no longer parses (',' expected after '\"')"]),
    ("garbage result", "UPDATE results SET weighted = '4.0' WHERE stage = 'rec1' AND candidate = 'C01'",
     ["stage rec1: table results, row P01/C01: weighted is '4.0' in the database, '4' on recount"]),
    # metadata: each stored value is held to the event that wrote it
    ("batch encoding", "UPDATE batches SET encoding = 'utf-8' WHERE id = 1",
     ["stage rec1: table batches, row 1 (rec1-a.csv): encoding is 'utf-8' but tally event #2 recorded 'gb18030'"]),
    ("batch sheet", "UPDATE batches SET sheet = '推荐票' WHERE id = 1",
     ["stage rec1: table batches, row 1 (rec1-a.csv): sheet is '推荐票' but tally event #2 recorded None"]),
    ("batch time", "UPDATE batches SET at = '2026-05-29T08:00:00+00:00' WHERE id = 2",
     ["stage rec1: table batches, row 2 (rec1-b.csv): at is '2026-05-29T08:00:00+00:00' but tally event "
      "#3 was written at '2026-05-28T20:26:40+00:00'"]),
    ("batch event", "UPDATE batches SET event = 3 WHERE id = 1",
     ["stage rec1: table batches, row 1 (rec1-a.csv): event is 3 but tally event #2 recorded 2"]),
    ("chunk last line", "UPDATE row_chunks SET last_line = 9 WHERE batch = 1",
     ["stage rec1: table rows, batch 1 (rec1-a.csv): row chunk 1–9 holds rows 1–7: its last_line was edited"]),
    ("lock time", "UPDATE stages SET locked_at = '2026-05-01T00:00:00+00:00' WHERE stage = 'rec1'",
     ["stage rec1: table stages: locked_at is '2026-05-01T00:00:00+00:00' but cut event #4 was written at"]),
    ("round title", "UPDATE rounds SET title = '东台市部分市直单位副职公推公选'",
     ["round dongtai-2026: table rounds: title is '东台市部分市直单位副职公推公选' but init event #1 recorded "
      "'东台市部分市直单位正职公推公选'"]),
    ("round time", "UPDATE rounds SET at = '2026-01-01T00:00:00+00:00'",
     ["round dongtai-2026: table rounds: at is '2026-01-01T00:00:00+00:00' but init event #1 was written at"]),
    ("reason on an undecided post", "UPDATE cuts SET reason = '常委会研究决定' WHERE stage = 'rec1' AND post = 'P02'",
     ["stage rec1: table cuts, row P02: reason is '常委会研究决定' in the database, None in cut event #4"]),
    ("unique index dropped", "DROP INDEX idx_batches_live_sha256",
     ["table batches: the unique index on (round, stage, sha256) was removed"]),
    ("events index dropped", "DROP INDEX idx_events_round",
     ["table events: the index on (round) was removed"]),
    ("exact times switched off", "UPDATE selector_meta SET value = 'x' WHERE key = 'exact_times_from'",
     ["table selector_meta: exact_times_from is not an event id up to 7"]),
    ("record's own table dropped", "DROP TABLE selector_meta",
     ["table selector_meta: missing from the database", "table selector_meta: exact_times_from is not"]),
    ("round row removed", "DELETE FROM rounds",
     ["round dongtai-2026: table rounds: the round's row is missing, but the log holds 6 events"]),
    ("stage row removed", "DELETE FROM stages WHERE stage = 'vote1'",
     ["stage vote1: stored data no longer reads (NotFound: no stage 'vote1' stored"]),
    ("event edited", "UPDATE events SET operator = '某人' WHERE command = 'cut'",
     ["(cut rec1): its content does not match its hash"]),
    ("event removed", "DELETE FROM events WHERE command = 'certify'",
     ["(tally vote1): does not link to the event before it", "stage rec1: table stages: marked certified"]),
    ("round file", "UPDATE round_files SET data = CAST(replace(CAST(data AS TEXT), '1:2', '1:3') AS BLOB)",
     ["round dongtai-2026: table round_files, row dongtai-2026.toml: content does not match",
      "nothing was recounted"]),
    ("round file and its hash", "UPDATE round_files SET data = CAST(replace(CAST(data AS TEXT), '1:2', '1:3') "
                                "AS BLOB), sha256 = 'x'",
     ["round dongtai-2026: table round_files, row dongtai-2026.toml: content does not match"]),
    ("round file as text", "UPDATE round_files SET data = replace(data, '1:2', '1:3')",
     ["round dongtai-2026: table round_files, row dongtai-2026.toml: is no longer stored as bytes"]),
]


@pytest.mark.parametrize("sql,expected", [t[1:] for t in TAMPERING], ids=[t[0] for t in TAMPERING])
def test_verify_catches_every_edit(run, tallied, sql, expected):
    tamper(sql) if isinstance(sql, str) else sql()
    r = run("audit", "verify")
    assert r.exit_code == 3, r.stdout
    assert r.stderr.startswith("error: audit verify: round dongtai-2026:")
    for text in expected:
        assert text in r.stderr, r.stderr
    # Comparing the stored rows with the original files finds it too, without a traceback.
    r = run("audit", "verify", "--files", tallied)
    assert r.exit_code == 3, r.stdout
    assert r.stderr.startswith("error: audit verify: round dongtai-2026:")


def test_verify_catches_a_row_and_its_snapshot_edited_together(run, tallied):
    # Ballot 0001 really marked 张伟 (C01); make the rows and results both say 王芳 (C02).
    tamper_row(1, 2, lambda t: t.replace("张伟", "王芳"))
    tamper("UPDATE results SET votes = votes - 1, weighted = CAST(CAST(weighted AS INT) - 1 AS TEXT) "
           "WHERE stage = 'rec1' AND candidate = 'C01'")
    tamper("UPDATE results SET votes = votes + 1, weighted = CAST(CAST(weighted AS INT) + 1 AS TEXT) "
           "WHERE stage = 'rec1' AND candidate = 'C02'")
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "stage rec1: table results, row P01/C01" not in r.stderr  # the recount agrees now …
    assert "stage rec1: table rows, batch 1 (rec1-a.csv): the stored ballot rows differ" in r.stderr
    assert "stage rec1: results: the stored results differ" in r.stderr  # … the digests do not
    # With the original files at hand, verify names the very row.
    r = run("audit", "verify", "--files", tallied)
    assert ("stage rec1: table rows, batch 1 (rec1-a.csv), row 2: 0001,王芳,刘洋 in the database, "
            "0001,张伟,刘洋 in the file") in r.stderr


def test_verify_files_finds_a_changed_or_missing_ballot_file(run, tallied):
    papers_csv(tallied / "rec1-a.csv", [("0001", "王芳", "刘洋"), *REC1[1:6]])
    (tallied / "vote1.csv").unlink()
    r = run("audit", "verify", "--files", tallied)
    assert r.exit_code == 3
    assert "stage rec1: file rec1-a.csv (batch 1): changed since it was tallied" in r.stderr
    assert f"stage vote1: file vote1.csv (batch 3): not found under {tallied}" in r.stderr


def test_the_event_log_is_append_only(tallied):
    conn = sqlite3.connect("selector.db")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET operator = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")


def test_verify_reports_a_removed_guard(run, tallied):
    conn = sqlite3.connect("selector.db")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.commit()
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert "table events: the append-only guard (trigger events_no_delete) was removed" in r.stderr


# -- certify -------------------------------------------------------------------------------

def test_certified_stage_is_frozen_and_shows_who_signed(run, tallied):
    papers_csv(tallied / "late.csv", [("0011", "张伟", "刘洋")])
    r = run("tally", "rec1", tallied / "late.csv")
    assert r.exit_code == 1
    assert "certified" in r.stderr
    view = json.loads(run("show", "rec1", "--json").stdout)
    assert view["certified"] is True
    assert view["certified_by"] == {"tellers": ["周敏"], "scrutineers": ["吴刚", "郑丽"]}
    assert view["certified_at"] == "2026-05-28T20:26:40+00:00"
    shown = run("show", "rec1").stdout
    assert "certified 2026-05-29 04:26:40 (UTC+8) · tellers (计票人) 周敏 · scrutineers (监票人) 吴刚, 郑丽" in shown
    again = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽")
    assert again.exit_code == 1 and "already certified" in again.stderr
    log = json.loads(run("audit", "log", "--json").stdout)["events"]
    cert = [e for e in log if e["command"] == "certify"]
    assert len(cert) == 1 and cert[0]["details"]["tellers"] == ["周敏"]
    assert cert[0]["details"]["returned"] == 10


def test_certify_needs_enough_distinct_signatures(run, tmp_path):
    setup_rec1(run, tmp_path)
    r = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚")
    # the certification rule refuses (exit 1), like a teller signing as scrutineer below
    assert r.exit_code == 1 and "2 scrutineers must sign" in r.stderr
    r = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "吴 刚")
    assert r.exit_code == 1  # the same person twice is one signature
    r = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "周敏", "--scrutineer", "郑丽")
    assert r.exit_code == 1 and "cannot be both teller and scrutineer" in r.stderr
    assert run("certify", "vote1", "--teller", "周敏", "--scrutineer", "吴刚",
               "--scrutineer", "郑丽").exit_code == 1  # nothing tallied yet
    assert not [e for e in json.loads(run("audit", "log", "--json").stdout)["events"]
                if e["command"] == "certify"]


def test_verify_does_not_disguise_a_programming_error_as_a_difference(run, tallied, monkeypatch):
    from selector.service.stages import ballots_check

    def broken(*args, **kwargs):
        raise TypeError("a bug, not an edited row")

    monkeypatch.setattr(ballots_check, "recheck", broken)
    with pytest.raises(TypeError, match="a bug"):
        run("audit", "verify")


def test_certify_counts_come_from_the_round_file(run, tmp_path):
    path = write_round(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        'organizer = "中共东台市委组织部"',
        'organizer = "中共东台市委组织部"\ncertify = { tellers = 2, scrutineers = 3 }')
    path.write_text(text, encoding="utf-8")
    assert run("init", path).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    r = run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽")
    assert r.exit_code == 1 and "2 tellers must sign" in r.stderr
    r = run("certify", "rec1", "--teller", "周敏", "--teller", "孙伟", "--scrutineer", "吴刚",
            "--scrutineer", "郑丽", "--scrutineer", "冯军", "--json")
    assert r.exit_code == 0, r.stderr
    cert = json.loads(r.stdout)
    assert cert["tellers"] == ["周敏", "孙伟"] and len(cert["scrutineers"]) == 3
    assert len(cert["hash"]) == 64


def test_a_certified_stage_can_still_be_cut(run, tmp_path):
    setup_rec1(run, tmp_path)
    assert run("certify", "rec1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽").exit_code == 0
    r = run("cut", "rec1", "--resolve", "P01=C03", "--reason", "常委会研究决定")
    assert r.exit_code == 0, r.stderr
    assert run("audit", "verify").exit_code == 0


# -- sample --------------------------------------------------------------------------------

def test_sample_is_reproducible_and_documented(run, tallied):
    first = json.loads(run("audit", "sample", "rec1", "--seed", "3-6-1-4-2-5", "--count", "4", "--json").stdout)
    again = json.loads(run("audit", "sample", "rec1", "--seed", "3-6-1-4-2-5", "--count", "4", "--json").stdout)
    other = json.loads(run("audit", "sample", "rec1", "--seed", "6-6-2-1-5-3", "--count", "4", "--json").stdout)
    numbers = [b["ballot"] for b in first["ballots"]]
    assert numbers == [b["ballot"] for b in again["ballots"]]
    assert numbers != [b["ballot"] for b in other["ballots"]]
    # The documented algorithm, redone by hand.
    keyed = sorted((hashlib.sha256(f"3-6-1-4-2-5/rec1/{b}".encode()).hexdigest(), b) for b, *_ in REC1)
    assert numbers == [b for _, b in keyed[:4]]
    assert first["of"] == 10 and "SHA-256" in first["algorithm"]
    text = run("audit", "sample", "rec1", "--seed", "3-6-1-4-2-5", "--count", "4").stdout
    assert "seed '3-6-1-4-2-5'" in text and all(n in text for n in numbers)
    drawn = [e for e in json.loads(run("audit", "log", "--json").stdout)["events"]
             if e["command"] == "audit sample"]
    assert drawn[0]["details"]["ballots"] == numbers and drawn[0]["details"]["seed"] == "3-6-1-4-2-5"


def test_sample_of_more_than_were_tallied_lists_all(run, tallied):
    r = run("audit", "sample", "rec1", "--seed", "1-2-3", "--count", "50", "--json")
    assert sorted(b["ballot"] for b in json.loads(r.stdout)["ballots"]) == [b for b, *_ in REC1]
    assert run("audit", "sample", "rec1", "--seed", " ", "--count", "5").exit_code == 2


# -- compare (hand check) ----------------------------------------------------------------

def test_compare_lists_every_difference_from_the_tally(run, tallied):
    hand = papers_csv(tallied / "hand.csv", [
        ("0002", "张伟", "陈静"),          # as tallied
        ("0007", "李强", "陈静"),          # the box paper says 李强, the tally read 王芳
        ("0009", "C03", "杨帆"),           # same name given by id; a blank misread
        ("0042", "张伟", "刘洋"),          # never tallied
    ])
    r = run("audit", "compare", "rec1", hand)
    assert r.exit_code == 3
    assert "3 differences" in r.stderr
    assert "0007" in r.stdout and "王芳" in r.stdout and "李强" in r.stdout
    data = json.loads(run("audit", "compare", "rec1", hand, "--json").stdout)
    assert data["differences"] == [
        {"ballot": "0007", "cell": "P01 审计局局长", "tallied": "王芳", "hand": "李强"},
        {"ballot": "0009", "cell": "P02 统计局局长", "tallied": "(blank)", "hand": "杨帆"},
        {"ballot": "0042", "cell": "paper", "tallied": "not tallied", "hand": "present"},
    ]
    checks = [e for e in json.loads(run("audit", "log", "--json").stdout)["events"]
              if e["command"] == "audit compare"]
    assert len(checks) == 2 and len(checks[0]["details"]["differences"]) == 3


def test_compare_agrees_with_an_exact_hand_count(run, tallied):
    hand = papers_csv(tallied / "hand.csv", [("0004", "王芳、张伟", "刘洋"), ("0008", "张伟", "赵六")])
    r = run("audit", "compare", "rec1", hand)
    assert r.exit_code == 0, r.stderr
    assert "every hand-read paper matches the tally" in r.stdout


# -- double entry ------------------------------------------------------------------------

def test_double_entry_refuses_until_both_keyings_agree(run, tmp_path):
    assert run("init", write_round(tmp_path)).exit_code == 0
    first = papers_csv(tmp_path / "录入甲.csv", REC1)
    second_rows = list(REC1)
    second_rows[2] = ("0003", "王芳", "陈静")   # 0003: 统计局局长 keyed differently
    second_rows[7] = ("0008", "C01", "赵六")    # an id for the same person is the same mark
    del second_rows[9]                           # 0010 left out by the second clerk
    second = papers_csv(tmp_path / "录入乙.csv", second_rows)
    r = run("tally", "rec1", first, "--present", "50", "--issued", "50", "--check-against", second)
    assert r.exit_code == 1
    assert "differ on 2 cells: nothing recorded" in r.stderr
    assert "ballot 0003 · P02 统计局局长" in r.stderr and "'刘洋'" in r.stderr and "'陈静'" in r.stderr
    assert "ballot 0010 · paper" in r.stderr
    assert json.loads(run("status", "--json").stdout)["stages"][0]["batches"] == 0
    assert [e["command"] for e in json.loads(run("audit", "log", "--json").stdout)["events"]] == ["init"]

    fixed = list(REC1)
    fixed[7] = ("0008", "C01", "赵六")
    second = papers_csv(tmp_path / "录入乙.csv", fixed)
    r = run("tally", "rec1", first, "--present", "50", "--issued", "50", "--check-against", second)
    assert r.exit_code == 0, r.stderr
    tally = json.loads(run("audit", "log", "--json").stdout)["events"][-1]
    assert tally["command"] == "tally"
    assert tally["details"]["checked_against"]["file"].endswith("录入乙.csv")
    assert tally["details"]["checked_against"]["ballots"] == 10
    assert run("audit", "verify").exit_code == 0


def test_double_entry_needs_one_file_and_a_different_second_file(run, tmp_path):
    assert run("init", write_round(tmp_path)).exit_code == 0
    first = papers_csv(tmp_path / "a.csv", REC1)
    r = run("tally", "rec1", first, "--present", "50", "--issued", "50", "--check-against", first)
    assert r.exit_code == 2 and "independent keying" in r.stderr
    r = run("tally", "rec1", first, first, "--present", "50", "--issued", "50", "--check-against", first)
    assert r.exit_code == 2


def test_audit_log_reads_oldest_first(run, tallied):
    text = run("audit", "log").stdout
    order = [text.index(f"· {c}") for c in ("init", "tally rec1", "cut rec1", "certify rec1", "tally vote1")]
    assert order == sorted(order)
    assert "reason: 常委会2026年3月2日研究决定" in text
    assert "head of the chain:" in text
    events = json.loads(run("audit", "log", "--json").stdout)["events"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert all(len(e["hash"]) == 64 for e in events)


# REC1 as a workbook; with a comma in a cell its rows are stored as JSON, not as CSV text
XLSX_REC1 = {"text": REC1, "json": [(n, "张伟,王芳" if n == "0004" else p01, p02) for n, p01, p02 in REC1]}


@pytest.mark.parametrize("stored", list(XLSX_REC1))
def test_verify_files_reads_xlsx_batches_row_by_row(run, tmp_path, stored):
    from openpyxl import Workbook

    assert run("init", write_round(tmp_path)).exit_code == 0
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐票"
    ws.append(["票号", "审计局局长", "统计局局长"])
    for number, p01, p02 in XLSX_REC1[stored]:
        ws.append([int(number), p01, p02])
    wb.save(tmp_path / "推荐票.xlsx")
    assert run("tally", "rec1", tmp_path / "推荐票.xlsx", "--present", "50", "--issued", "50").exit_code == 0
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "2 files re-hashed" in r.stdout  # the workbook and the round file
    column = "text" if stored == "text" else "cells"
    tamper(f"UPDATE row_chunks SET {column} = replace({column}, '杨帆', '陈静') WHERE batch = 1")
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 3
    assert "stage rec1: table rows, batch 1 (推荐票.xlsx), row 6: 5,,陈静 in the database, 5,,杨帆 in the file" in r.stderr


@pytest.mark.parametrize("stored", list(XLSX_REC1))
def test_verify_holds_the_chunk_bounds_of_xlsx_rows_to_their_rows(run, tmp_path, stored):
    """A JSON chunk's digest covers each row but not the chunk's last_line (a text chunk's
    covers it too): the recount holds it to the chunk's last row."""
    from support import write_xlsx

    assert run("init", write_round(tmp_path)).exit_code == 0
    write_xlsx(tmp_path / "推荐票.xlsx", [["票号", "审计局局长", "统计局局长"], *map(list, XLSX_REC1[stored])])
    assert run("tally", "rec1", tmp_path / "推荐票.xlsx", "--present", "50", "--issued", "50").exit_code == 0
    assert run("audit", "verify").exit_code == 0
    tamper("UPDATE row_chunks SET last_line = 16 WHERE batch = 1")
    r = run("audit", "verify")
    assert r.exit_code == 3
    edited = "  stage rec1: table rows, batch 1 (推荐票.xlsx): row chunk 2–16 holds rows 2–11: its last_line was edited"
    assert r.stderr.splitlines()[1:] == ([edited] if stored == "json" else [
        "  stage rec1: table rows, batch 1 (推荐票.xlsx): the stored ballot rows differ from those tally event #2 "
        "recorded", edited])


def test_init_logs_the_hash_of_each_round_file(run, tmp_path):
    path = write_round(tmp_path)
    text = path.read_text(encoding="utf-8")
    people = text[text.index("[[candidate]]"):text.index("[[stage]]")]
    text = text.replace(people, "").replace('organizer = "中共东台市委组织部"',
                                            'organizer = "中共东台市委组织部"\nroster = "名册.csv"')
    path.write_text(text, encoding="utf-8")
    roster = tmp_path / "名册.csv"
    roster.write_bytes("id,name,posts\r\nC01,张伟,P01\r\nC02,王芳,P01\r\nC03,李强,P01\r\n"
                       "C04,刘洋,P02\r\nC05,陈静,P02\r\nC06,杨帆,P02\r\n".encode("gb18030"))
    assert run("init", path).exit_code == 0, run("init", path).stderr
    init = json.loads(run("audit", "log", "--json").stdout)["events"][0]
    assert init["files"] == {path.name: hashlib.sha256(path.read_bytes()).hexdigest(),
                             "名册.csv": hashlib.sha256(roster.read_bytes()).hexdigest()}
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 0 and "2 files re-hashed" in r.stdout
    roster.write_bytes(roster.read_bytes().replace("杨帆".encode("gb18030"), "杨凡".encode("gb18030")))
    r = run("audit", "verify", "--files", tmp_path)
    assert r.exit_code == 3
    assert f"round dongtai-2026: file {roster}: differs from the round file stored at init" in r.stderr
    tamper("UPDATE round_files SET data = CAST(? AS BLOB), sha256 = ? WHERE name = '名册.csv'",
           roster.read_bytes(), hashlib.sha256(roster.read_bytes()).hexdigest())
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert ("round dongtai-2026: table round_files: the stored round files do not match the last "
            "init event (#1)") in r.stderr


def test_double_entry_of_approve_ballots_compares_each_candidate(run, tmp_path):
    path = write_round(tmp_path)
    text = path.read_text(encoding="utf-8")
    stages = text[text.index("[[stage]]"):]
    path.write_text(text.replace(stages, '[[stage]]\nid = "vote2"\nkind = "vote"\ntitle = "市委全委会票决"\n'
                                         'form = "approve"\nmembers = 45\n'), encoding="utf-8")
    assert run("init", path).exit_code == 0
    header = ("票号", "张伟", "王芳", "李强", "刘洋", "陈静", "杨帆")
    rows = [("01", "同意", "", "不同意", "√", "×", "弃权"), ("02", "同意", "同意", "", "", "", "")]
    first = papers_csv(tmp_path / "甲.csv", rows, header)
    second = papers_csv(tmp_path / "乙.csv", [("01", "Y", "弃权", "N", "同意", "不同意", ""),
                                            ("02", "同意", "不同意", "", "", "", "")], header)
    r = run("tally", "vote2", first, "--present", "40", "--issued", "40", "--check-against", second)
    assert r.exit_code == 1
    assert "differ on 1 cell" in r.stderr
    assert "ballot 02 · P01/C02: " in r.stderr
    assert "甲.csv has 'yes'" in r.stderr and "乙.csv has 'no'" in r.stderr


# -- damaged stored data -----------------------------------------------------------------------

LONG = "CAST(replace(hex(zeroblob(3000)), '00', '张伟,') AS BLOB)"  # kilobytes of ballot text


@pytest.mark.parametrize("table,column,where,expected", [
    ("row_chunks", "text", "batch = 1",
     "stage rec1: stored data no longer reads (column text holds text that is not UTF-8)"),
    ("events", "details", "command = 'cut'",
     "event #4 (cut rec1): column details holds text that is not UTF-8"),
    ("rounds", "title", "1",
     "round dongtai-2026: stored data no longer reads (column title holds text that is not UTF-8)"),
    ("batches", "file", "id = 3",
     "stage vote1: stored data no longer reads (column file holds text that is not UTF-8)"),
    ("invalid_marks", "text", "1",
     "stage rec1: stored data no longer reads (column text holds text that is not UTF-8)"),
])
def test_stored_text_that_is_not_utf8_is_a_difference(run, tallied, table, column, where, expected):
    tamper(f"UPDATE {table} SET {column} = CAST({LONG} || x'ff' || {LONG} AS TEXT) WHERE {where}")
    for args in ((), ("--files", tallied)):
        r = run("audit", "verify", *args)
        assert r.exit_code == 3, r.stdout
        assert expected in r.stderr, r.stderr
        assert all(len(line) < 400 for line in r.stderr.splitlines()), r.stderr  # no ballot text dumped


def test_a_damaged_page_is_a_difference(run, tallied):
    conn = sqlite3.connect("selector.db")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'row_chunks'").fetchone()[0]
    conn.close()
    with open("selector.db", "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 16)  # the page's b-tree header: not a page type SQLite knows
    r = run("audit", "verify")
    assert r.exit_code == 3, r.stdout
    assert ("stage rec1: stored data no longer reads (the database file is damaged: database disk "
            "image is malformed)") in r.stderr
    assert len(r.stderr.splitlines()) < 10
