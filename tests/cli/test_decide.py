"""讨论决定 (a `decide` stage) and 再次投票 (re-votes of a vote stage) through the command line: sittings
from record files, 回避, 暂缓, the majority of 应到会成员, the re-votes a round allows, the sheets and
`audit verify`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from support import DATA, good_round, write_csv

DECIDE = DATA / "decide"
REVOTE_LI_NA = """# 市委常委会第 25 次会议：对李娜同志再次投票
date = 2026-12-04
present = 9
method = "ballot"

[[item]]
nominee = "李娜"
agree = 5
disagree = 4
"""


@pytest.fixture
def decided(run, tmp_path):
    """The 常委会 round with its first two sittings recorded."""
    for name in ("round.toml", "sitting-1.toml", "sitting-2.toml"):
        shutil.copy(DECIDE / name, tmp_path / name)
    assert run("init", "round.toml").exit_code == 0
    return run


def posts(run, stage="decide") -> dict[str, dict]:
    result = run("show", stage, "--json")
    assert result.exit_code == 0, result.stderr
    return {p["post"]: p for p in json.loads(result.stdout)["posts"]}


def test_a_standing_committee_sitting_6_of_11_pass_5_of_11_do_not(decided):
    result = decided("sitting", "decide", "sitting-1.toml", "--json")
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["kind"] == "decide" and view["recorded"] == {"sitting": 1, "date": "2026-11-20"}
    assert view["sittings"][0]["method"] == "hands" and view["attendance"] == {
        "members": 11, "present": 11, "issued": None, "returned": 0}
    by_post = {p["post"]: p for p in view["posts"]}
    zhang, li = by_post["P01"]["results"][0], by_post["P02"]["results"][0]
    assert (zhang["name"], zhang["yes"], zhang["passed"], by_post["P01"]["outcome"]) == ("张伟", 6, True, "ok")
    assert (li["name"], li["yes"], li["passed"], li["needs"]) == ("李娜", 5, False, 1)
    assert by_post["P01"]["pass_line"] == {"rule": "> 1/2", "base": "members", "of": 11, "votes": 6}
    # 李娜 failed: the round allows one re-vote, so the post waits for it
    assert by_post["P02"]["status"] == "revote" and by_post["P02"]["pending"]["ballot"] == ["C02"]
    assert by_post["P03"]["status"] == "deferred"
    assert "next: selector sitting decide SITTING.toml (posts open: P02, P03)" in decided("status").stdout


def test_recusal_reduces_one_nominee_voters_and_a_deferred_post_is_decided_later(decided):
    assert decided("sitting", "decide", "sitting-1.toml").exit_code == 0
    refused = decided("cut", "decide")
    assert refused.exit_code == 1
    assert "P03 deferred (暂缓: 王芳 (C03), 刘洋 (C04))" in refused.stderr
    assert "`selector sitting decide SITTING.toml`" in refused.stderr
    assert decided("sitting", "decide", "sitting-2.toml").exit_code == 0
    p03 = posts(decided)["P03"]
    wang = next(r for r in p03["results"] if r["candidate"] == "C03")
    liu = next(r for r in p03["results"] if r["candidate"] == "C04")
    assert (wang["recused"], wang["voters"], wang["sitting"], wang["passed"]) == (["钱进"], 9, 2, True)
    assert (liu["recused"], liu["voters"], liu["passed"]) == ([], 10, False)
    assert [(v["sitting"], v["deferred"]) for v in p03["votes"]] == [(1, True), (1, True), (2, False), (2, False)]
    assert p03["outcome"] == "ok" and p03["decided"] and wang["chosen"] and not liu["chosen"]
    screen = decided("show", "decide").stdout
    assert "recused (回避): 钱进" in screen and "deferred (暂缓表决)" in screen


def test_a_failed_nominee_left_unfilled_after_the_allowed_revote_then_the_cut_locks(decided, tmp_path):
    for name in ("sitting-1.toml", "sitting-2.toml"):
        assert decided("sitting", "decide", name).exit_code == 0
    (tmp_path / "sitting-3.toml").write_text(REVOTE_LI_NA, "utf-8")
    assert decided("sitting", "decide", "sitting-3.toml").exit_code == 0
    p02 = posts(decided)["P02"]
    assert (p02["status"], p02["decision"]["kind"], p02["revotes"]) == ("unfilled", "unfilled", 1)
    assert [v["revote"] for v in p02["votes"]] == [False, True]
    result = decided("cut", "decide", "--json")
    assert result.exit_code == 0, result.stderr
    locked = {p["post"]: (p["status"], p["advanced"]) for p in json.loads(result.stdout)["posts"]}
    assert locked == {"P01": ("ok", ["C01"]), "P02": ("unfilled", []), "P03": ("ok", ["C03"])}
    # the next stage takes the decided list; a further sitting is refused
    assert decided("notice", "notice", "open", "--start", "2026-12-07").exit_code == 0
    again = decided("sitting", "decide", "sitting-3.toml")
    assert again.exit_code == 1 and "cut is locked" in again.stderr
    verify = decided("audit", "verify")
    assert verify.exit_code == 0, verify.stderr
    assert "3 sittings re-read" in verify.stdout


def test_the_decision_sheet_in_every_format(decided, tmp_path):
    for name in ("sitting-1.toml", "sitting-2.toml"):
        assert decided("sitting", "decide", name).exit_code == 0
    md = decided("export", "decide", "--doc", "decision", "--format", "md")
    assert md.exit_code == 0, md.stderr
    text = md.stdout
    assert text.startswith("# 讨论决定结果表")
    assert "| 会次 | 姓名 | 同意 | 不同意 | 缓议 | 参加表决 | 回避 | 结果" in text
    assert "钱进" in text and "暂缓表决" in text and "举手表决" in text and "无记名投票" in text
    assert "决定：张伟" in text and "待再次投票：李娜（1 名）" in text
    # a 常委会's line is over its 成员, not a 全委会's 委员
    assert "通过线：超过应到会成员半数（11 名，即 6 票）" in text and "委员" not in text
    assert "第 2 次会议：2026年11月27日，实到 10 人，无记名投票（sitting-2.toml）" in text  # dates as documents write them
    for fmt in ("xlsx", "docx", "csv", "json"):
        out = tmp_path / f"decision.{fmt}"
        result = decided("export", "decide", "--doc", "decision", "--format", fmt, "--out", out)
        assert result.exit_code == 0, result.stderr
        assert out.stat().st_size > 0
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "decision.xlsx")
    assert len(book.worksheets) == 3  # one sheet a post
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "讨论决定结果表" in cells and "钱进" in cells and any("暂缓表决" in str(c) for c in cells)
    refused = decided("export", "decide", "--doc", "tally", "--format", "md")
    assert refused.exit_code == 2 and "decision" in refused.stderr  # the documents it has are named


def test_audit_verify_finds_an_edited_sitting(decided, tmp_path):
    assert decided("sitting", "decide", "sitting-1.toml").exit_code == 0
    conn = sqlite3.connect(tmp_path / "selector.db")
    items = json.loads(conn.execute("SELECT items FROM sittings").fetchone()[0])
    items[1]["agree"] = 6  # 李娜 would pass
    conn.execute("UPDATE sittings SET items = ?", [json.dumps(items, ensure_ascii=False)])
    conn.commit()
    conn.close()
    result = decided("audit", "verify")
    assert result.exit_code == 3
    assert "table sittings, row 1: items differ from the stored record re-read" in result.stderr


def test_wrong_commands_for_the_kind(decided, tmp_path):
    tally = decided("tally", "decide", "sitting-1.toml")
    assert tally.exit_code == 2 and "record its sittings with `selector sitting decide SITTING.toml`" in tally.stderr
    resolve = decided("cut", "decide", "--resolve", "P02=C02", "--reason", "常委会研究")
    assert resolve.exit_code == 1 and "not by --resolve or by lot" in resolve.stderr


# -- re-votes of a vote stage (the good round: rec1 → vote1, approve, pass > 1/2 of 9) -------------

REC1 = [["ballot", "category", "审计局局长", "统计局副局长"], ["1", "一般干部", "C01", "C02"],
        ["2", "一般干部", "C04", "C03"], ["3", "一般干部", "C01", "C02"], ["4", "一般干部", "C04", "C03"]]
# P01: 张伟(审计) and 王芳 both pass with 6 of 8 papers: tied for the one seat.
VOTE1 = [["ballot", "张伟(审计)", "王芳", "张伟(统计)", "李娜"],
         *[[str(i), "同意", "同意", "同意", "不同意"] for i in range(1, 5)],
         ["5", "同意", "同意", "同意", "同意"], ["6", "不同意", "同意", "同意", "同意"],
         ["7", "同意", "不同意", "弃权", "同意"], ["8", "不同意", "不同意", "同意", "同意"]]


def revote(path: Path, day: str, zhang: int, wang: int) -> Path:
    path.write_text(f'date = {day}\npresent = 8\nmethod = "ballot"\n\n[[item]]\nnominee = "张伟(审计)"\n'
                    f'agree = {zhang}\ndisagree = {8 - zhang}\n\n[[item]]\nnominee = "王芳"\nagree = {wang}\n'
                    f'disagree = {8 - wang}\n', "utf-8")
    return path


@pytest.fixture
def tied(run, tmp_path):
    def at(extra: str = "", append: str = ""):
        good_round(tmp_path, {"members = 9": "members = 9" + extra}, append)
        assert run("init", "round.toml").exit_code == 0
        write_csv(tmp_path / "rec1.csv", REC1)
        assert run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
        assert run("cut", "rec1").exit_code == 0
        write_csv(tmp_path / "vote1.csv", VOTE1)
        assert run("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8").exit_code == 0
        return run

    return at


def test_resolve_is_refused_on_a_vote_stage_with_the_way_to_record_the_revote(tied):
    run = tied()
    result = run("cut", "vote1", "--resolve", "P01=C01", "--reason", "常委会研究决定")
    assert result.exit_code == 1
    assert ("stage vote1 is a vote stage: a tie or a failed vote is settled by voting again (再次投票), not by "
            "--resolve or by lot: record the re-vote with `selector sitting vote1 REVOTE.toml`") in result.stderr
    held = run("cut", "vote1")
    assert held.exit_code == 1 and "P01 goes to a re-vote (张伟(审计) (C01), 王芳 (C04) for 1 place)" in held.stderr
    assert "next: selector sitting vote1 REVOTE.toml (a re-vote (再次投票) of P01)" in run("status").stdout


def test_a_tie_revoted_and_resolved(tied, tmp_path):
    run = tied()
    result = run("sitting", "vote1", revote(tmp_path / "revote.toml", "2026-11-20", 5, 3), "--json")
    assert result.exit_code == 0, result.stderr
    cut = run("cut", "vote1", "--json")
    assert cut.exit_code == 0, cut.stderr
    p01 = json.loads(cut.stdout)["posts"][0]
    assert (p01["status"], p01["advanced"], p01["decision"]["kind"], p01["decision"]["chosen"]) == (
        "ok", ["C01"], "revote", ["C01"])
    assert [(v["candidate"], v["yes"], v["passed"], v["revote"]) for v in p01["revotes"]] == [
        ("C01", 5, True, True), ("C04", 3, False, True)]
    sheet = run("export", "vote1", "--doc", "vote", "--format", "md").stdout
    assert "经再次投票产生：张伟(审计)" in sheet and "（再次投票）" in sheet
    verify = run("audit", "verify")
    assert verify.exit_code == 0 and "1 sitting re-read" in verify.stdout
    more = run("tally", "vote1", "vote1.csv")
    assert more.exit_code == 1


def test_a_tie_left_unfilled_after_the_allowed_revotes(tied, tmp_path):
    run = tied()  # the round allows one re-vote (the default) and leaves the post unfilled after it
    assert run("sitting", "vote1", revote(tmp_path / "revote-1.toml", "2026-11-20", 4, 4)).exit_code == 0
    p01 = posts(run, "vote1")["P01"]
    assert (p01["status"], p01["advanced"], p01["decision"]["kind"]) == ("unfilled", None, "unfilled")
    assert "pending" not in p01 and [v["yes"] for v in p01["revotes"]] == [4, 4]
    assert run("cut", "vote1", "--json").exit_code == 0
    p01 = posts(run, "vote1")["P01"]
    assert (p01["status"], p01["advanced"], p01["decision"]["kind"]) == ("unfilled", [], "unfilled")
    late = run("sitting", "vote1", revote(tmp_path / "revote-2.toml", "2026-11-21", 6, 2))
    assert late.exit_code == 1 and "cut is locked" in late.stderr


def test_two_revotes_allowed_and_a_sitting_without_a_tie_refused(tied, tmp_path):
    run = tied('\nrevotes = 2\nafter_revotes = "refer"')
    assert run("sitting", "vote1", revote(tmp_path / "revote-1.toml", "2026-11-20", 4, 4)).exit_code == 0
    assert posts(run, "vote1")["P01"]["pending"]["held"] == 1  # tied again: the second re-vote is allowed
    assert run("sitting", "vote1", revote(tmp_path / "revote-2.toml", "2026-11-21", 6, 2)).exit_code == 0
    p01 = posts(run, "vote1")["P01"]
    assert p01["status"] == "ok" and p01["decision"]["chosen"] == ["C01"]
    again = run("sitting", "vote1", revote(tmp_path / "revote-3.toml", "2026-11-22", 5, 3))
    assert again.exit_code == 1 and "has no post waiting for a re-vote" in again.stderr


def test_lot_is_refused_for_a_vote_stage_in_the_round_file(run, tmp_path):
    good_round(tmp_path, {'pass_base = "members"': 'pass_base = "members"\nties = "lot"'})
    result = run("check", "round.toml")
    assert result.exit_code == 1
    assert ('stage[1].cut.ties: "lot" is not for a vote: a tie in a vote goes to a re-vote (再次投票); use "hold" '
            '(re-vote) or "widen"') in result.stderr


def test_a_cut_a_decision_was_made_on_cannot_be_reopened(tied, tmp_path):
    run = tied(append='\n[[stage]]\nid = "decide"\nkind = "decide"\ntitle = "市委常委会讨论决定"\nmembers = 11\n')
    assert run("sitting", "vote1", revote(tmp_path / "revote.toml", "2026-11-20", 5, 3)).exit_code == 0
    assert run("cut", "vote1").exit_code == 0
    (tmp_path / "decide.toml").write_text('date = 2026-11-27\npresent = 9\nmethod = "oral"\n\n[[item]]\n'
                                          'nominee = "张伟(审计)"\nagree = 9\n', "utf-8")
    assert run("sitting", "decide", "decide.toml").exit_code == 0
    # with members given as a number, 回避 cannot be checked: the record asks for their names
    (tmp_path / "recused.toml").write_text('date = 2026-11-28\npresent = 9\nmethod = "oral"\n\n[[item]]\n'
                                           'nominee = "张伟(统计)"\nagree = 9\nrecused = ["钱进"]\n', "utf-8")
    named = run("sitting", "decide", "recused.toml")
    assert named.exit_code == 1 and "item[0].recused: stage decide gives its members as a number" in named.stderr
    refused = run("cut", "vote1", "--reopen", "--reason", "选票录入有误")
    assert refused.exit_code == 1 and "decide: 1 sitting" in refused.stderr
    assert "stage decide has recorded sittings" in refused.stderr


PAPERS = "票号,废票,王芳,刘洋\n" + "".join(
    f"{i},,{'同意' if i <= 7 else '不同意'},{'不同意' if i <= 6 else '同意' if i <= 9 else '缓议'}\n" for i in range(1, 11)
) + "11,撕毁,,\n"


def test_a_secret_ballot_counted_from_its_papers(decided, tmp_path):
    assert decided("sitting", "decide", "sitting-1.toml").exit_code == 0
    (tmp_path / "papers-24.csv").write_bytes(PAPERS.encode("gb18030"))
    (tmp_path / "sitting-24.toml").write_text(
        '# 市委常委会第 24 次会议（无记名投票）\ndate = 2026-11-27\npresent = 11\nmethod = "ballot"\n'
        'papers = "papers-24.csv"\n\n[[item]]\nnominee = "王芳"\n\n[[item]]\nnominee = "刘洋"\n', "utf-8")
    result = decided("sitting", "decide", "sitting-24.toml", "--json")
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    votes = {v["candidate"]: (v["yes"], v["no"], v["other"]) for v in
             next(p for p in view["posts"] if p["post"] == "P03")["votes"] if v["sitting"] == 2}
    assert votes == {"C03": (7, 3, 0), "C04": (3, 6, 1)}  # paper 11 is void
    assert view["sittings"][1]["papers_file"] == "papers-24.csv"
    verify = decided("audit", "verify", "--files", tmp_path)
    assert verify.exit_code == 0, verify.stderr
    # the papers are stored: an edit of them is found
    conn = sqlite3.connect(tmp_path / "selector.db")
    conn.execute("UPDATE sittings SET papers = ? WHERE number = 2", [PAPERS.replace("7,,同意", "7,,不同意")
                                                                     .encode("gb18030")])
    conn.commit()
    conn.close()
    assert "the stored papers hash to" in decided("audit", "verify").stderr


@pytest.mark.parametrize("papers, extra, message", [
    ("票号,王芳,刘洋\n1,同意,OK\n", "", "papers-x.csv: row 2, column 3 (刘洋): 'OK' is not a mark"),
    ("票号,王芳\n1,同意\n", "", "papers-x.csv: row 1: no column for 刘洋"),
    ("票号,王芳,刘洋\n1,同意,同意\n1,同意,同意\n", "", "papers-x.csv: row 3: ballot 1 appears twice (also row 2)"),
    ("票号,王芳,刘洋\n1,同意,同意\n", "agree = 1\n", "sitting-x.toml: item[0].agree: the counts come from the papers"),
    ("票号,王芳,刘洋\n" + "".join(f"{i},同意,同意\n" for i in range(12)), "",
     "papers-x.csv: 12 papers but only 11 present"),
])
def test_papers_refused_whole(decided, tmp_path, papers, extra, message):
    (tmp_path / "papers-x.csv").write_text(papers, "utf-8")
    (tmp_path / "sitting-x.toml").write_text(
        'date = 2026-11-27\npresent = 11\nmethod = "ballot"\npapers = "papers-x.csv"\n\n[[item]]\n'
        f'nominee = "王芳"\n{extra}\n[[item]]\nnominee = "刘洋"\n', "utf-8")
    result = decided("sitting", "decide", "sitting-x.toml")
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert decided("show", "decide", "--json").stdout.count('"number"') == 0  # nothing stored


def test_a_post_nobody_passes_goes_to_a_revote_of_the_same_list(run, tmp_path):
    """issue 12.2: with `shortfall = "revote"` a vote stage's post where nobody passes is voted again
    (not accepted short, not decided by a clerk), among the same nominees."""
    good_round(tmp_path, {'shortfall = "accept"': 'shortfall = "revote"'})
    assert run("init", "round.toml").exit_code == 0
    write_csv(tmp_path / "rec1.csv", REC1)
    assert run("tally", "rec1", "rec1.csv", "--present", "20", "--issued", "20").exit_code == 0
    assert run("cut", "rec1").exit_code == 0
    # P01: 张伟(审计) 6 of 9 members passes; P02: 张伟(统计) 4 and 李娜 3 — nobody has the 5 needed
    write_csv(tmp_path / "vote1.csv", [
        ["ballot", "张伟(审计)", "王芳", "张伟(统计)", "李娜"],
        *[[str(i), "同意", "不同意", "同意", "同意"] for i in (1, 2, 3)], ["4", "同意", "不同意", "同意", "不同意"],
        *[[str(i), "同意", "同意", "不同意", "不同意"] for i in (5, 6)], ["7", "不同意", "不同意", "不同意", "不同意"],
        ["8", "不同意", "不同意", "弃权", "弃权"]])
    assert run("tally", "vote1", "vote1.csv", "--present", "8", "--issued", "8").exit_code == 0
    p02 = posts(run, "vote1")["P02"]
    assert (p02["status"], p02["pending"]["why"], p02["pending"]["revote"]) == ("short", "short", True)
    assert sorted(p02["pending"]["ballot"]) == ["C02", "C03"]
    held = run("cut", "vote1")
    assert held.exit_code == 1 and "P02 goes to a re-vote" in held.stderr
    (tmp_path / "revote.toml").write_text(
        'date = 2026-11-20\npresent = 8\nmethod = "ballot"\n\n[[item]]\nnominee = "张伟(统计)"\nagree = 6\n'
        'disagree = 2\n\n[[item]]\nnominee = "李娜"\nagree = 3\ndisagree = 5\n', "utf-8")
    assert run("sitting", "vote1", tmp_path / "revote.toml").exit_code == 0
    cut = run("cut", "vote1", "--json")
    assert cut.exit_code == 0, cut.stderr
    by_post = {p["post"]: p for p in json.loads(cut.stdout)["posts"]}
    assert (by_post["P01"]["advanced"], by_post["P01"]["status"]) == (["C01"], "ok")
    assert (by_post["P02"]["advanced"], by_post["P02"]["decision"]["kind"]) == (["C02"], "revote")
    assert run("audit", "verify").exit_code == 0


def test_a_sitting_on_an_expired_recommendation_is_refused(tied, tmp_path, monkeypatch):
    """issue 12.6: a recommendation serves one year from its lock; a re-vote sitting after that is
    refused with the date it expired (as the tally and the cut are), and nothing is recorded."""
    from datetime import datetime, timezone

    run = tied()  # rec1 locked 2026-05-29 (Beijing time)

    def on(day: str) -> None:
        noon = datetime.fromisoformat(f"{day}T04:00:00").replace(tzinfo=timezone.utc)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))

    on("2027-05-29")
    late = run("sitting", "vote1", revote(tmp_path / "revote.toml", "2027-05-29", 5, 3))
    assert late.exit_code == 1
    assert ("the recommendation of stage rec1 (locked 2026-05-29) was valid until 2027-05-28 and has expired"
            in late.stderr)
    assert posts(run, "vote1")["P01"]["pending"]["held"] == 0
    on("2027-05-28")
    assert run("sitting", "vote1", revote(tmp_path / "revote.toml", "2027-05-28", 5, 3)).exit_code == 0


def test_a_line_lowered_by_recusal_is_printed_with_the_item(decided, tmp_path):
    """issue 12.1: two of 11 recused for 王芳 leave 9 to count, and 5 of them pass her — under the
    post's line of 6, so the screen and the sheet print her item's own line beside the 回避."""
    assert decided("sitting", "decide", "sitting-1.toml").exit_code == 0
    (tmp_path / "s2.toml").write_text(
        'date = 2026-11-27\npresent = 11\nmethod = "hands"\n\n[[item]]\nnominee = "王芳"\nagree = 5\n'
        'disagree = 4\ndefer = 0\nrecused = ["钱进", "赵敏"]\n\n[[item]]\nnominee = "刘洋"\nagree = 3\n'
        'disagree = 6\ndefer = 1\nrecused = ["钱进"]\n', "utf-8")
    assert decided("sitting", "decide", "s2.toml").exit_code == 0
    p03 = posts(decided)["P03"]
    wang, liu = [v for v in p03["votes"] if v["sitting"] == 2]
    assert (wang["base"], wang["line"], wang["passed"], p03["pass_line"]["votes"]) == (9, 5, True, 6)
    assert "line" not in liu  # 10 to count: the line stays 6, as the post's says
    text = " ".join(decided("show", "decide").stdout.split())
    assert "recused (回避): 钱进, 赵敏 · this item's pass line 5 votes (of 9) → passed" in text
    assert "recused (回避): 钱进 → not passed" in text
    sheet = decided("export", "decide", "--doc", "decision", "--format", "md").stdout
    assert "| 钱进、赵敏（本项以 9 人计，通过线 5 票） | 通过" in sheet
