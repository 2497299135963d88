"""Benchmark what `make run` does on its default data: generate, a first run, and an idempotent rerun.

Each step runs as its own `fitlake` process, as a user runs it, in a fresh lakehouse per repetition.
Reports the median (and range) of wall-clock seconds and of each process's peak RSS, plus the median
seconds of every table step from ops.run_log. Run by hand; paste the output into bench/RESULTS.md.

    .venv/bin/python bench/pipeline.py --runs 5 --scale small
    .venv/bin/python bench/pipeline.py --runs 3 --scale medium --bronze-silver

`--bronze-silver` generates the data once, then times `ingest_bronze` and `build_silver` (each its own
process) in a fresh lakehouse per repetition whose landing folder links to that data.

`--one-day 31,730` times the run of one new day after a history of each length (data generated once per length,
the history's files linked into a lakehouse and run, then the last day's added, each repetition on a copy of the
built history): what a daily job costs, and whether it grows with the history.

    .venv/bin/python bench/pipeline.py --runs 3 --scale small --one-day 31,730

`--compare-checkouts A,B` times `ingest_bronze` of each checkout (its folder first on PYTHONPATH) side by side on
data generated once, alternating within each repetition: a first ingestion in a fresh lakehouse, then a rerun
with nothing new (what every later run pays to find that out).

    .venv/bin/python bench/pipeline.py --runs 3 --scale small --compare-checkouts ../main,.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path


def timed(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of one `fitlake` process."""
    seconds, rss, _, out = timed_with_cpu(home, *args, env=env)
    return seconds, rss, out


def timed_with_cpu(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS in MiB, CPU seconds (user + system, the in-process engine's threads included) and
    stdout of one `fitlake` process. CPU time is what to compare on a busy machine, where wall time is mostly
    waiting for a core."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fitlake", "--home", str(home), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"fitlake {' '.join(args)} failed")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out


def summary(values: list[float], unit: str) -> str:
    return f"{statistics.median(values):.2f} {unit} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", default="7")
    parser.add_argument("--bronze-silver", action="store_true", help="time only ingest_bronze and build_silver")
    parser.add_argument("--compare-workers", help="e.g. 1,3: a first run per FITLAKE_STEP_WORKERS, side by side")
    parser.add_argument("--compare-checkouts", help="e.g. ../main,.: ingest_bronze of each checkout, side by side")
    parser.add_argument("--one-day", help="e.g. 31,730: the run of one new day after a history of that many days")
    args = parser.parse_args()
    if args.one_day:
        one_day(args, [int(d) for d in args.one_day.split(",")])
        return
    if args.compare_checkouts:
        compare_checkouts(args, [Path(c).resolve() for c in args.compare_checkouts.split(",")])
        return
    if args.bronze_silver:
        bronze_silver(args)
        return
    if args.compare_workers:
        compare_workers(args, [int(w) for w in args.compare_workers.split(",")])
        return

    phases: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    steps: dict[str, list[float]] = defaultdict(list)
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-") as tmp:
        for i in range(args.runs):
            home = Path(tmp) / f"run-{i}"
            for phase, cli in (
                ("generate", ("generate", "--scale", args.scale, "--seed", args.seed)),
                ("first run", ("run",)),
                ("rerun (nothing new)", ("run",)),
            ):
                seconds, rss, _ = timed(home, *cli)
                phases[phase]["seconds"].append(seconds)
                phases[phase]["rss"].append(rss)
            _, _, out = timed(
                home,
                "sql",
                "select run_id, task, table_name, seconds, rows_out from ops.run_log order by started_at",
                "--format",
                "json",
            )
            log = json.loads(out)
            first_run = min(r["run_id"] for r in log)  # run ids begin with their start time
            for step in (s for s in log if s["run_id"] == first_run):
                key = f"{step['task']}: {step['table_name']}"
                steps[key].append(step["seconds"])
                rows[key] = step["rows_out"]
            print(f"repetition {i + 1}/{args.runs} done", file=sys.stderr)

    print(f"## `make run` work, scale {args.scale}, seed {args.seed}: median (min-max) of {args.runs} runs\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d}\n")  # fmt: skip
    print("| step | wall clock | peak RSS |\n|---|---|---|")
    for phase, values in phases.items():
        print(f"| {phase} | {summary(values['seconds'], 's')} | {summary(values['rss'], 'MiB')} |")
    total = [sum(v) for v in zip(phases["generate"]["seconds"], phases["first run"]["seconds"], strict=True)]
    print(f"| generate + first run | {summary(total, 's')} | |")
    print("\n| step in the first run (task table) | rows written | seconds |\n|---|---|---|")
    for table, values in steps.items():
        written = f"{rows[table]:,}" if rows[table] is not None else "- (checked, not written)"
        print(f"| {table} | {written} | {summary(values, 's')} |")


