#!/usr/bin/env python3
"""Quick start for a fresh checkout (needs only Python ≥ 3.11 and pip).

    python3 dev.py demo            run the Haimen 2011 example end to end in a temporary database
    python3 dev.py demo --db F.db  … and keep the database, to explore it with `selector --db F.db …`
    python3 dev.py test [ARGS…]    run the test suite (ARGS go to pytest, e.g. -k examples)

Both create `.venv` in the checkout if it is missing and install selector into it
(`pip install -e .`, with the test extras for `test`). The demo runs the `selector …` lines
of examples/haimen-2011/commands.sh, the one list of demo commands.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
DEMO = ROOT / "examples" / "haimen-2011" / "commands.sh"
SHOWN = {"show", "status", "init", "export"}  # commands whose whole output the demo prints


def venv_bin(name: str) -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def ensure_venv(extras: str = "") -> None:
    """Create .venv if missing; (re)install selector when pyproject.toml or the extras change."""
    if sys.version_info < (3, 11):
        sys.exit(f"selector needs Python ≥ 3.11 (this is {sys.version.split()[0]})")
    if not venv_bin("python").exists():
        print("creating .venv …", file=sys.stderr)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as e:
            sys.exit(f"could not create .venv ({e}); on Debian/Ubuntu install python3-venv first")
    spec = f".[{extras}]" if extras else "."
    stamp = VENV / ".selector-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = stamp.read_text() if stamp.exists() else ""
    if installed.startswith(digest) and (extras != "test" or installed.endswith(":test")):
        return  # editable install: source changes need no reinstall, pyproject changes do
    print(f"installing selector into .venv (pip install -e {spec}) …", file=sys.stderr)
    subprocess.run([str(venv_bin("python")), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-e", spec], cwd=ROOT, check=True)
    stamp.write_text(digest + (":test" if extras == "test" else ""))


def demo_commands() -> list[str]:
    """The `selector …` lines of the demo script, in order."""
    return [line for line in DEMO.read_text(encoding="utf-8").splitlines()
            if line.startswith("selector ")]


def demo(db: str | None) -> int:
    if db and Path(db).exists():
        sys.exit(f"{db} already exists: the demo counts every stage afresh, give a new file")
    ensure_venv()
    with tempfile.TemporaryDirectory(prefix="selector-demo-") as tmp:
        env = {**os.environ, "SELECTOR_DB": str(Path(db).resolve()) if db else str(Path(tmp) / "haimen.db"),
               "SELECTOR_OPERATOR": "demo", "PYTHONIOENCODING": "utf-8",
               # output is captured, so tell Rich the real terminal's width
               "COLUMNS": os.environ.get("COLUMNS") or str(shutil.get_terminal_size((120, 40)).columns)}
        env.pop("SELECTOR_ROUND", None)
        for line in demo_commands():
            args = shlex.split(line)
            print(f"\n$ {line}", flush=True)
            done = subprocess.run([str(venv_bin("selector")), *args[1:]], cwd=ROOT, env=env,
                                  capture_output=True, text=True, encoding="utf-8")
            if done.returncode:
                sys.stdout.write(done.stdout)
                sys.stderr.write(done.stderr)
                print(f"demo stopped: exit code {done.returncode}", file=sys.stderr)
                return done.returncode
            out = done.stdout.splitlines()
            if args[1] in SHOWN:
                lines = out
            elif args[1] in ("tally", "inspect"):
                lines = [x for x in out if x.startswith("recorded:")]
            else:
                lines = [x for x in out if x.startswith("cut of")] or out[-1:]
            print("\n".join(lines), flush=True)
    if db:
        print(f"\nthe database is kept in {db}: try `.venv/bin/selector --db {db} status`")
    return 0


def test(args: list[str]) -> int:
    ensure_venv("test")
    return subprocess.run([str(venv_bin("python")), "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> int:
    ap = argparse.ArgumentParser(description="selector quick start: demo | test")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run the Haimen 2011 example end to end")
    d.add_argument("--db", help="keep the demo database in this file (default: a temporary one)")
    sub.add_parser("test", help="run the test suite (extra arguments go to pytest)")
    args, rest = ap.parse_known_args()
    if args.command == "demo":
        if rest:
            ap.error(f"unexpected arguments: {' '.join(rest)}")
        return demo(args.db)
    return test(rest)


if __name__ == "__main__":
    sys.exit(main())
