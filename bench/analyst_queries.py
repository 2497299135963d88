"""Time every query of docs/analyst_queries.sql through `fitlake sql --file`, on a lakehouse `make run` built.

Each repetition is one `fitlake sql --file` process; the time of each query is what the command reports for
it (planning, execution and fetching the rows, in the running engine), and the process's wall clock is
reported too (engine start and table registration included). Target: every query under 2 s on `small`.

    .venv/bin/python bench/analyst_queries.py --runs 5              # builds small in a temporary folder
    .venv/bin/python bench/analyst_queries.py --runs 5 --home lakehouse  # or uses one make run built
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

QUERIES = Path(__file__).parents[1] / "docs" / "analyst_queries.sql"
TIMING = re.compile(r"^(\S+): (\d+) rows in ([\d.]+) s$")


def fitlake(home: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "--home", str(home), *args], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"fitlake {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home", type=Path, help="a lakehouse already built (default: build small afresh)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-") as tmp:
        home = args.home
        if home is None:
            home = Path(tmp)
            fitlake(home, "generate", "--scale", "small", "--seed", "7")
            fitlake(home, "run")
        seconds: dict[str, list[float]] = defaultdict(list)
        rows: dict[str, int] = {}
        walls = []
        for i in range(args.runs):
            started = time.perf_counter()
            result = fitlake(home, "sql", "--file", str(QUERIES), "--format", "csv")
            walls.append(time.perf_counter() - started)
            for line in result.stderr.splitlines():
                if m := TIMING.match(line):
                    seconds[m.group(1)].append(float(m.group(3)))
                    rows[m.group(1)] = int(m.group(2))
            print(f"repetition {i + 1}/{args.runs} done", file=sys.stderr)
    print(f"## Analyst queries (docs/analyst_queries.sql) on small: median (min-max) of {args.runs} runs\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d}\n")  # fmt: skip
    print("| query | rows | seconds |\n|---|---|---|")
    for name, values in seconds.items():
        print(f"| {name} | {rows[name]:,} | {statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f}) |")
    slowest = max(statistics.median(v) for v in seconds.values())
    wall = f"{statistics.median(walls):.2f} s ({min(walls):.2f}-{max(walls):.2f})"
    print(f"\nslowest query (median): {slowest:.3f} s; whole `fitlake sql --file` process: {wall}")


if __name__ == "__main__":
    main()
