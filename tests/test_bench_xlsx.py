"""bench/xlsx.py's workbook, small: the same bytes every run, the same rows as the wide CSV
it is written from, read by the fast path alone, and the same tally (so the benchmark
compares XLSX and CSV on equal work)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import make_data  # noqa: E402
import xlsx  # noqa: E402

from selector.readers import sheetxml  # noqa: E402
from selector.readers.tables import open_table  # noqa: E402

N = 2100  # ballots: the round's electorate is N + 1,000, and the quorum 2/3 of it


def _never(*args, **kw):
    raise AssertionError("read with openpyxl's parser")


def test_the_bench_workbook_holds_the_wide_files_marks_and_tallies_alike(run, tmp_path):
    made = make_data.build(tmp_path, N)
    xlsx.write_xlsx(made["wide"], tmp_path / "a.xlsx", N)
    xlsx.write_xlsx(made["wide"], tmp_path / "b.xlsx", N)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with open_table(made["wide"]) as table:
        from_csv = table.header, list(table.rows)
    with mock.patch.object(sheetxml.Sheet, "_slow", _never), mock.patch.object(sheetxml.Sheet, "_openpyxl", _never):
        with open_table(tmp_path / "a.xlsx") as table:
            assert (table.header, list(table.rows)) == from_csv
    views = []
    for name, path in (("csv", made["wide"]), ("xlsx", tmp_path / "a.xlsx")):
        db = tmp_path / f"{name}.db"
        assert run("--db", db, "init", made["round"]).exit_code == 0
        r = run("--db", db, "tally", "rec1", path, "--present", str(N), "--issued", str(N))
        assert r.exit_code == 0, r.stderr
        view = json.loads(run("--db", db, "show", "rec1", "--json").stdout)
        assert view["attendance"]["returned"] == N
        views.append([(p["post"], p["ballots"], [(c["candidate"], c["votes"]) for c in p["results"]])
                      for p in view["posts"]])
    assert views[0] == views[1]
    assert len(views[0]) == make_data.POSTS
