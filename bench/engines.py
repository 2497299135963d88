"""Sail against classic JVM Spark on the same Silver transforms and the same Parquet inputs (issue 21).

    .venv/bin/python bench/engines.py --home <a lakehouse `fitlake run` built> [--tables silver.checkins,...] [--runs 3]

The tables each transform reads are written once to Parquet from the lakehouse. Then each engine, in a process of
its own started for it, reads them from Parquet with the contracts' schemas, runs the transform and writes its
rows to Parquet, `--runs` times after one warm-up run (the JVM compiles, Sail plans from cold) that is reported
apart. The engines take turns transform by transform. Prints markdown for bench/RESULTS.md: per transform the
median seconds on each engine and the JVM's time over Sail's.

The JVM is a local[2] session without Delta (its jars cannot be downloaded here; the inputs are Parquet), with the
settings FitLake's own JVM engine uses (fitlake.engine): UTC, 4 shuffle partitions, and 4 GiB for the driver.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TABLES = ("silver.checkins", "silver.retail_lines", "silver.wearable_minutes")


def export_inputs(home: Path, tables: list[str], folder: Path) -> None:
    """Every table the transforms read, as Parquet under `folder/<schema.table>` (once: kept between calls)."""
    from fitlake import registry
    from fitlake.session import open_lakehouse
    from fitlake.settings import Settings

    modules = {m.name: m for m in registry.table_modules("silver")}
    needed = sorted({name for table in tables for name in modules[table].inputs})
    missing = [name for name in needed if not (folder / name).exists()]
    if not missing:
        return
    with open_lakehouse(Settings(home=home)) as lh:
        for name in missing:
            print(f"  exporting {name}", file=sys.stderr, flush=True)
            lh.read(name).write.mode("overwrite").parquet(str(folder / name))


_ENGINES: list = []  # the Sail server stops when its handle is collected: kept for the process's life


def _session(engine: str):
    if engine == "sail":
        from fitlake import engine as engines
        from fitlake.settings import Settings

        _ENGINES.append(engines.start(Settings(home=Path(os.environ["FITLAKE_BENCH_HOME"]))))
        return _ENGINES[-1].spark
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master("local[2]")
        .appName("fitlake-bench-engines")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "4g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def _read(spark, folder: Path, schema):
    """A table's Parquet export; an empty table (Sail writes no file for no rows) as no rows with its columns."""
    if not any(folder.glob("*.parquet")):
        return spark.createDataFrame([], schema)
    return spark.read.schema(schema).parquet(str(folder))


def worker(engine: str, table: str, inputs: Path, out: Path, runs: int) -> None:
    """Time `runs` + 1 runs of one transform on one engine; print a JSON line: seconds per run, rows written."""
    from fitlake import registry
    from fitlake.privacy import load_secrets
    from fitlake.settings import Settings

    spark = _session(engine)
    module = {m.name: m for m in registry.table_modules("silver")}[table]
    contracts = registry.contracts()
    kwargs = {"secrets": load_secrets(Settings(home=Path(os.environ["FITLAKE_BENCH_HOME"])))}
    seconds = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        frames = [_read(spark, inputs / n, contracts[n].spark_schema) for n in module.inputs]
        result = module.transform(*frames, **(kwargs if module.needs_secrets else {}))
        result.write.mode("overwrite").parquet(str(out))
        seconds.append(time.perf_counter() - started)
    rows = spark.read.parquet(str(out)).count()
    print(json.dumps({"seconds": seconds, "rows": rows}), flush=True)


def measure(engine: str, table: str, home: Path, inputs: Path, runs: int) -> dict:
    out = inputs.parent / f"out-{engine}-{table}"
    # Without what a Spark Connect session leaves in the environment (the export's), which makes the JVM worker's
    # builder ask for a Connect URL.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
    env |= {"FITLAKE_BENCH_HOME": str(home), "PYTHONPATH": str(REPO)}
    command = [sys.executable, __file__, "--worker", engine, "--table", table, "--inputs", str(inputs)]
    done = subprocess.run(
        [*command, "--out", str(out), "--runs", str(runs)], capture_output=True, text=True, env=env, timeout=3600
    )
    shutil.rmtree(out, ignore_errors=True)
    if done.returncode:
        raise RuntimeError(f"{engine} on {table} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--tables", default=",".join(DEFAULT_TABLES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, help="where the Parquet inputs are kept (default: <home>/bench-engines)")
    parser.add_argument("--worker", choices=("sail", "jvm"), help=argparse.SUPPRESS)
    parser.add_argument("--table", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.table, args.inputs, args.out, args.runs)
        return
    if args.home is None:
        parser.error("--home is required: a lakehouse `fitlake run` built")
    tables = args.tables.split(",")
    inputs = (args.work or args.home / "bench-engines") / "inputs"
    export_inputs(args.home, tables, inputs)
    print(f"# Sail against JVM Spark, {date.today()}, {platform.machine()}, {os.cpu_count()} cores, {args.home.name}")
    print(f"\nEach engine in its own process; {args.runs} timed runs after one warm-up, medians.\n")
    print("| transform | rows | Sail warm-up | Sail median (runs) | JVM warm-up | JVM median (runs) | JVM / Sail |")
    print("|---|---|---|---|---|---|---|")
    for table in tables:
        sail, jvm = (measure(engine, table, args.home, inputs, args.runs) for engine in ("sail", "jvm"))
        if sail["rows"] != jvm["rows"]:
            raise RuntimeError(f"{table}: Sail wrote {sail['rows']} rows, the JVM {jvm['rows']}")
        medians = [statistics.median(r["seconds"][1:]) for r in (sail, jvm)]
        runs = [", ".join(f"{s:.1f}" for s in r["seconds"][1:]) for r in (sail, jvm)]
        print(
            f"| {table} | {sail['rows']:,} | {sail['seconds'][0]:.1f} s | {medians[0]:.1f} s ({runs[0]}) "
            f"| {jvm['seconds'][0]:.1f} s | {medians[1]:.1f} s ({runs[1]}) | {medians[1] / medians[0]:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