def _first_run_steps(home: Path) -> list[dict]:
    query = "select run_id, task, table_name, seconds, rows_out from ops.run_log order by started_at"
    return json.loads(timed(home, "sql", query, "--format", "json")[2])


def bronze_silver(args: argparse.Namespace) -> None:
    phases: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    steps: dict[str, list[float]] = defaultdict(list)
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-") as tmp:
        data = Path(tmp) / "data"
        timed(data, "generate", "--scale", args.scale, "--seed", args.seed)
        for i in range(args.runs):
            home = Path(tmp) / f"run-{i}"
            home.mkdir()
            (home / "landing").symlink_to(data / "landing")
            for task in ("ingest_bronze", "build_silver"):
                seconds, rss, _ = timed(home, "run", "--only", task)
                phases[task]["seconds"].append(seconds)
                phases[task]["rss"].append(rss)
            for step in _first_run_steps(home):
                key = f"{step['task']}: {step['table_name']}"
                steps[key].append(step["seconds"])
                rows[key] = step["rows_out"]
            shutil.rmtree(home)
            print(f"repetition {i + 1}/{args.runs} done", file=sys.stderr)
    print(f"## Bronze + Silver, scale {args.scale}, seed {args.seed}: median (min-max) of {args.runs} runs\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d}\n")  # fmt: skip
    print("| task (own process) | wall clock | peak RSS |\n|---|---|---|")
    for phase, values in phases.items():
        print(f"| {phase} | {summary(values['seconds'], 's')} | {summary(values['rss'], 'MiB')} |")
    total = [sum(v) for v in zip(*(p["seconds"] for p in phases.values()), strict=True)]
    print(f"| Bronze + Silver | {summary(total, 's')} | |")
    print("\n| step (task: table) | rows written | seconds |\n|---|---|---|")
    for table, values in steps.items():
        written = f"{rows[table]:,}" if rows[table] is not None else "-"
        print(f"| {table} | {written} | {summary(values, 's')} |")


def _link_landing(data: Path, home: Path, days: set[str]) -> None:
    """Link the landing folders of `days` (one per source and landing date) from `data` into `home`."""
    for folder in sorted((data / "landing").glob("*/*")):
        if folder.name in days:
            target = home / "landing" / folder.parent.name / folder.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(folder)


