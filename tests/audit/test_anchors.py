"""Anchors outside the database: the certificate's record hash (on every signed sheet),
`audit verify --head`, and the witness file beside the database.

A record cut short (its last events and the rows they wrote deleted) or rewritten whole
(certified ballots edited, every digest recomputed, the chain re-hashed) still verifies on its
own; these tests show both, then show each anchor catching them."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from audit_data import tamper_row
from audit_data import restore_guards, tamper

WITNESS = Path("selector.db.witness")
CUT_VOTE1 = ("cut", "vote1", "--accept-short", "P02", "--reason", "无人过半数，职位空缺")


def log(run) -> list[dict]:
    return json.loads(run("audit", "log", "--json").stdout)["events"]


def head_of(run) -> str:
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    return r.stdout.split("(head ")[1].split(")")[0]


def cut_short() -> None:
    """Delete the record's last two events (the certification of rec1, the tally of vote1) and
    everything they wrote, as someone with the sqlite3 shell would."""
    for sql in ("DELETE FROM events WHERE id >= 5", "DELETE FROM row_chunks WHERE batch = 3",
                "DELETE FROM papers WHERE stage = 'vote1'", "DELETE FROM batches WHERE id = 3",
                "DELETE FROM results WHERE stage = 'vote1'", "DELETE FROM post_results WHERE stage = 'vote1'",
                "DELETE FROM invalid_marks WHERE stage = 'vote1'",
                "UPDATE stages SET present = NULL, issued = NULL, void_papers = NULL WHERE stage = 'vote1'",
                "UPDATE stages SET certified_at = NULL, certificate = NULL WHERE stage = 'rec1'"):
        tamper(sql)


def rewrite() -> None:
    """A complete forgery: a certified ballot of rec1 edited (paper 0005 marked 刘洋, not 杨帆),
    the results with it, then every digest the log keeps recomputed with selector's own code
    and the whole chain hashed again."""
    from selector.storage.rows import canonical, chain
    from selector.storage.store import Store

    tamper_row(1, 6, lambda t: t.replace("杨帆", "刘洋"))
    tamper("UPDATE results SET votes = votes + 1, weighted = CAST(CAST(weighted AS INT) + 1 AS TEXT) "
           "WHERE stage = 'rec1' AND candidate = 'C04'")
    tamper("DELETE FROM results WHERE stage = 'rec1' AND candidate = 'C06'")  # 杨帆 had that one vote
    store = Store("selector.db")
    rid = "dongtai-2026"
    rows_1, results = store.rows_digest(1), store.results_digest(rid, "rec1")
    chained, head = store.results_digest(rid, "rec1", chained=True), store.marks_head(rid, "rec1")
    store.close()
    conn = sqlite3.connect("selector.db")
    conn.execute("DROP TRIGGER events_no_update")
    prev = "0" * 64
    for (eid,) in conn.execute("SELECT id FROM events ORDER BY id").fetchall():
        row = dict(zip(("round", "at", "operator", "command", "stage", "details", "files"), conn.execute(
            "SELECT round, at, operator, command, stage, details, files FROM events WHERE id = ?", [eid]).fetchone()))
        details, files = json.loads(row["details"]), json.loads(row["files"])
        if row["command"] == "tally" and row["stage"] == "rec1":
            for b in details["batches"]:
                if b["file"] == "rec1-a.csv":
                    b["rows_sha256"] = rows_1
            details["results_sha256"] = results  # (verify checks the last tally's)
            if "marks_sha256" in details:  # a later batch records the chained form (m014)
                details.update(results_sha256=chained, marks_sha256=head)
        if row["command"] == "certify":
            details.update(results_sha256=results, log_head=prev)
            conn.execute("UPDATE stages SET certificate = ? WHERE stage = 'rec1'", [canonical(details)])
        event = {**row, "details": details, "files": files}
        hashed = chain(prev, event)
        conn.execute("UPDATE events SET details = ?, prev = ?, hash = ? WHERE id = ?",
                     [canonical(details), prev, hashed, eid])
        prev = hashed
    conn.commit()
    conn.close()
    restore_guards()


def test_certify_and_locked_cuts_append_their_hash_to_the_witness_file(run, tallied):
    events = {e["id"]: e for e in log(run)}
    lines = WITNESS.read_text(encoding="utf-8").splitlines()
    assert lines == [f"{events[4]['hash']} dongtai-2026 #4 {events[4]['at']} cut rec1",
                     f"{events[5]['hash']} dongtai-2026 #5 {events[5]['at']} certify rec1"]
    assert run("cut", "rec1").exit_code == 1  # refused: nothing appended
    assert run(*CUT_VOTE1).exit_code == 0
    assert WITNESS.read_text(encoding="utf-8").splitlines()[2].startswith(f"{log(run)[-1]['hash']} dongtai-2026 #7 ")
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "3 record hashes kept outside found in the chain: all hold" in r.stdout
    assert f"(head {log(run)[-1]['hash']})" in r.stdout  # the whole head, to write down


def test_every_signed_sheet_of_a_certified_stage_carries_its_record_hash(run, tallied):
    certified = next(e["hash"] for e in log(run) if e["command"] == "certify")
    r = run("certify", "vote1", "--teller", "周敏", "--scrutineer", "吴刚", "--scrutineer", "郑丽")
    assert f"record hash (write it on the signed sheet): {log(run)[-1]['hash']}" in r.stdout
    md = run("export", "rec1", "--doc", "tally").stdout
    assert f"- 签署时记录哈希：{certified}" in md
    assert run("export", "rec1", "--doc", "tally", "--format", "docx", "--out", "t.docx").exit_code == 0
    assert run("export", "rec1", "--doc", "tally", "--format", "xlsx", "--out", "t.xlsx").exit_code == 0
    from docx import Document
    from openpyxl import load_workbook

    assert any(certified in p.text for p in Document("t.docx").paragraphs)
    assert any(certified in str(c.value) for row in load_workbook("t.xlsx").active.iter_rows() for c in row)
    assert json.loads(run("export", "rec1", "--doc", "tally", "--format", "json").stdout)["certified_hash"] == certified


def test_a_record_cut_short_is_caught_by_head_and_by_the_witness_file(run, tallied):
    head = head_of(run)
    certified = next(e["hash"] for e in log(run) if e["command"] == "certify")
    cut_short()
    shutil.move(WITNESS, "kept.witness")
    assert run("audit", "verify").exit_code == 0  # the database alone cannot tell
    for anchor in (certified, head):
        r = run("audit", "verify", "--head", anchor)
        assert r.exit_code == 3
        assert r.stderr.splitlines()[1:] == [
            f"  --head {anchor[:16]}…: {anchor[:16]}… is not in the record: its last events were removed, or "
            "the record was rewritten"]
    shutil.move("kept.witness", WITNESS)
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1:] == [
        f"  witness file selector.db.witness, line 2: {certified[:16]}… is not in the record: its last events "
        "were removed, or the record was rewritten".replace("selector.db", str(Path.cwd() / "selector.db"))]


def test_a_rewritten_record_is_caught_by_head_and_by_the_witness_file(run, tallied):
    certified = next(e["hash"] for e in log(run) if e["command"] == "certify")
    rewrite()
    shutil.move(WITNESS, "kept.witness")
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr  # every digest and hash agrees: a complete forgery
    assert "0005,,刘洋" in sqlite3.connect("selector.db").execute("SELECT text FROM row_chunks WHERE batch = 1").fetchone()[0]
    r = run("audit", "verify", "--head", certified)
    assert r.exit_code == 3
    assert f"--head {certified[:16]}…: {certified[:16]}… is not in the record" in r.stderr
    r = run("audit", "verify", "--head", "kept.witness")  # a copy of the witness file kept elsewhere
    assert r.exit_code == 3
    assert len(r.stderr.splitlines()) == 3  # both lines: the cut and the certification
    shutil.move("kept.witness", WITNESS)
    r = run("audit", "verify")
    assert r.exit_code == 3 and "witness file" in r.stderr and certified[:16] in r.stderr


def test_an_anchor_whose_covered_events_were_removed(run, tallied):
    certified = next(e["hash"] for e in log(run) if e["command"] == "certify")
    tamper("DELETE FROM events WHERE id = 3")
    r = run("audit", "verify", "--head", certified)
    assert r.exit_code == 3
    assert (f"--head {certified[:16]}…: {certified[:16]}… is stored on event #5, but the record before it no "
            "longer hashes to it: events it covers were changed or removed") in r.stderr


def test_head_takes_hashes_or_files_of_them(run, tallied):
    head = head_of(run)
    Path("heads.txt").write_text(f"票决结果表 {head}\n\n", encoding="utf-8")
    r = run("audit", "verify", "--head", head.upper(), "--head", "heads.txt", "--head", WITNESS)
    assert r.exit_code == 0, r.stderr
    assert "6 record hashes kept outside found in the chain" in r.stdout  # 1 + 1 + the witness file's 2, twice
    r = run("audit", "verify", "--head", head[:16])
    assert r.exit_code == 2
    assert r.stderr == (f"error: --head {head[:16]}: neither a record hash (64 hexadecimal characters) nor "
                        "a file of them\n")
    Path("empty.txt").write_text("no hash here\n", encoding="utf-8")
    r = run("audit", "verify", "--head", "empty.txt")
    assert r.exit_code == 2 and r.stderr == "error: --head empty.txt: the file holds no record hash\n"


def test_an_edited_witness_file_is_a_difference(run, tallied):
    lines = WITNESS.read_text(encoding="utf-8").splitlines()
    WITNESS.write_text("\n".join([lines[1], lines[0], "见证"]) + "\n", encoding="utf-8")
    r = run("audit", "verify")
    assert r.exit_code == 3
    where = f"witness file {Path.cwd() / 'selector.db.witness'}"
    assert r.stderr.splitlines()[1:] == [
        f"  {where}, line 3: does not read as a witness line (HASH ROUND #EVENT …)",
        f"  {where}, line 2: comes after line 1 but its event #4 is older: the witness file was edited"]
    WITNESS.write_text(lines[0] + "\n", encoding="utf-8")
    assert run(*CUT_VOTE1).exit_code == 0
    r = run("audit", "verify")
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1:] == [f"  {where}: has no line for certify event #5: lines were removed"]
