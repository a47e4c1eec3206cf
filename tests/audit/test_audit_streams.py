"""`audit verify` at 10M marks holds neither the stored invalid marks and void papers nor the
recount's as dicts, nor a second dict of every ballot number (issue 17: memory that streams);
what it finds, and how it words it, is what it found before."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given, settings, strategies as st

from audit_data import tamper_row
from selector.domain.model import natural
from selector.service import recheck
from selector.service.recheck import Report, compare_table, compare_walked

KEY = ("post", "ballot", "text")
marks = st.lists(st.fixed_dictionaries({"post": st.sampled_from(["P01", "P02", "P10"]),
                                        "ballot": st.sampled_from(["0001", "0002", "0010", "2", "十"]),
                                        "text": st.sampled_from(["赵六", "钱七", "张伟、王芳"]),
                                        "reason": st.sampled_from(["not on the list", "overvote"])}), max_size=8)


def _found(report: Report) -> list[tuple]:
    return [(p.where, p.message, sorted(p.fields.items())) for p in report.problems]


@settings(max_examples=300, deadline=None)
@given(marks, st.data())
def test_walking_in_key_order_finds_what_compare_table_finds(expected, data):
    stored = [dict(r) for r in expected]
    for _ in range(data.draw(st.integers(0, 3))):  # hand edits: a row removed, doubled, changed, added
        edit = data.draw(st.sampled_from(["remove", "double", "reason", "add"]))
        if edit == "add" or not stored:
            stored.append(data.draw(marks.filter(bool))[0])
            continue
        i = data.draw(st.integers(0, len(stored) - 1))
        if edit == "remove":
            del stored[i]
        elif edit == "double":
            stored.insert(i, dict(stored[i]))
        else:
            stored[i] = {**stored[i], "reason": "字迹不清"}
    stored = data.draw(st.permutations(stored))  # any rowid order

    def by_key(rows):  # each key's rows keep their order, as ORDER BY post, ballot, text, rowid does
        return sorted(rows, key=lambda r: tuple(r[k] for k in KEY))

    walked, whole = Report("r"), Report("r")
    compare_walked(walked, "rec1", "invalid_marks", KEY, lambda: (iter(by_key(expected)), iter(by_key(stored))),
                   lambda: (list(expected), list(stored)))
    compare_table(whole, "rec1", "invalid_marks", KEY, list(expected), list(stored))
    assert _found(walked) == _found(whole)


def test_an_honest_stage_of_two_batches_is_walked_not_read_whole(run, tallied, monkeypatch):
    from selector.service.stages import ballots_check

    whole = []
    real = recheck.compare_table

    def compare(report, stage, table, *args):
        whole.append((stage, table))
        real(report, stage, table, *args)

    monkeypatch.setattr(recheck, "compare_table", compare)  # what compare_walked falls back to
    monkeypatch.setattr(ballots_check, "compare_table", compare)
    r = run("audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert ("rec1", "post_results") in whole  # (the fixed-size tables are compared whole, as before)
    assert not [t for t in whole if t[1] in ("invalid_marks", "void_papers")], whole


@pytest.mark.parametrize("edit,found,not_found", [
    # a paper of batch 1 again in batch 2: not counted twice, and batch 2's own paper is missing
    (partial(tamper_row, 2, 2, lambda t: t.replace("0007", "0001")),
     ["stage rec1: table rows, batch 2: ballot 0001 is also in batch 1",
      "stage rec1: table papers, ballot 0007: batch 2 in the database, None in the stored rows"],
     ["table papers, ballot 0001"]),
    # a row that no longer reads (too few cells) stops its batch: the papers read before it
    # were counted, the rest are not
    (partial(tamper_row, 1, 4, lambda t: "0003,王芳"),
     ["stage rec1: table rows, batch 1 (rec1-a.csv): the stored rows no longer read as ballots",
      *(f"stage rec1: table papers, ballot 000{n}: batch 1 in the database, None in the stored rows"
        for n in (3, 4, 5, 6))],
     ["table papers, ballot 0001", "table papers, ballot 0002", "table papers, ballot 0007"]),
])
def test_the_recount_knows_each_paper_s_batch_as_before(run, tallied, edit, found, not_found):
    edit()
    r = run("audit", "verify")
    assert r.exit_code == 3, r.stdout
    for text in found:
        assert text in r.stderr, r.stderr
    for text in not_found:
        assert text not in r.stderr, r.stderr
    papers = [line for line in r.stderr.splitlines() if "table papers, ballot" in line]
    assert papers == sorted(papers, key=lambda line: natural(line.split("ballot ")[1].split(":")[0]))
