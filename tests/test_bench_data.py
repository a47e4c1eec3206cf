"""The benchmark's data, small: the same bytes every run, and the long and wide files hold
the same marks (so the benchmark compares the two layouts on equal work)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import make_data  # noqa: E402

N = 2100  # ballots: the round's electorate is N + 1,000, and the quorum 2/3 of it


def test_bench_data_is_deterministic_and_both_layouts_tally_alike(run, tmp_path):
    first = make_data.build(tmp_path / "a", N)
    again = make_data.build(tmp_path / "b", N)
    for key in ("round", "long", "wide"):
        assert first[key].read_bytes() == again[key].read_bytes(), key
    results = {}
    for layout in ("long", "wide"):
        db = tmp_path / f"{layout}.db"
        assert run("--db", db, "init", first["round"]).exit_code == 0
        r = run("--db", db, "tally", "rec1", first[layout], "--layout", layout, "--present", str(N),
                "--issued", str(N))
        assert r.exit_code == 0, r.stderr
        r = run("--db", db, "show", "rec1", "--json")
        assert r.exit_code == 0, r.stderr
        view = json.loads(r.stdout)
        assert view["attendance"]["returned"] == N
        results[layout] = [(p["post"], p["ballots"], [(c["candidate"], c["votes"]) for c in p["results"]])
                           for p in view["posts"]]
    assert results["long"] == results["wide"]
    assert len(results["long"]) == make_data.POSTS


def test_the_batch_files_are_the_wide_file_cut_in_parts(tmp_path):
    import batches

    whole = make_data.build(tmp_path / "all", 300)["wide"].read_bytes()
    round_file, wide, parts = batches.make_files(tmp_path / "cut", 3, 100)
    assert wide.read_bytes() == whole  # the same bytes without the long file
    assert not (wide.parent / "long.csv").exists()
    header, *rows = whole.splitlines(keepends=True)
    assert [p.read_bytes() for p in parts] == [header + b"".join(rows[i:i + 100]) for i in (0, 100, 200)]
    assert round_file.read_text(encoding="utf-8") == (tmp_path / "all" / "bench.toml").read_text(encoding="utf-8")
