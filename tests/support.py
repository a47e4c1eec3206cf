"""Helpers shared by the tests: the good round, and ballot files written as clerks' tools write them."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"
GOLDEN = TESTS / "golden"


def check_golden(relative: str, data: bytes | str) -> None:
    """Compare with tests/golden/RELATIVE. On a mismatch the new output is written beside it as
    RELATIVE.new (diff the two); SELECTOR_UPDATE_GOLDEN=1 rewrites the golden file instead."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    path = GOLDEN / relative
    new = path.with_name(path.name + ".new")
    if os.environ.get("SELECTOR_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        new.unlink(missing_ok=True)
        return
    if not path.exists() or path.read_bytes() != data:
        new.parent.mkdir(parents=True, exist_ok=True)
        new.write_bytes(data)
        pytest.fail(f"{relative}: output differs from its golden file; see {new} "
                    "(SELECTOR_UPDATE_GOLDEN=1 accepts it)")
    new.unlink(missing_ok=True)


def good_round(dest: Path, replace: dict[str, str] | None = None, append: str = "") -> Path:
    """Copy the shared round (and roster) into `dest`, with text replacements; returns the TOML path."""
    text = (GOOD / "round.toml").read_text("utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    shutil.copy(GOOD / "roster.csv", dest / "roster.csv")
    path = dest / "round.toml"
    path.write_text(text + append, "utf-8")
    return path


def rows_of(text: str) -> list[list[str]]:
    """A small CSV literal (comma-separated lines) → rows."""
    return list(csv.reader(io.StringIO(text.strip("\n"))))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", bom: bool = False) -> Path:
    """Write rows as Excel does: CRLF line ends; GB18030 for "CSV (逗号分隔)", a BOM for "CSV UTF-8"."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows: list[list[str]], sheet: str = "Sheet1", before: list[str] = ()) -> Path:
    """An XLSX workbook with `rows` on `sheet` (after empty sheets named in `before`); numbers as numbers."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = before[0] if before else sheet
    for name in before[1:]:
        wb.create_sheet(name)
    ws = wb.create_sheet(sheet) if before else first
    if before:
        first.append(["说明"])
    for row in rows:
        ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    wb.save(path)
    return path


REC1_HEADER = ["ballot", "category", "审计局局长", "统计局副局长"]
# P01 (k = 2): C01 2 votes, C04 and C03 1 each: tied for the second place.
# P02 (k = 2): C05 and C02 2 votes each: equal, but both inside the cut.
TIE_ROWS = [REC1_HEADER, ["1", "一般干部", "C01", "C05"], ["2", "一般干部", "C01", "C05"],
            ["3", "一般干部", "C04", "C02"], ["4", "一般干部", "C03", "C02"]]


def tie_file():
    write_csv(Path("tie.csv"), TIE_ROWS)


def database_tables(db) -> list:
    """Every table of a database but the migrations' (stamped at the clock's time), each as
    (name, its rows in rowid order, or a table WITHOUT ROWID's in its key's): two databases
    that should hold the same compare equal."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name != "
                              "'_sqlite_migrations' ORDER BY name").fetchall()
        return [(t, conn.execute(f'SELECT * FROM "{t}"' + ("" if sql.endswith("WITHOUT ROWID") else
                                                          " ORDER BY rowid")).fetchall()) for t, sql in tables]
    finally:
        conn.close()


def tally_by_path(run, folder: Path, round_file: Path, commands: list[list], fast: bool, *options: str):
    """init, then a tally of each command's files (`commands`) with `options`, then audit
    verify, by the fast path or the general one (`fast`: readers.ballots.FAST and Count.FAST):
    each tally's (exit code, stdout, stderr), verify's exit code and stdout, and every table."""
    from selector.domain.counting import Count
    from selector.readers import ballots as reader

    db = folder / ("fast.db" if fast else "general.db")
    reader.FAST = Count.FAST = fast
    outcome = []
    try:
        assert run("--db", db, "init", round_file).exit_code == 0
        for given in commands:
            tallied = run("--db", db, "tally", "rec1", *given, *options, "--present", "300", "--issued", "300",
                          "--json")
            outcome.append((tallied.exit_code, tallied.stdout, tallied.stderr))
        verified = run("--db", db, "audit", "verify")
    finally:
        reader.FAST = Count.FAST = True
    return outcome, verified.exit_code, verified.stdout, database_tables(db)
