"""Withdrawing a batch is as if it had never been tallied (hypothesis): batches A, B, C tallied
and B withdrawn give the counts, cut and `--json` (apart from the record: the batch list and the
corrections) of A and C tallied alone; and the corrected record verifies."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from support import good_round, write_csv

HEADER = ["ballot", "category", "审计局局长", "统计局副局长", "void"]
TEXTS = ["张伟(审计)", "张伟(统计)", "张伟", "李娜", "王芳", "刘洋", "陈静", "C03", "赵六"]
RECORD = ("stage_batches", "corrections")  # what only the record tells apart

cells = st.lists(st.sampled_from(TEXTS), max_size=2).map("；".join)
papers = st.tuples(st.sampled_from(["领导干部", "一般干部"]), cells, cells,
                   st.sampled_from(["", "", "", "撕毁"]))
batches = st.lists(st.lists(papers, min_size=1, max_size=8), min_size=3, max_size=3)


def numbered(all_batches):
    """Ballot numbers unique across the three batches."""
    out, n = [], 0
    for batch in all_batches:
        rows = []
        for category, p1, p2, void in batch:
            n += 1
            rows.append([f"{n:03d}", category, p1, p2, void])
        out.append(rows)
    return out


def without_record(text: str) -> dict:
    view = json.loads(text)
    return {k: v for k, v in view.items() if k not in RECORD}


@settings(max_examples=30, deadline=None)
@given(batches)
def test_withdrawing_b_is_tallying_a_and_c(items):
    from selector.cli import app

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for name, rows in zip("abc", numbered(items)):
            files.append(write_csv(folder / f"{name}.csv", [HEADER, *rows]))
        a, b, c = files
        round_file = good_round(folder)

        def run(db: str, *args):
            return runner.invoke(app, ["--db", str(folder / db), *map(str, args)], catch_exceptions=False)

        for db, tallied in (("abc.db", (a, b, c)), ("ac.db", (a, c))):
            assert run(db, "init", round_file).exit_code == 0
            r = run(db, "tally", "rec1", tallied[0], "--present", "30", "--issued", "30")
            assert r.exit_code == 0, r.stderr
            for f in tallied[1:]:
                r = run(db, "tally", "rec1", f)
                assert r.exit_code == 0, r.stderr
        r = run("abc.db", "tally", "rec1", "--withdraw", "2", "--reason", "第二批误录")
        assert r.exit_code == 0, r.stderr

        shown = [run(db, "show", "rec1", "--json") for db in ("abc.db", "ac.db")]
        assert without_record(shown[0].stdout) == without_record(shown[1].stdout)
        cut = [run(db, "cut", "rec1", "--json") for db in ("abc.db", "ac.db")]
        assert cut[0].exit_code == cut[1].exit_code
        assert cut[0].stderr == cut[1].stderr
        assert without_record(cut[0].stdout) == without_record(cut[1].stdout)
        r = run("abc.db", "audit", "verify")
        assert r.exit_code == 0, r.stderr
        assert "1 correction rechecked" in r.stdout
