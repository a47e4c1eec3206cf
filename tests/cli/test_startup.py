"""Start-up stays lean: heavy libraries load only for the commands that need them."""

from __future__ import annotations

import os
import subprocess
import sys
from support import ROOT

from selector import __version__

SRC = ROOT / "src"
ROUND = ('[round]\nid = "r"\ntitle = "乡镇党委换届"\norganizer = "中共某市委组织部"\n\n'
         '[[post]]\nid = "P01"\ntitle = "审计局局长"\nseats = 1\n\n'
         '[[candidate]]\nid = "C001"\nname = "张伟"\n\n'
         '[[stage]]\nid = "rec1"\nkind = "recommend"\ntitle = "民主推荐"\nelectorate = 10\n')
HEAVY = ("sqlite_utils", "openpyxl", "docx", "pandas", "numpy", "rich", "tabulate", "wcwidth")


def _imported(*args: str, extra_path: str = "", env: dict | None = None) -> tuple[set[str], subprocess.CompletedProcess]:
    env = dict(env or os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(SRC), extra_path) if p))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "selector", *args],
                          capture_output=True, text=True, env=env)
    names = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()
             if line.startswith("import time:")}
    return names, proc


def test_version_and_help_import_nothing_heavy():
    for args in (["--version"], ["--help"]):
        names, proc = _imported(*args)
        assert proc.returncode == 0
        assert not {n for n in names if n.split(".")[0] in HEAVY}, args


def test_sqlite_utils_loads_only_to_migrate_and_never_brings_pandas(tmp_path):
    # A clerk's machine with pandas installed: sqlite-utils would import it at import time.
    fake = tmp_path / "site"
    (fake / "pandas").mkdir(parents=True)
    (fake / "pandas" / "__init__.py").write_text("raise RuntimeError('pandas imported')\n")
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    db = str(tmp_path / "r.db")
    names, proc = _imported("--db", db, "init", str(tmp_path / "r.toml"), extra_path=str(fake))
    assert proc.returncode == 0, proc.stderr[-500:]
    assert "sqlite_utils.migrations" in names and "pandas" not in names  # a new file is migrated
    names, proc = _imported("--db", db, "status", extra_path=str(fake))
    assert proc.returncode == 0, proc.stderr[-500:]
    assert "rec1" in proc.stdout
    assert not {n for n in names if n.split(".")[0] in ("sqlite_utils", "pandas")}  # nothing to migrate


