"""How `export` writes its file: whole or not at all, never over a file without --force, and
recorded by its name (the clerk's folders are not part of the record)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from audit_data import REC1, papers_csv, write_round


def tallied(run, tmp_path) -> None:
    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0


def exports(run) -> list[dict]:
    return [e for e in json.loads(run("audit", "log", "--json").stdout)["events"] if e["command"] == "export"]


def test_an_existing_file_is_replaced_only_with_force(run, tmp_path):
    tallied(run, tmp_path)
    assert run("export", "rec1", "--doc", "tally", "--format", "csv").exit_code == 0
    default = Path("dongtai-2026-rec1-tally.csv")
    default.write_bytes(b"the clerk's own edits")
    r = run("export", "rec1", "--doc", "tally", "--format", "csv")
    assert r.exit_code == 1
    assert r.stderr == ("error: dongtai-2026-rec1-tally.csv already exists: give --force to replace it, "
                        "or another --out\n")
    assert default.read_bytes() == b"the clerk's own edits" and len(exports(run)) == 1
    r = run("export", "rec1", "--doc", "tally", "--format", "csv", "--force")
    assert r.exit_code == 0, r.stderr
    assert default.read_bytes().startswith(b"\xef\xbb\xbf") and len(exports(run)) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_export_events_record_the_file_name_not_the_folders(run, tmp_path):
    tallied(run, tmp_path)
    (tmp_path / "会议材料").mkdir()
    out = tmp_path / "会议材料" / "推荐票统计表.xlsx"
    assert run("export", "rec1", "--doc", "tally", "--format", "xlsx", "--out", out).exit_code == 0
    assert run("export", "rec1", "--doc", "tally", "--out", "-").exit_code == 0
    logged = exports(run)
    assert [e["details"]["out"] for e in logged] == ["推荐票统计表.xlsx", "-"]
    assert list(logged[0]["files"]) == ["推荐票统计表.xlsx"]
    assert str(tmp_path) not in json.dumps(logged, ensure_ascii=False)
    assert os.path.exists(out)
