"""The export tests' round (东台县, made up): its ballot files, written as Excel in China
saves them (GB18030 CSV with CRLF lines)."""


from __future__ import annotations

from pathlib import Path

from support import write_csv

DATA = Path(__file__).resolve().parent / "data" / "exports"
ROUND = "dongtai-2026.toml"


def _times(*pairs):
    out = []
    for text, n in pairs:
        out += [text] * n
    return out


def rec1_ballots(path: Path) -> Path:
    leaders = list(zip(
        _times(("李强", 9), ("赵敏", 6), ("王芳", 3), ("丁一", 1), ("", 1)),
        _times(("马丽", 8), ("刘洋", 6), ("张伟", 3), ("周涛", 2), ("", 1))))
    general = list(zip(
        _times(("李强", 12), ("王芳", 10), ("赵敏", 8), ("丁一", 2), ("张三", 1), ("", 1)),
        _times(("刘洋", 11), ("马丽", 10), ("周涛", 6), ("张伟", 5), ("马丽；刘洋", 1), ("", 1))))
    rows = [[f"{i:03d}", "领导干部", "", p1, p2] for i, (p1, p2) in enumerate(leaders, start=1)]
    rows += [[f"{i:03d}", "一般干部", "", p1, p2]
             for i, (p1, p2) in enumerate(general, start=len(rows) + 1)]
    rows.append([f"{len(rows) + 1:03d}", "一般干部", "在选票上署名", "", ""])
    return write_csv(path, [["票号", "类别", "废票", "城关镇党委书记", "县审计局局长"], *rows], "gb18030")


def rec2_ballots(path: Path) -> Path:
    p1 = _times(("李强", 11), ("赵敏", 8), ("王芳", 5), ("丁一", 2), ("", 2))
    p2 = _times(("马丽", 10), ("刘洋", 8), ("张伟", 4), ("周涛", 4), ("", 2))
    rows = [[f"{i:02d}", a, b] for i, (a, b) in enumerate(zip(p1, p2), start=1)]
    return write_csv(path, [["ballot", "P01", "P02"], *rows], "gb18030")


def vote1_ballots(path: Path) -> Path:
    p1 = _times(("李强", 6), ("赵敏", 3), ("王芳", 2))
    p2 = _times(("马丽", 5), ("刘洋", 4), ("张伟", 2))
    rows = [[f"{i:02d}", a, b] for i, (a, b) in enumerate(zip(p1, p2), start=1)]
    return write_csv(path, [["票号", "城关镇党委书记", "县审计局局长"], *rows], "gb18030")


def vote2_ballots(path: Path) -> Path:
    cols = {
        "李强": _times(("同意", 10), ("不同意", 3), ("弃权", 1)),
        "赵敏": _times(("不同意", 8), ("同意", 4), ("弃权", 2)),
        "马丽": _times(("同意", 7), ("不同意", 5), ("弃权", 2)),
        "刘洋": _times(("弃权", 2), ("同意", 6), ("不同意", 6)),
    }
    rows = [[f"{i + 1:02d}", *(col[i] for col in cols.values())] for i in range(14)]
    return write_csv(path, [["票号", *cols], *rows], "gb18030")