def test_version_answers_before_typer_loads():
    # `selector --version` prints what typer's eager option prints, without importing typer,
    # Click or the commands (~60 ms of a ~100 ms start-up otherwise).
    names, proc = _imported("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"selector {__version__}\n"
    assert not {n for n in names if n.split(".")[0] in ("typer", "click", "rich")}
    assert "selector.cli.base" not in names


def test_version_with_other_options_still_goes_through_typer(tmp_path):
    names, proc = _imported("--db", str(tmp_path / "x.db"), "--version")
    assert proc.returncode == 0 and proc.stdout == f"selector {__version__}\n"
    assert "typer" in names
    assert not (tmp_path / "x.db").exists()


def test_a_frequent_command_loads_its_own_command_module_only():
    from selector.cli import COMMANDS, _modules

    assert _modules(["status"]) == ("rounds",)
    assert _modules(["--db", "x.db", "--lang=en", "tally", "rec1", "f.csv"]) == ("ballots",)
    assert _modules(["--round", "r", "export", "rec1"]) == ("exports",)
    for argv in ([], ["--help"], ["audit", "verify"], ["--db"], ["--unknown", "status"], ["frobnicate"]):
        assert _modules(argv) == COMMANDS, argv


def test_status_through_its_own_module_prints_what_the_whole_app_prints(tmp_path):
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    db = str(tmp_path / "r.db")
    env = dict(os.environ, PYTHONPATH=str(SRC), SELECTOR_LANG="en", COLUMNS="100")
    subprocess.run([sys.executable, "-m", "selector", "--db", db, "init", str(tmp_path / "r.toml")],
                   env=env, check=True, capture_output=True)
    alone = subprocess.run([sys.executable, "-m", "selector", "--db", db, "status"], env=env,
                           capture_output=True, text=True)
    whole = subprocess.run([sys.executable, "-c", "from selector.cli import app; app(prog_name='selector')",
                            "--db", db, "status"], env=env, capture_output=True, text=True)
    assert alone.returncode == whole.returncode == 0
    assert "rec1" in alone.stdout and alone.stdout == whole.stdout


def test_bare_status_runs_without_typer_and_prints_what_typer_prints(tmp_path):
    # `selector status` with its options in the environment is the command clerks run most:
    # it goes through cli/status.py alone. The same words, lines and exit code as through typer.
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    db = str(tmp_path / "r.db")
    base = dict(os.environ, PYTHONPATH=str(SRC), COLUMNS="80", SELECTOR_OPERATOR="王芳")
    base.pop("SELECTOR_LANG", None)
    subprocess.run([sys.executable, "-m", "selector", "--db", db, "init", str(tmp_path / "r.toml")],
                   env=base, check=True, capture_output=True)
    seen = {}
    for case, extra in (("zh", {}), ("en", {"SELECTOR_LANG": "en"}), ("no db", {"SELECTOR_DB": str(tmp_path / "none.db")})):
        env = {**base, "SELECTOR_DB": db, **extra}
        names, quick = _imported("status", env=env)
        typed = subprocess.run([sys.executable, "-m", "selector", "--db", env["SELECTOR_DB"], "status"],
                               env=env, capture_output=True, text=True)
        assert not {n for n in names if n.split(".")[0] in ("typer", "click")}, case
        # the screen fits 80 columns: laid out by reports.bare, without Rich or dataclasses
        # (an error line is still printed through Rich)
        assert case == "no db" or not {n for n in names if n.split(".")[0] in ("rich", "dataclasses", "inspect")}
        assert quick.returncode == typed.returncode and quick.stdout == typed.stdout, case
        # importtime lines come first on stderr; the error line is the last
        assert quick.stderr.splitlines()[-1:] == typed.stderr.splitlines()[-1:] or not typed.stderr, case
        seen[case] = quick
    assert "乡镇党委换届" in seen["zh"].stdout and "下一步" in seen["zh"].stdout
    assert "next:" in seen["en"].stdout
    assert seen["no db"].returncode == 1 and "none.db" in seen["no db"].stderr.splitlines()[-1]


def test_a_status_that_needs_squeezing_is_printed_by_rich(tmp_path):
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    db = str(tmp_path / "r.db")
    env = dict(os.environ, PYTHONPATH=str(SRC), COLUMNS="30", SELECTOR_LANG="en", SELECTOR_DB=db)
    subprocess.run([sys.executable, "-m", "selector", "init", str(tmp_path / "r.toml")],
                   env=env, check=True, capture_output=True)
    names, quick = _imported("status", env=env)
    assert quick.returncode == 0 and "rich.table" in names
    assert max(len(line) for line in quick.stdout.splitlines()) <= 30


def test_the_plain_commands_load_neither_the_toml_parser_nor_typing(tmp_path):
    # A round is opened from its stored TOML document (round_docs), and the modules these
    # commands load annotate without importing `typing` (issue 17: ~57M instructions together).
    (tmp_path / "r.toml").write_text(ROUND, encoding="utf-8")
    (tmp_path / "rec1.csv").write_text("ballot,P01\n0001,张伟\n0002,\n0003,李娜\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(SRC), COLUMNS="80", SELECTOR_DB=str(tmp_path / "r.db"))
    subprocess.run([sys.executable, "-m", "selector", "init", str(tmp_path / "r.toml")],
                   env=env, check=True, capture_output=True)
    for args in (["tally", "rec1", str(tmp_path / "rec1.csv"), "--present", "8", "--issued", "8"],
                 ["show", "rec1"], ["status"], ["cut", "rec1"]):
        names, proc = _imported(*args, env=env)
        assert proc.returncode == 0, proc.stderr
        assert not {n for n in names if n.split(".")[0] in ("tomllib", "typing", "rich", "typer")}, args
