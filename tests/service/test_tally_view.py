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
        tally_view = _without(json.loads(tallied.stdout), "batches", "dry_run")
        show_view = json.loads(shown.stdout)
        if args[0] == "rec1-b.csv":
            # a later batch lists its own invalid marks only (earlier ones are not read back),
            # and says how many came before: the last of show's list, in the stored order
            for mine, stored in zip(tally_view["posts"], show_view["posts"]):
                earlier = mine.pop("invalid_marks_earlier", 0)
                assert mine["invalid_mark_list"] == stored["invalid_mark_list"][earlier:]
                assert mine["invalid_marks"] == stored["invalid_marks"] == len(stored["invalid_mark_list"])
                mine["invalid_mark_list"] = stored["invalid_mark_list"]
            assert any(p["invalid_mark_list"] for p in show_view["posts"])
        assert tally_view == show_view
        # the same text, keys in the same order (what --json prints byte for byte)
        assert json.dumps(tally_view, ensure_ascii=False) == json.dumps(show_view, ensure_ascii=False)
        by_category = [r["by_category"] for p in show_view["posts"] for r in p["results"] if r["by_category"]]
        assert by_category and all(list(c) == sorted(c) for c in by_category)


def test_a_later_batch_lists_its_own_invalid_marks_and_counts_the_earlier_ones(run):
    assert run("init", ROOT / "rounds" / "haimen-2011.toml").exit_code == 0
    assert run("tally", "rec1", EXAMPLE / "rec1-a.csv", "--present", "398", "--issued", "398").exit_code == 0
    first = {p["post"]: p["invalid_marks"] for p in json.loads(run("show", "rec1", "--json").stdout)["posts"]}
    screen = run("tally", "rec1", EXAMPLE / "rec1-b.csv").stdout
    shown = json.loads(run("show", "rec1", "--json").stdout)
    earlier = [n for n in first.values() if n]
    assert earlier, "the example's first file has invalid marks"
    for n in set(earlier):
        word = "mark" if n == 1 else "marks"
        assert f"and {n} invalid {word} of earlier batches: selector show rec1 lists them all" in screen
    # show lists every mark, and says nothing of earlier batches
    assert "earlier batches" not in run("show", "rec1").stdout
    assert all("invalid_marks_earlier" not in p for p in shown["posts"])


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
