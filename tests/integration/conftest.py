"""The lakehouse the end-to-end tests share (tiny unless FITLAKE_TEST_SCALE says), built once through the real CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql import DataFrame

from fitlake.lakehouse import delta_tables_on_disk
from fitlake.workflow import load_job
from workflows import DAILY_JOB

# The data every end-to-end test shares: tiny by default; FITLAKE_TEST_SCALE=small runs the same checks on
# the `small` scale by hand (about two minutes more; bench/RESULTS.md has the last such run).
HOME_DATA = ("--scale", os.environ.get("FITLAKE_TEST_SCALE", "tiny"), "--seed", "3")
SUMMARY = re.compile(r"summary: (\d+) steps ok, 0 failed")


def cli_env(**extra: str) -> dict[str, str]:
    """The caller's environment without FitLake, Spark or MLflow settings that would change what is tested
    (mlflow.set_tracking_uri, called by in-process tests, sets MLFLOW_TRACKING_URI for every child process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FITLAKE_", "SPARK_", "PYSPARK_", "MLFLOW_"))}
    return {**env, **extra}


def fitlake(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=240,
    )
    if check:
        assert result.returncode == 0, f"fitlake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def sql(home: Path, query: str) -> list[dict]:
    return json.loads(fitlake(home, "sql", query, "--format", "json").stdout)


def row_counts(home: Path) -> dict[str, int]:
    tables = json.loads(fitlake(home, "tables", "--format", "json").stdout)
    return {t["table"].removeprefix("fitlake."): t["rows"] for t in tables}


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("lakehouse")
    fitlake(home, "generate", *HOME_DATA)
    run = fitlake(home, "run")
    assert SUMMARY.search(run.stdout), run.stdout
    # Every task of the job YAML ran, in the YAML's dependency order.
    started = [run.stdout.index(f"[{task.key}]") for task in load_job(DAILY_JOB)]
    assert started == sorted(started)
    return home


def steps_per_run(home: Path) -> int:
    """Run-log steps of one full run: one per table each task builds or checks."""
    runs = sql(home, "select run_id, count(*) as n, min(started_at) as started from ops.run_log group by run_id")
    return min(runs, key=lambda r: r["started"])["n"]


def tables_on_disk(spark, home: Path) -> dict[str, DataFrame]:
    """Every Delta table of the lakehouse, read straight from its folder by the test's own session."""
    return {name: spark.read.format("delta").load(str(path)) for name, path in delta_tables_on_disk(home / "fitlake")}
