"""Benchmark a Fitabase export imported and built through Gold, as a user does it.

Per repetition, in a fresh lakehouse: `fitlake generate --scale tiny` (the studio's own data), then
`fitlake import fitbit DIR`, then `fitlake run`, each its own process. Reports the median (and range) of each
process's wall-clock seconds, CPU seconds and peak RSS, and the median seconds of the steps that read Fitbit
files (ops.run_log). Run by hand; paste the output into bench/RESULTS.md.

    .venv/bin/python bench/fitbit.py --runs 3 --data ../shared/data/fitabase
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from pipeline import summary, timed_with_cpu

STEPS = ("fitbit", "wearable")  # run-log steps whose table name holds one of these


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/fitabase")
    args = parser.parse_args()
    wall, cpu, rss = defaultdict(list), defaultdict(list), defaultdict(list)
    steps: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.runs):
        home = Path(tempfile.mkdtemp(prefix="fitlake-bench-fitbit-"))
        try:
            for name, command in (
                ("generate tiny", ("generate", "--scale", "tiny", "--seed", "3")),
                ("import fitbit", ("import", "fitbit", str(args.data))),
                ("run", ("run",)),
            ):
                seconds, peak, cpu_seconds, _ = timed_with_cpu(home, *command)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
                rss[name].append(peak)
            _, _, _, out = timed_with_cpu(home, "steps", "--format", "json")
            for row in json.loads(out):
                if any(s in row["table_name"] for s in STEPS) and row.get("seconds") is not None:
                    steps[f"{row['task']}: {row['table_name']}"].append(row["seconds"])
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print(f"## Fitabase export through Gold ({datetime.now(UTC):%Y-%m-%d})\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at the end {os.getloadavg()[0]:.1f}; {args.runs} runs, medians (range).\n"
    )
    print("| process | wall | CPU | peak RSS |\n|---|---|---|---|")
    for name in wall:
        print(f"| {name} | {summary(wall[name], 's')} | {summary(cpu[name], 's')} | {summary(rss[name], 'MiB')} |")
    print("\n| step | seconds |\n|---|---|")
    for name, values in sorted(steps.items()):
        print(f"| {name} | {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f}) |")


if __name__ == "__main__":
    main()
