"""Benchmark the whole Fitabase export imported and built through Gold, and check Gold against pandas.

Per repetition, in its own process and a fresh lakehouse: `fitlake import fitbit` of the folder, Bronze ingestion,
silver.wearable_minutes and gold.wearable_daily_activity, as tests/integration/test_fitabase.py builds its slice
(every device linked to a consenting member). Then gold is compared with the test's pandas oracle on every
participant-day of the whole folder. Reports the median (and range) of the build's wall clock, and the process's
peak RSS until Gold is built (the engine runs in process, so it is counted, and so are the test's pandas
copies of Silver and Gold; the oracle's frames come after). Run by hand; paste the output into bench/RESULTS.md.

    PYTHONPATH=. .venv/bin/python bench/fitbit.py --runs 3 --data ../shared/data/fitabase
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pipeline import summary

ROOT = Path(__file__).resolve().parents[1]


def once(data: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["FITLAKE_FITABASE_DATA"] = str(data)
    from fitlake import engine
    from fitlake.settings import Settings
    from tests.integration import test_fitabase as fitabase

    with tempfile.TemporaryDirectory(prefix="fitlake-bench-fitbit-") as folder:
        handle = engine.start(Settings(home=Path(folder) / "engine"))
        try:
            started = time.perf_counter()
            build = fitabase._build(handle, Path(folder) / "home", data)
            seconds = time.perf_counter() - started
            built_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            handle.stop()
    expected = fitabase.oracle_days(fitabase.oracle_minutes(data))
    fitabase.assert_gold_equals_oracle(build.gold, expected)  # raises if one participant-day differs
    [batch] = build.reconciliation
    return {
        "seconds": seconds,
        "peak_rss_mib": built_rss,  # before the oracle's pandas frames
        "bronze_lines": sum(build.bronze_rows.values()),
        "minute_records": batch.bronze_rows,
        "silver_rows": batch.silver_rows,
        "participant_days": len(expected),
        "balanced": batch.balanced,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/fitabase")
    parser.add_argument("--once", action="store_true", help="one build in this process, as JSON (internal)")
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(args.data.resolve())))
        return
    results = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--once", "--data", str(args.data)],
            capture_output=True, text=True, timeout=1800, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"a build failed:\n{done.stderr[-3000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = results[0]
    print(f"## The whole Fitabase export through Gold ({datetime.now(UTC):%Y-%m-%d})\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at the end {os.getloadavg()[0]:.1f}; {args.runs} runs, each its own process, medians (range).\n"
    )
    print(
        f"{first['bronze_lines']:,} Bronze lines, {first['minute_records']:,} minute records, "
        f"{first['silver_rows']:,} Silver rows, {first['participant_days']:,} participant-days; every run balanced "
        f"({all(r['balanced'] for r in results)}) and its Gold equal to pandas on every participant-day.\n"
    )
    print("| import, Bronze, Silver, Gold | peak RSS |\n|---|---|")
    print(
        f"| {summary([r['seconds'] for r in results], 's')} | {summary([r['peak_rss_mib'] for r in results], 'MiB')} |"
    )


if __name__ == "__main__":
    main()
