"""What no refusal foresees — a full disk, a read-only database or folder, an --out that is
not a file, text XLSX/DOCX cannot hold, running out of memory — is one line on stderr, exit 1,
and the database as it was: never a traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from audit_data import REC1, papers_csv, write_round
from audit_data import dump, long_file


def mount_tmpfs(path: Path, size: str) -> None:
    """A small filesystem of its own at `path` (root and a mount(8) that may mount tmpfs)."""
    path.mkdir(exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount(8) to make a small filesystem")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"this machine does not allow mounting a tmpfs ({done.stderr.strip()})")


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "4m")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture
def read_only(tmp_path):
    """A folder whose database and folder can be made read-only: `make()` does it (a read-only
    mount as root, who ignores permission bits; the permission bits otherwise)."""
    folder = tmp_path / "ro"
    root = os.name == "posix" and os.geteuid() == 0
    if root:
        mount_tmpfs(folder, "4m")
    else:
        folder.mkdir()

    def make():
        if root:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            for p in folder.iterdir():
                p.chmod(0o444)
            folder.chmod(0o555)

    yield folder, make
    if root:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        folder.chmod(0o755)


def one_line(r) -> str:
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_a_full_disk_refuses_a_tally_and_changes_nothing(run, tmp_path, small_disk):
    db = small_disk / "selector.db"
    assert run("--db", db, "init", write_round(tmp_path, electorate=100_000)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("--db", db, "tally", "rec1", tmp_path / "a.csv", "--present", "90000",
               "--issued", "90000").exit_code == 0
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 64 * 4096))  # 256K left
    before = dump(str(db))
    big = long_file(tmp_path / "big.csv", 20_000, start=100)  # ~1 MB of rows: more than the disk holds
    r = run("--db", db, "tally", "rec1", big, "--layout", "long")
    assert r.exit_code == 1
    assert one_line(r) == f"error: cannot write the database {db}: the disk is full; nothing was changed"
    assert dump(str(db)) == before
    r = run("--db", db, "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert "from 10 stored ballots" in r.stdout


def test_a_full_disk_refuses_an_export_and_changes_nothing(run, tmp_path, small_disk):
    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 3 * 4096))  # 12K left
    before = dump("selector.db")
    out = small_disk / "推荐票统计表.docx"
    r = run("export", "rec1", "--doc", "tally", "--format", "docx", "--out", out)
    assert r.exit_code == 1
    assert one_line(r) == f"error: cannot write {out}: No space left on device; nothing was changed"
    assert dump("selector.db") == before  # no export event
    assert not out.exists()  # no truncated file …
    kept = small_disk / "推荐票统计表.md"
    kept.write_text("# 推荐得票情况统计表\n", encoding="utf-8")
    r = run("export", "rec1", "--doc", "tally", "--format", "docx", "--out", kept, "--force")
    assert r.exit_code == 1 and "No space left on device" in one_line(r)
    assert kept.read_text(encoding="utf-8") == "# 推荐得票情况统计表\n"  # … and a good one is kept
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "推荐票统计表.md"]


def test_a_read_only_database_refuses_writes_in_one_line(run, tmp_path, read_only):
    folder, make = read_only
    db = folder / "selector.db"
    assert run("--db", db, "init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    make()
    r = run("--db", db, "tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50")
    assert r.exit_code == 1
    assert one_line(r) == (f"error: cannot write the database {db}: the database file or its folder is "
                           "read-only; nothing was changed")
    assert run("--db", db, "status").exit_code == 0  # reading still works
    assert run("--db", db, "audit", "verify").exit_code == 0
    r = run("--db", db, "export", "rec1", "--doc", "record", "--format", "csv", "--out", folder / "r.csv")
    assert r.exit_code == 1 and one_line(r).startswith("error: cannot write ")


def test_out_must_name_a_file_in_a_folder_that_exists(run, tmp_path):
    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    before = dump("selector.db")
    (tmp_path / "exports").mkdir()
    r = run("export", "rec1", "--doc", "tally", "--format", "xlsx", "--out", "exports")
    assert r.exit_code == 1
    assert one_line(r) == "error: --out exports: a folder: give a file name, e.g. --out exports/FILE"
    r = run("export", "rec1", "--doc", "tally", "--format", "csv", "--out", "missing/t.csv")
    assert r.exit_code == 1
    assert one_line(r) == "error: --out missing/t.csv: the folder missing does not exist"
    assert dump("selector.db") == before


def test_control_characters_in_names_refuse_xlsx_and_docx_in_one_line(run, tmp_path):
    path = write_round(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('name = "张伟"', 'name = "张\\u0007伟"'),
                    encoding="utf-8")
    assert run("init", path).exit_code == 0
    papers_csv(tmp_path / "a.csv", [(b, p01.replace("张伟", "C01"), p02) for b, p01, p02 in REC1])
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    before = dump("selector.db")
    for fmt in ("xlsx", "docx"):
        r = run("export", "rec1", "--doc", "tally", "--format", fmt, "--out", f"t.{fmt}")
        assert r.exit_code == 1
        assert one_line(r) == (f"error: --format {fmt}: '张\\x07伟' holds a control character, which "
                               f"{fmt.upper()} files cannot hold: export it with --format md or csv")
        assert not Path(f"t.{fmt}").exists()
    assert dump("selector.db") == before
    assert run("export", "rec1", "--doc", "tally", "--format", "csv", "--out", "t.csv").exit_code == 0


def test_running_out_of_memory_is_one_line_and_changes_nothing(run, tmp_path, monkeypatch):
    assert run("init", write_round(tmp_path)).exit_code == 0
    papers_csv(tmp_path / "a.csv", REC1)
    assert run("tally", "rec1", tmp_path / "a.csv", "--present", "50", "--issued", "50").exit_code == 0
    before = dump("selector.db")
    from selector.storage.store import Store

    def exhausted(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(Store, "save_cut", exhausted)
    r = run("cut", "rec1", "--resolve", "P01=C02", "--reason", "常委会研究决定")
    assert r.exit_code == 1
    assert one_line(r) == ("error: out of memory: nothing was changed (close other programs, or give "
                           "the files in smaller batches)")
    assert dump("selector.db") == before
    assert not Path("selector.db.witness").exists()


def test_a_database_failing_underneath_is_one_line(run, tmp_path, monkeypatch):
    assert run("init", write_round(tmp_path)).exit_code == 0
    from selector.storage.store import Store

    def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "round_file_rows", failing)
    r = run("status")
    assert r.exit_code == 1
    assert one_line(r) == "error: the database failed (disk I/O error): nothing was changed"
