"""The view a tally prints is made from the count it just stored (not read back): it must be
the view `show` makes from the stored count, dict orders included (candidates by id,
categories by name), batch after batch."""

from __future__ import annotations

import json

from support import ROOT

EXAMPLE = ROOT / "examples" / "haimen-2011"


def _without(view: dict, *keys: str) -> dict:
    return {k: v for k, v in view.items() if k not in keys}


def test_the_tally_view_is_the_stored_view(run):
    assert run("init", ROOT / "rounds" / "haimen-2011.toml").exit_code == 0
    # rec1 weighs three categories (by_category per candidate); two counting teams' files
    for args in (("rec1-a.csv", "--present", "398", "--issued", "398"), ("rec1-b.csv",)):
        tallied = run("tally", "rec1", EXAMPLE / args[0], *args[1:], "--json")
        assert tallied.exit_code == 0, tallied.stderr
        shown = run("show", "rec1", "--json")
        tally_view = json.loads(tallied.stdout)
        show_view = json.loads(shown.stdout)
        assert _without(tally_view, "batches", "dry_run") == show_view
        # the same text, keys in the same order (what --json prints byte for byte)
        assert json.dumps(_without(tally_view, "batches", "dry_run"), ensure_ascii=False) == \
            json.dumps(show_view, ensure_ascii=False)
        by_category = [r["by_category"] for p in show_view["posts"] for r in p["results"] if r["by_category"]]
        assert by_category and all(list(c) == sorted(c) for c in by_category)


def test_the_recorded_results_digest_is_the_stored_snapshots(run, tmp_path):
    # The tally event's results_sha256 is made from the count it stored, not read back: it
    # must be the digest of what the database holds (invalid marks, void papers, categories).
    from selector.storage.store import Store

    assert run("init", ROOT / "rounds" / "haimen-2011.toml").exit_code == 0
    for args in (("rec1-a.csv", "--present", "398", "--issued", "398"), ("rec1-b.csv",)):
        assert run("tally", "rec1", EXAMPLE / args[0], *args[1:]).exit_code == 0
        store = Store(tmp_path / "selector.db")
        tallies = store.select("events", "command = ?", ["tally"], "id")
        assert len(tallies) == (1 if args[0] == "rec1-a.csv" else 2)
        details = json.loads(tallies[-1]["details"])
        # the first batch records the whole snapshot's digest; the second the chained form
        # (its own invalid marks chained onto the first's: m014_flat_batches)
        assert ("marks_sha256" in details) == (args[0] == "rec1-b.csv")
        assert details["results_sha256"] == store.results_digest("haimen-2011", "rec1", chained="marks_sha256" in details)
        if "marks_sha256" in details:
            assert details["marks_sha256"] == store.marks_head("haimen-2011", "rec1")
        assert store.snapshot("haimen-2011", "rec1")["invalid_marks"]  # the example has some
        store.conn.close()
    assert run("audit", "verify").exit_code == 0
