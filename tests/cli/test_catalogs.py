"""The interface's catalogs stay whole: every message the code can show has its zh-CN
translation, a translation keeps every field of its message, and the compiled .mo files
are the .po files as they stand (tools/catalog.py rebuilds them)."""

from __future__ import annotations

import string
import sys

import pytest

from support import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import catalog  # noqa: E402


def fields(text: str) -> set[str]:
    return {name.split("!")[0].split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_translated_and_the_compiled_catalogs_are_current():
    assert catalog.problems() == []


@pytest.mark.parametrize("lang", catalog.languages())
def test_translations_keep_the_fields_of_their_message(lang):
    from babel.messages.pofile import read_po

    with open(catalog.po_path(lang), "rb") as f:
        po = read_po(f, locale=lang)
    wrong = []
    for m in po:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = fields(ids[-1])
        for s in strings:
            if s and fields(s) != want and not (len(ids) > 1 and fields(s) | {"n"} == want | {"n"}):
                wrong.append(f"{ids[0]!r}: {sorted(fields(s))} ≠ {sorted(want)}")
    assert not wrong, "\n".join(wrong)


def test_the_interface_follows_the_round_the_option_and_the_environment(run, tmp_path, monkeypatch):
    from support import good_round

    good_round(tmp_path)  # locale = "zh-CN"
    monkeypatch.delenv("SELECTOR_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "Usage:" in run("--help").stdout  # before a round: the environment's language
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "用法：" in run("--help").stdout and "命令" in run("--help").stdout
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "已存入" in run("init", "round.toml").stdout  # the round's locale, once it is known
    assert "尚未录入到会情况" in run("show", "rec1").stdout
    assert "attendance not given yet" in run("--lang", "en", "show", "rec1").stdout
    monkeypatch.setenv("SELECTOR_LANG", "en")
    assert "attendance not given yet" in run("show", "rec1").stdout
    r = run("--lang", "zh-CN", "tally", "rec1", "nothing.csv", "--present", "1", "--issued", "1")
    assert r.exit_code == 1 and r.stderr.startswith("错误：")
    assert run("--lang", "fr", "status").exit_code == 2


def test_commands_are_listed_in_the_order_a_round_uses_them(run):
    listed = [line.split()[0] for line in run("--help").stdout.split("Commands:")[1].splitlines()
              if line.startswith("  ") and not line.startswith("   ")]
    assert listed == ["check", "init", "papers", "tally", "show", "cut", "inspect", "sitting", "notice", "certify", "export",
                      "status", "audit", "rounds"]


def test_resolve_takes_names_and_post_titles(run, tmp_path):
    from support import good_round
    from test_cli import tie_file

    good_round(tmp_path)
    assert run("init", "round.toml").exit_code == 0
    tie_file()
    run("tally", "rec1", "tie.csv", "--present", "20", "--issued", "20")
    r = run("cut", "rec1", "--resolve", "审计局局长=王芳", "--reason", "常委会决定")
    assert r.exit_code == 0, r.stderr
    import json

    p01 = json.loads(run("show", "rec1", "--json").stdout)["posts"][0]
    assert p01["decision"]["chosen"] == ["C04"] and "C04" in p01["advanced"]
