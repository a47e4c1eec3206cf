"""bench/many_posts.py's rounds, small: N posts × K candidates make a round `init` takes and a
ballot file `tally` counts, K people standing for each post, the same bytes every run; the
default K (6) keeps the files the script made before it took `--candidates`."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import many_posts  # noqa: E402


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("per_post", [3, 6, 12])
def test_a_round_of_n_posts_and_k_candidates_is_made_and_tallied(run, tmp_path, per_post):
    made = many_posts.build(tmp_path / "a", 4, 30, per_post)
    many_posts.build(tmp_path / "b", 4, 30, per_post)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    with open(made["round"].with_name("roster.csv"), encoding="utf-8", newline="") as f:
        roster = list(csv.DictReader(f))
    assert Counter(r["posts"] for r in roster) == {f"P{i:05d}": per_post for i in range(1, 5)}
    with open(made["wide"], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 31 and rows[0] == ["ballot", "P00001", "P00002", "P00003", "P00004"]
    standing = {(r["posts"], r["name"]) for r in roster}
    assert all((post, cell) in standing for row in rows[1:] for post, cell in zip(rows[0][1:], row[1:]) if cell)
    db = tmp_path / "posts.db"
    assert run("--db", db, "init", made["round"]).exit_code == 0
    r = run("--db", db, "tally", "rec", made["wide"], "--present", "40", "--issued", "40")
    assert r.exit_code == 0, r.output
    shown = json.loads(run("--db", db, "show", "rec", "--json").stdout)
    assert shown["attendance"]["returned"] == 30
    counted = {p["post"]: {c["name"]: c["votes"] for c in p["results"] if c["votes"]} for p in shown["posts"]}
    marked = {post: Counter(row[i] for row in rows[1:] if row[i]) for i, post in enumerate(rows[0][1:], 1)}
    assert counted == marked


# The files of 3 posts and 5 ballots as the script made them before it took --candidates (a94e335).
BEFORE = {"roster.csv": "68256ec8b0f48b8565e5fd82f6dc42eca9281cbcc00702c99bf600e4a40c8c89",
          "round.toml": "731f556e312eb8c6cbb2cdc1904d1d979199226ade85ab7919abea00d3590803",
          "wide.csv": "df2dc87f07b4be2204bd448edece9c7cdf693b80cf5d40a5cb2d39231909a04b"}


def test_the_default_candidates_make_the_files_they_made_before(tmp_path):
    # Without --candidates the script times the same files as before: figures stay comparable.
    many_posts.build(tmp_path, 3, 5)
    assert _digests(tmp_path) == BEFORE
