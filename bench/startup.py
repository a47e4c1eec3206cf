"""Start-up time of the commands clerks run most: --version, --help, status.

    python bench/startup.py [--runs 15]

Times `python -m selector …` as fresh processes (best and median wall time) on the
benchmark round (bench/data, made by make_data.py; status on a database holding it).
Targets: --version and --help under 150 ms, status under 300 ms. `python -c pass` is shown
as the interpreter's own floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_data  # noqa: E402


def wall(argv: list[str], env: dict, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    data = HERE / "data"
    if not (data / "bench.toml").exists():
        make_data.build(data)
    failed = False
    with tempfile.TemporaryDirectory(prefix="selector-startup-") as tmp:
        env = dict(os.environ, SELECTOR_DB=str(Path(tmp) / "s.db"), SELECTOR_NO_PROGRESS="1",
                   PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("SELECTOR_ROUND", None)
        py = [sys.executable]
        subprocess.run([*py, "-m", "selector", "init", str(data / "bench.toml")], env=env,
                       stdout=subprocess.DEVNULL, check=True)
        for label, argv, target in [
            ("python -c pass", [*py, "-c", "pass"], None),
            ("selector --version", [*py, "-m", "selector", "--version"], 0.150),
            ("selector --help", [*py, "-m", "selector", "--help"], 0.150),
            ("selector status", [*py, "-m", "selector", "status"], 0.300),
        ]:
            times = wall(argv, env, args.runs)
            best, median = min(times), statistics.median(times)
            verdict = ""
            if target is not None:
                ok = median < target
                failed |= not ok
                verdict = f"(target < {target * 1000:.0f} ms) {'ok' if ok else 'MISSED'}"
            print(f"{label:22s} best {best * 1000:5.0f} ms  median {median * 1000:5.0f} ms  {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
