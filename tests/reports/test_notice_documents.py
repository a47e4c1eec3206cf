"""The notice sheet (issue 12.3): made from a notice stage only; 任前公示 or 考察对象公示; 拟任 for
appointed posts, 拟推荐为…人选 / 拟提名为…候选人 for elected ones; 破格 reasons where given."""

from __future__ import annotations

import json
from pathlib import Path

from exportdata import ROUND


def amend(run, folder: Path, replace: dict[str, str]) -> None:
    path = folder / ROUND
    text = path.read_text("utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    r = run("init", path, "--reason", "明确职位产生方式")
    assert r.exit_code == 0, r.stderr


def test_a_notice_is_exported_from_a_notice_stage_only(counted, run):
    counted("vote2")
    r = run("export", "vote2", "--doc", "notice")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip() == ("error: --doc notice is made from a notice stage; vote2 is a vote stage: selector "
                                "export notice --doc notice (notice stages: notice)")
    assert run("export", "rec2", "--doc", "notice").exit_code == 2
    # in Chinese the stage's kind is named in Chinese, not by the round file's keyword
    from selector import i18n

    try:
        r = run("--lang", "zh-CN", "export", "rec2", "--doc", "notice")
    finally:
        i18n.use("en")  # the language is the process's: later tests read messages in English
    assert "rec2 是推荐环节" in r.stderr, r.stderr
    r = run("export", "notice", "--doc", "notice")
    assert r.exit_code == 0 and "经县委全委会票决，拟任用下列同志" in r.stdout


def test_elected_posts_are_recommended_or_nominated(counted, run):
    folder = counted("vote2")
    amend(run, folder, {'title = "城关镇党委书记"': 'title = "城关镇党委书记"\nlevel = "正职"\nappointment = "elected"'})
    md = run("export", "notice", "--doc", "notice").stdout
    assert "下列同志拟任用或拟推荐、提名为有关职务人选，现予以公示：" in md
    assert "拟任（推荐、提名）职务" in md and "拟推荐为城关镇党委书记人选" in md
    amend(run, folder, {'appointment = "elected"': 'appointment = "elected"\nnomination = "提名"'})
    md = run("export", "notice", "--doc", "notice").stdout
    assert "拟提名为城关镇党委书记候选人" in md


def test_a_notice_of_the_candidates_for_inspection(run, tmp_path):
    from stagehelp import ROUND as INSPECT_ROUND

    text = INSPECT_ROUND.read_text("utf-8")
    head, _, rest = text.partition('[[stage]]\nid = "inspect"')
    notice = '[[stage]]\nid = "preview"\nkind = "notice"\ntitle = "考察对象公示"\nof = "inspection"\n\n'
    path = tmp_path / "round.toml"
    path.write_text(head + notice + '[[stage]]\nid = "inspect"' + rest, "utf-8")
    from stagehelp import rec1_ballots

    assert run("init", path).exit_code == 0
    assert run("tally", "rec1", rec1_ballots(tmp_path / "rec1.csv"), "--present", "20", "--issued", "20").exit_code == 0
    assert run("cut", "rec1").exit_code == 0
    r = run("export", "rec1", "--doc", "notice")
    assert r.exit_code == 2 and "selector export preview --doc notice (notice stages: preview, notice)" in r.stderr
    r = run("export", "vote1", "--doc", "notice")
    assert r.exit_code == 2 and "selector export notice --doc notice (notice stages: notice, preview)" in r.stderr
    assert run("notice", "preview", "open", "--start", "2026-05-11").exit_code == 0
    assert [json.loads(run("show", s, "--json").stdout)["notice"]["of"] for s in ("preview", "notice")] == [
        "inspection", "appointment"]
    md = run("export", "preview", "--doc", "notice").stdout
    assert md.startswith("# 考察对象公示\n")
    assert "经全委会民主推荐，确定下列同志为考察对象，现予以公示：" in md and "| 考察职位 " in md
    assert "公示时间：2026年5月11日至2026年5月15日" in md
    r = run("notice", "preview", "close", "--appointed", "2026-05-20")
    assert r.exit_code == 1 and "publishes the 考察对象" in r.stderr
    r = run("notice", "preview", "close", "--json")
    assert r.exit_code == 0, r.stderr
    assert "appointments" not in r.stdout
    assert run("show", "inspect", "--json").exit_code == 0  # the inspection takes the published list
    assert run("audit", "verify").exit_code == 0


def test_the_notice_prints_the_reason_of_a_promotion_by_exception(counted, run):
    from selector.reports.documents import Published, build
    from selector.service.rounds import OpenRound
    from selector.storage.store import Store

    folder = counted("vote2")
    open_ = OpenRound(Store(folder / "selector.db"), None, "test")
    stage = open_.round.stage("notice")
    lists = open_.lists(stage)
    (chosen,) = lists["P01"]  # 李强
    published = Published(open_.round.stage("vote2"), lists, None, {chosen: "长期在基层一线工作，实绩特别突出"})
    doc = build("notice", open_.round, stage, open_.handler(stage).view(), "2026-05-28", None, published)
    assert "李强破格提拔，理由：长期在基层一线工作，实绩特别突出" in doc.notes