def one_day(args: argparse.Namespace, periods: list[int]) -> None:
    seconds: dict[int, list[float]] = defaultdict(list)
    rss: dict[int, list[float]] = defaultdict(list)
    steps: dict[tuple[int, str], list[float]] = defaultdict(list)
    rows_in: dict[tuple[int, str], int] = {}
    history: dict[int, float] = {}
    tasks: dict[tuple[int, str], list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-") as tmp:
        for days in periods:
            data = Path(tmp) / f"data-{days}"
            timed(data, "generate", "--scale", args.scale, "--seed", args.seed, "--days", str(days))
            dates = sorted({f.name for f in (data / "landing").glob("*/*")})
            built = Path(tmp) / f"history-{days}"
            _link_landing(data, built, set(dates[:-1]))
            history[days] = timed(built, "run")[0]
            for i in range(args.runs):
                home = Path(tmp) / f"day-{days}-{i}"
                shutil.copytree(built, home, symlinks=True)
                _link_landing(data, home, {dates[-1]})
                wall, peak, out = timed(home, "run")
                for task, task_seconds in re.findall(r"^  (\w+) .* ([\d.]+)s$", out, re.M):
                    tasks[(days, task)].append(float(task_seconds))
                seconds[days].append(wall)
                rss[days].append(peak)
                query = "select run_id, task, table_name, seconds, rows_in from ops.run_log order by started_at"
                log = json.loads(timed(home, "sql", query, "--format", "json")[2])
                last = max(r["run_id"] for r in log)  # run ids begin with their start time
                for step in (s for s in log if s["run_id"] == last and s["task"] == "build_silver"):
                    steps[(days, step["table_name"])].append(step["seconds"])
                    rows_in[(days, step["table_name"])] = step["rows_in"]
                shutil.rmtree(home)
                print(f"{days} days: repetition {i + 1}/{args.runs} done", file=sys.stderr)
    print(f"## One new day after a history, scale {args.scale}, seed {args.seed}: median (min-max) of {args.runs}\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d}\n")  # fmt: skip
    print("| history | first run of the history | run of the next day | peak RSS | ratio to the first |")
    print("|---|---|---|---|---|")
    base = statistics.median(seconds[periods[0]])
    for days in periods:
        ratio = statistics.median(seconds[days]) / base
        print(f"| {days - 1} days | {history[days]:.1f} s | {summary(seconds[days], 's')} | "
              f"{summary(rss[days], 'MiB')} | {ratio:.2f} |")  # fmt: skip
    print("\n| task of the next day's run | " + " | ".join(f"{d - 1} days" for d in periods) + " |")
    print("|---|" + "---|" * len(periods))
    for task in dict.fromkeys(t for _, t in tasks):
        print(f"| {task} | " + " | ".join(summary(tasks[(d, task)], "s") for d in periods) + " |")
    print("\n| build_silver step | " + " | ".join(f"{d - 1} days: rows read, seconds" for d in periods) + " |")
    print("|---|" + "---|" * len(periods))
    for table in sorted({t for _, t in steps}):
        cells = [
            f"{rows_in.get((d, table)) or 0:,} rows, {summary(steps[(d, table)], 's')}" if (d, table) in steps else "-"
            for d in periods
        ]
        print(f"| {table} | " + " | ".join(cells) + " |")


def compare_workers(args: argparse.Namespace, workers: list[int]) -> None:
    """A first run per step-worker setting, alternating within each repetition, on data generated once."""
    seconds: dict[int, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-") as tmp:
        data = Path(tmp) / "data"
        timed(data, "generate", "--scale", args.scale, "--seed", args.seed)
        for i in range(args.runs):
            for w in workers:
                home = Path(tmp) / f"run-{i}-{w}"
                home.mkdir()
                (home / "landing").symlink_to(data / "landing")
                seconds[w].append(timed(home, "run", env={"FITLAKE_STEP_WORKERS": str(w)})[0])
                shutil.rmtree(home)
            print(f"repetition {i + 1}/{args.runs} done", file=sys.stderr)
    print(f"## First run by FITLAKE_STEP_WORKERS, scale {args.scale}: median (min-max) of {args.runs}, alternated\n")
    print("| step workers | first run | ratio to the first setting |\n|---|---|---|")
    base = statistics.median(seconds[workers[0]])
    for w in workers:
        print(f"| {w} | {summary(seconds[w], 's')} | {statistics.median(seconds[w]) / base:.2f} |")


def compare_checkouts(args: argparse.Namespace, checkouts: list[Path]) -> None:
    """ingest_bronze of each checkout, alternating within each repetition, on data generated once."""
    seconds: dict[tuple[Path, str], list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-") as tmp:
        data = Path(tmp) / "data"
        timed(data, "generate", "--scale", args.scale, "--seed", args.seed)
        for i in range(args.runs):
            for checkout in checkouts:
                home = Path(tmp) / f"run-{i}"
                home.mkdir()
                (home / "landing").symlink_to(data / "landing")
                # The data was generated moments ago: no waiting for it to settle, in either checkout.
                env = {"PYTHONPATH": str(checkout), "FITLAKE_SETTLE_SECONDS": "0"}
                for phase in ("first ingestion", "rerun, nothing new"):
                    wall, _, cpu, _ = timed_with_cpu(home, "run", "--only", "ingest_bronze", env=env)
                    seconds[(checkout, phase)].append(wall)
                    seconds[(checkout, f"{phase}, CPU")].append(cpu)
                shutil.rmtree(home)
            print(f"repetition {i + 1}/{args.runs} done", file=sys.stderr)
    print(f"## ingest_bronze by checkout, scale {args.scale}: median (min-max) of {args.runs}, alternated\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d}\n")  # fmt: skip
    phases = ("first ingestion", "first ingestion, CPU", "rerun, nothing new", "rerun, nothing new, CPU")
    print(f"| checkout | {' | '.join(f'{p} | ratio' for p in phases)} |\n|---|{'---|---|' * len(phases)}")
    base = {p: statistics.median(seconds[(checkouts[0], p)]) for p in phases}
    for c in checkouts:
        cells = [
            f"{summary(seconds[(c, p)], 's')} | {statistics.median(seconds[(c, p)]) / base[p]:.2f}" for p in phases
        ]
        print(f"| {c.name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
