"""Start-up time of the commands clerks run most: --version, --help, status.

    python bench/startup.py [--runs 15]

Times `python -m selector …` as fresh processes (best and median wall time): status on the
example round run to the end (examples/haimen-2011/commands.sh: every stage tallied, cut,
inspected and published) and on the benchmark round (bench/data, made by make_data.py).
Targets (issue 17): --version under 50 ms, status on the example round under 100 ms (--help
150 ms, status on the benchmark round 300 ms); each line also gives the median CPU time
(user + system, from wait4), steadier than wall time on a shared machine. `python -c pass` is shown
as the interpreter's own floor. The package is byte-compiled first, as pip does when it
installs it. "at a terminal" runs status with its output on a pseudo-terminal 80 columns
wide, as a clerk sees it (bold written), instead of /dev/null.
"""

from __future__ import annotations

import argparse
import os
import shlex
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


def wall(argv: list[str], env: dict, runs: int, cpu: list | None = None, tty: bool = False) -> list[float]:
    """Wall seconds of `runs` runs; `cpu` gets each run's user + system seconds (wait4);
    `tty`: stdout is a pseudo-terminal of 80 × 25, drained as the process writes."""
    out = []
    for _ in range(runs):
        stdout, drain = subprocess.DEVNULL, None
        if tty:
            import fcntl
            import pty
            import struct
            import termios
            import threading

            master, stdout = pty.openpty()
            fcntl.ioctl(stdout, termios.TIOCSWINSZ, struct.pack("HHHH", 25, 80, 0, 0))

            def read(fd=master):
                try:
                    while os.read(fd, 65536):
                        pass
                except OSError:  # the terminal closed
                    pass

            drain = threading.Thread(target=read, daemon=True)
            drain.start()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        out.append(time.perf_counter() - start)
        if tty:
            os.close(stdout)
            drain.join()
            os.close(master)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"{' '.join(argv)} failed")
        if cpu is not None:
            cpu.append(usage.ru_utime + usage.ru_stime)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    data = HERE / "data"
    if not (data / "bench.toml").exists():
        make_data.build(data)
    failed = False
    py = [sys.executable]
    subprocess.run([*py, "-m", "compileall", "-q", str(ROOT / "src" / "selector")], check=True)
    with tempfile.TemporaryDirectory(prefix="selector-startup-") as tmp:
        env = dict(os.environ, SELECTOR_NO_PROGRESS="1", SELECTOR_OPERATOR="bench",
                   PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("SELECTOR_ROUND", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        example = dict(env, SELECTOR_DB=str(Path(tmp) / "example.db"))
        for line in (ROOT / "examples" / "haimen-2011" / "commands.sh").read_text(encoding="utf-8").splitlines():
            words = shlex.split(line)
            if words[:1] == ["selector"] and words[1] not in ("export", "status"):
                subprocess.run([*py, "-m", *words], env=example, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        bench = dict(env, SELECTOR_DB=str(Path(tmp) / "bench.db"))
        subprocess.run([*py, "-m", "selector", "init", str(data / "bench.toml")], env=bench,
                       stdout=subprocess.DEVNULL, check=True)
        terminal = {k: v for k, v in example.items() if k != "COLUMNS"}
        for label, argv, target, env, tty in [
            ("python -c pass", [*py, "-c", "pass"], None, env, False),
            ("selector --version", [*py, "-m", "selector", "--version"], 0.050, env, False),
            ("selector --help", [*py, "-m", "selector", "--help"], 0.150, env, False),
            ("selector status (example)", [*py, "-m", "selector", "status"], 0.100, example, False),
            ("  the same at a terminal", [*py, "-m", "selector", "status"], 0.100, terminal, True),
            ("selector status (bench)", [*py, "-m", "selector", "status"], 0.300, bench, False),
        ]:
            cpu: list[float] = []
            times = wall(argv, env, args.runs, cpu, tty)
            best, median = min(times), statistics.median(times)
            label += f"  cpu {statistics.median(cpu) * 1000:4.0f} ms"
            verdict = ""
            if target is not None:
                ok = median < target
                failed |= not ok
                verdict = f"(target < {target * 1000:.0f} ms) {'ok' if ok else 'MISSED'}"
            print(f"{label:40s} best {best * 1000:5.0f} ms  median {median * 1000:5.0f} ms  {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
