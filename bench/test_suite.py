"""`make test` from fresh clones, as CI runs it: pytest's own time, the whole command's, and the slowest tests.

    python bench/test_suite.py [--runs 2] [--together]

Each run clones the repository's HEAD next to it (so `../shared`, the real data the STEDI and import tests read,
is where CI has it), runs `make test` with pytest's ten slowest durations, and removes the clone. With
`--together`, two clones run `make test` at the same time instead, to show two checkouts do not get in each
other's way (a fixed port would fail one of them). Prints markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"=+ (.*) in ([0-9.]+)s")
SLOW = re.compile(r"^([0-9.]+)s (call|setup|teardown)\s+(\S+)", re.MULTILINE)
FAILED = re.compile(r"^(?:FAILED|ERROR) .*$", re.MULTILINE)


@dataclass
class Run:
    clone: Path
    seconds: float = 0.0
    pytest_seconds: float = 0.0
    outcome: str = ""
    slowest: list[str] | None = None
    failed: list[str] | None = None
    exit_code: int = 0


def _clone(name: str) -> Path:
    target = REPO.parent / name
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(target)], check=True)
    return target


def _start(run: Run) -> subprocess.Popen:
    env = {**os.environ, "PYTEST_ADDOPTS": "--durations=10"}
    env = {k: v for k, v in env.items() if not k.startswith(("FITLAKE_", "MLFLOW_"))}
    log = (run.clone / "make-test.log").open("w")
    return subprocess.Popen(["make", "test"], cwd=run.clone, stdout=log, stderr=subprocess.STDOUT, env=env)


def _finish(run: Run, process: subprocess.Popen, started: float) -> None:
    run.exit_code = process.wait(timeout=3600)
    run.seconds = time.perf_counter() - started
    text = (run.clone / "make-test.log").read_text()
    found = SUMMARY.findall(text)
    run.outcome, pytest_seconds = found[-1] if found else ("no pytest summary", "0")
    run.pytest_seconds = float(pytest_seconds)
    run.slowest = [f"{s}s {what} {test}" for s, what, test in SLOW.findall(text)][:10]
    run.failed = FAILED.findall(text)
    if run.exit_code:  # the clone goes, its log stays beside it: a failure must be readable afterwards
        shutil.copy(run.clone / "make-test.log", run.clone.with_name(f"{run.clone.name}-make-test.log"))
    shutil.rmtree(run.clone, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--together", action="store_true", help="two clones at the same time")
    args = parser.parse_args()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    print(
        f"# make test from fresh clones of {head.strip()}, {date.today()}, {platform.machine()}, {os.cpu_count()} cores"
    )
    batches = (
        [[Run(_clone(f"fitlake-bench-{i}")) for i in range(2)]]
        if args.together
        else [[Run(_clone(f"fitlake-bench-{i}"))] for i in range(args.runs)]
    )
    for batch in batches:
        started = time.perf_counter()
        processes = [_start(run) for run in batch]
        for run, process in zip(batch, processes, strict=True):
            _finish(run, process, started)
            print(
                f"\n- `make test` exit {run.exit_code}: {run.outcome}, {run.pytest_seconds:.0f} s of pytest, "
                f"{run.seconds:.0f} s in all (venvs made, packages installed)"
            )
            if run.failed:
                print("  failed:\n" + "\n".join(f"  - {line}" for line in run.failed))
            print("  slowest ten:\n" + "\n".join(f"  - {line}" for line in run.slowest or []))


if __name__ == "__main__":
    main()
