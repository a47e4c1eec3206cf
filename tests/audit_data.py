"""A small real-looking round for the audit tests: two posts, six people, three stages."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from support import write_csv

ROUND = """\
[round]
id = "dongtai-2026"
title = "东台市部分市直单位正职公推公选"
organizer = "中共东台市委组织部"

[[post]]
id = "P01"
title = "审计局局长"

[[post]]
id = "P02"
title = "统计局局长"

[[candidate]]
id = "C01"
name = "张伟"
posts = ["P01"]

[[candidate]]
id = "C02"
name = "王芳"
posts = ["P01"]

[[candidate]]
id = "C03"
name = "李强"
posts = ["P01"]

[[candidate]]
id = "C04"
name = "刘洋"
posts = ["P02"]

[[candidate]]
id = "C05"
name = "陈静"
posts = ["P02"]

[[candidate]]
id = "C06"
name = "杨帆"
posts = ["P02"]

[[stage]]
id = "rec1"
kind = "recommend"
title = "全市干部大会民主推荐"
electorate = {electorate}

[stage.cut]
ratio = "1:2"

[[stage]]
id = "vote1"
kind = "vote"
title = "市委常委会差额票决"
members = 11

[stage.cut]
ratio = "1:1"
pass = "> 1/2"
"""

REC1 = [  # ballot, 审计局局长, 统计局局长
    ("0001", "张伟", "刘洋"), ("0002", "张伟", "陈静"), ("0003", "王芳", "刘洋"),
    ("0004", "张伟；王芳", "刘洋"), ("0005", "", "杨帆"), ("0006", "李强", "刘洋"),
    ("0007", "王芳", "陈静"), ("0008", "张伟", "赵六"), ("0009", "李强", ""),
    ("0010", "张伟", "陈静"),
]


def write_round(folder: Path, electorate: int = 60) -> Path:
    path = folder / "dongtai-2026.toml"
    path.write_text(ROUND.replace("{electorate}", str(electorate)), encoding="utf-8")
    return path


def papers_csv(path: Path, rows, header=("票号", "审计局局长", "统计局局长")) -> Path:
    """Ballot papers (rows) under the round's heading, as Excel in China saves a CSV."""
    return write_csv(path, [list(header), *map(list, rows)], "gb18030")


def setup_rec1(run, folder: Path) -> Path:
    """A round stored, and rec1 tallied in two batches; returns the folder of ballot files."""
    files = folder / "ballots"
    files.mkdir()
    assert run("init", write_round(folder)).exit_code == 0
    papers_csv(files / "rec1-a.csv", REC1[:6])
    papers_csv(files / "rec1-b.csv", REC1[6:])
    r = run("tally", "rec1", files / "rec1-a.csv", "--present", "50", "--issued", "50")
    assert r.exit_code == 0, r.stderr
    r = run("tally", "rec1", files / "rec1-b.csv")
    assert r.exit_code == 0, r.stderr
    return files


def tamper_row(batch: int, line: int, edit, db: str = "selector.db") -> None:
    """Edit one stored raw row as someone with the file and the sqlite3 shell would, inside
    its chunk (table row_chunks): a row of a chunk stored as CSV text (a CSV file's, or
    plain workbook rows) is a line of the chunk's `text`, and edit(line text) replaces it; a
    row of a JSON chunk (other workbook rows) is JSON in `cells`, and edit(cells JSON) replaces it."""
    conn = sqlite3.connect(db)
    first, cells, text = conn.execute("SELECT first_line, cells, text FROM row_chunks "
                                      "WHERE batch = ? AND ? BETWEEN first_line AND last_line",
                                      [batch, line]).fetchone()
    if text is not None:
        lines = text.splitlines(keepends=True)  # the test files have no line break in a cell
        body = lines[line - first].rstrip("\r\n")
        lines[line - first] = edit(body) + lines[line - first][len(body):]
        conn.execute("UPDATE row_chunks SET text = ? WHERE batch = ? AND first_line = ?",
                     ["".join(lines), batch, first])
    else:
        pairs = [[n, json.dumps(c, ensure_ascii=False)] for n, c in json.loads(cells)]
        assert [n for n, _ in pairs].count(line) == 1
        cells = "[" + ", ".join(f"[{n}, {edit(c) if n == line else c}]" for n, c in pairs) + "]"
        conn.execute("UPDATE row_chunks SET cells = ? WHERE batch = ? AND first_line = ?",
                     [cells, batch, first])
    conn.commit()
    conn.close()


VOTE1 = [("%03d" % i, "张伟" if i <= 7 else "王芳", "刘洋" if i <= 5 else "陈静") for i in range(1, 11)]


def tamper(sql: str, *params) -> None:
    """Edit the database as someone with the file and the sqlite3 shell would."""
    conn = sqlite3.connect("selector.db")
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
    conn.execute(sql, params)
    conn.commit()
    conn.close()
    restore_guards()


def restore_guards() -> None:
    conn = sqlite3.connect("selector.db")
    for action in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER IF NOT EXISTS events_no_{action.lower()} BEFORE {action} ON events "
                     "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END")
    conn.commit()
    conn.close()


def long_file(path: Path, ballots: int, start: int = 0) -> Path:
    """A long-layout CSV (ballot, post, candidate): two rows per paper."""
    p01, p02 = ("张伟", "王芳", "李强"), ("刘洋", "陈静", "杨帆")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("ballot,post,candidate\r\n")
        for i in range(start, start + ballots):
            f.write(f"B{i:06d},P01,{p01[i % 3]}\r\nB{i:06d},P02,{p02[i // 3 % 3]}\r\n")
    return path


def dump(db: str) -> list[str]:
    conn = sqlite3.connect(db)
    lines = list(conn.iterdump())
    conn.close()
    return lines
