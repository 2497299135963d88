"""The Gold API under load, on `small`: the read path's engine (DuckDB against polars), the cached leaderboard
endpoint for 30 s with wrk, and the first request after a Gold rebuild. Loopback only; every step is bounded.

1. Engines: the instructor leaderboard and the heavier class leaderboard (a week of gold.fact_class_attendance
   grouped and ranked), each on Arrow read once by delta-rs: DuckDB running the named query's SQL (as
   fitlake.serving.local_gold does) against polars running the same query as DataFrame expressions. Both must give
   the same rows; the median of --repeats runs each.
2. Load: `fitlake serve api` in its own process, `wrk -t1 -c16 -d30s` on /leaderboard/instructors (cached after
   the first request), --runs times: requests/s and p50/p95/p99 latency (wrk's own percentiles, from a Lua
   `done` hook). Target: at least 1,000 requests/s with p95 under 10 ms on 2 cores (wrk shares them).
3. Rebuild: gold.instructor_leaderboard (and gold.fact_class_attendance) rewritten by delta-rs with the same
   rows, a new Delta version each time; the first request after each, timed from this process. Target: < 200 ms.
   Before it, the class leaderboard's cache miss on a cold backend, reading the latest week's partitions (as
   served) against the whole table, alternately in one run.

    apt-get install -y wrk     # Debian's
    .venv/bin/python bench/serving.py --runs 3     # generates and runs small in a temporary folder first
    .venv/bin/python bench/serving.py --runs 3 --connections 8 --home /tmp/small   # or one it may change
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb
import polars as pl
from deltalake import write_deltalake

from fitlake.delta_tables import open_table, read_table
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.queries import QUERIES

TOKEN = "bench-serving-token-0123456789abcdef"
LEADERBOARD = "/leaderboard/instructors"
# wrk's summary has no p95: a `done` hook prints the percentiles it keeps (microseconds).
WRK_SCRIPT = f"""
wrk.headers["Authorization"] = "Bearer {TOKEN}"
done = function(summary, latency, requests)
  io.write(string.format("percentiles %d %d %d\\n", latency:percentile(50), latency:percentile(95),
                         latency:percentile(99)))
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout
  io.write(string.format("totals %d %d %d\\n", summary.requests, summary.duration, errors))
end
"""


def fitlake(home: Path, *args: str, timeout: float) -> None:
    env = {**os.environ, "FITLAKE_SETTLE_SECONDS": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "--home", str(home), *args], capture_output=True, text=True, env=env,
        timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"fitlake {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def _table_path(home: Path, table: str) -> Path:
    schema, name = table.split(".")
    return home / "fitlake" / schema / name


def _median_ms(run, repeats: int) -> float:
    run()  # warm
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000


def _polars_instructors(leaderboard: pl.DataFrame) -> pl.DataFrame:
    latest = leaderboard["week_start"].max()
    return leaderboard.filter((pl.col("week_start") == latest) & (pl.col("rank") <= 10)).sort(
        "location_id", "rank", "instructor_id"
    )


def _polars_classes(attendance: pl.DataFrame) -> pl.DataFrame:
    last = attendance["class_date"].max()
    week = last - dt.timedelta(days=last.weekday())
    in_week = attendance.filter(pl.col("class_date").is_between(week, week + dt.timedelta(days=6)))
    weekly = in_week.group_by("location_id", "class_type").agg(
        pl.len().cast(pl.Int64).alias("attendance"), pl.col("session_id").n_unique().cast(pl.Int64).alias("classes")
    )
    ranked = weekly.with_columns(
        pl.lit(week).alias("week_start"),
        pl.col("attendance").rank("min", descending=True).over("location_id").cast(pl.Int32).alias("rank"),
    )
    columns = ["week_start", "location_id", "class_type", "attendance", "classes", "rank"]
    return ranked.filter(pl.col("rank") <= 10).sort("location_id", "rank", "class_type").select(columns)


def week_against_whole_table(home: Path, runs: int) -> dict[str, list[float]]:
    """The class leaderboard's cache miss on a cold backend (nothing read yet, as after a rebuild), side by side: the
    query as served (reading the latest week's partitions) against the same query reading the whole table."""
    served = QUERIES["class_leaderboard"]
    variants = {"the week's partitions": served, "the whole table": dataclasses.replace(served, week_of=None)}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, query in variants.items():
            gold = LocalGold(home / "fitlake")
            started = time.perf_counter()
            gold.run(query, query.bind({}), gold.versions(query.tables))
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def compare_engines(home: Path, repeats: int) -> list[tuple[str, int, float, float, float]]:
    """(query, rows in, delta-rs read ms, DuckDB ms, polars ms) for each of the two queries."""
    gold = LocalGold(home / "fitlake")
    found = []
    for name, polars_query in (("instructor_leaderboard", _polars_instructors), ("class_leaderboard", _polars_classes)):
        query = QUERIES[name]
        (table,) = query.tables
        versions = gold.versions(query.tables)
        read_ms = _median_ms(lambda t=table: read_table(open_table(t, _table_path(home, t))), min(repeats, 20))
        arrow = read_table(open_table(table, _table_path(home, table)))
        frame = pl.from_arrow(arrow)
        by_duckdb = gold.run(query, query.bind({}), versions)
        by_polars = polars_query(frame)
        if by_duckdb.to_pylist() != by_polars.to_arrow().to_pylist():
            raise SystemExit(f"{name}: DuckDB and polars disagree, so the comparison means nothing")
        duckdb_ms = _median_ms(lambda q=query, v=versions: gold.run(q, q.bind({}), v), repeats)
        polars_ms = _median_ms(lambda f=frame, p=polars_query: p(f).to_arrow(), repeats)
        found.append((name, arrow.num_rows, read_ms, duckdb_ms, polars_ms))
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def start_api(home: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "FITLAKE_API_TOKENS": TOKEN}
    server = subprocess.Popen(
        [sys.executable, "-m", "fitlake", "--home", str(home), "serve", "api", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/health", timeout=5).read()
            return server, base
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("fitlake serve api did not answer /health within 60 s") from None
            time.sleep(0.2)


def wrk(url: str, seconds: int, connections: int, script: Path) -> dict[str, float]:
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 30,
    )  # fmt: skip
    p50, p95, p99 = map(int, re.search(r"^percentiles (\d+) (\d+) (\d+)$", result.stdout, re.M).groups())
    requests, duration_us, errors = map(int, re.search(r"^totals (\d+) (\d+) (\d+)$", result.stdout, re.M).groups())
    return {"rps": requests / (duration_us / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000,
            "errors": errors}  # fmt: skip


def first_after_rebuild(home: Path, base: str, table: str, path: str, runs: int) -> list[float]:
    """Rewrite `table` with its own rows (a new Delta version), then time the first request that reads it."""
    times = []
    for _ in range(runs):
        rows = read_table(open_table(table, _table_path(home, table)))
        write_deltalake(str(_table_path(home, table)), rows, mode="overwrite")
        started = time.perf_counter()
        _get(f"{base}{path}")
        times.append((time.perf_counter() - started) * 1000)
    return times


def _spread(values: list[float], unit: str, digits: int = 1) -> str:
    return f"{statistics.median(values):,.{digits}f} {unit} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="wrk runs and rebuilds")
    parser.add_argument("--seconds", type=int, default=30, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=200, help="timings of each engine's query")
    parser.add_argument(
        "--home", type=Path, help="a built small lakehouse it may change (the rebuilds rewrite two Gold tables)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-serving-") as tmp:
        home = args.home or Path(tmp)
        if args.home is None:
            print("building small (generate + run) ...", file=sys.stderr)
            fitlake(home, "generate", "--scale", "small", "--seed", "7", timeout=600)
            fitlake(home, "run", timeout=900)
        engines = compare_engines(home, args.repeats)
        pruning = week_against_whole_table(home, max(args.runs, 5))
        script = Path(tmp) / "bench.lua"
        script.write_text(WRK_SCRIPT)
        server, base = start_api(home)
        try:
            _get(f"{base}{LEADERBOARD}")  # the one computation; wrk measures the cached answer
            loads = []
            for i in range(args.runs):
                loads.append(wrk(f"{base}{LEADERBOARD}", args.seconds, args.connections, script))
                print(f"wrk run {i + 1}/{args.runs}: {loads[-1]}", file=sys.stderr)
            rebuilds = {
                path: first_after_rebuild(home, base, table, path, max(args.runs, 5))
                for table, path in (("gold.instructor_leaderboard", LEADERBOARD),
                                    ("gold.fact_class_attendance", "/leaderboard/classes"))
            }  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"DuckDB {duckdb.__version__}, polars {pl.__version__}, {dt.datetime.now(dt.UTC):%Y-%m-%d}\n")  # fmt: skip
    print(f"### Engines: median of {args.repeats} runs of each query on Arrow already read\n")
    print("| query | rows read | delta-rs read | DuckDB | polars |\n|---|---|---|---|---|")
    for name, rows, read_ms, duckdb_ms, polars_ms in engines:
        print(f"| {name} | {rows:,} | {read_ms:.1f} ms | {duckdb_ms:.2f} ms | {polars_ms:.2f} ms |")
    print(f"\n### `wrk -t1 -c{args.connections} -d{args.seconds}s` on {LEADERBOARD} (cached): {args.runs} runs\n")
    print("| | median (min-max) |\n|---|---|")
    for key, unit, digits in (("rps", "requests/s", 0), ("p50", "ms", 2), ("p95", "ms", 2), ("p99", "ms", 2)):
        print(f"| {key} | {_spread([r[key] for r in loads], unit, digits)} |")
    print(f"| errors | {sum(r['errors'] for r in loads)} |")
    print("\n### The class leaderboard's cache miss on a cold backend, side by side\n")
    for name, times in pruning.items():
        print(f"- {name}: {_spread(times, 'ms')} of {len(times)}")
    print("\n### First request after a rebuild (a new Delta version)\n")
    for path, times in rebuilds.items():
        print(f"- {path}: {_spread(times, 'ms')} of {len(times)}")


if __name__ == "__main__":
    main()
