"""The lakehouses the end-to-end tests share, each built once per session.

`home`: tiny (unless FITLAKE_TEST_SCALE says), built through the real CLI. It is read, never changed: a test that
runs a command that writes works on a copy (`copy_of`). Tests read its tables in this process (`tables_on_disk`,
`row_counts`) unless what they test is the command that reads them.

`two_days`: two days of tiny data built in this process, once as a backfill and once a day at a time, for the
tests that compare runs (days one by one, a rerun, a killed run resumed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from pyspark.sql import DataFrame

from data_gen.generate import generate
from fitlake import registry
from fitlake.delta_log import list_tables
from fitlake.lakehouse import delta_tables_on_disk
from fitlake.runlog import RunLog
from fitlake.settings import Settings
from fitlake.tasks import TaskContext
from fitlake.workflow import load_job, run_tasks
from tests.conftest import temporary_lakehouse
from workflows import DAILY_JOB

# The data every end-to-end test shares: tiny by default; FITLAKE_TEST_SCALE=small runs the same checks on
# the `small` scale by hand (about two minutes more; bench/RESULTS.md has the last such run).
HOME_DATA = ("--scale", os.environ.get("FITLAKE_TEST_SCALE", "tiny"), "--seed", "3")
# Tables whose rows are data, not the record of runs. On tiny's two weeks no churn model can be trained:
# gold.churn_predictions is never written (see tests/fitlake/ml).
DATA_TABLES = {n for n in registry.daily_contracts() if n.split(".")[0] in ("bronze", "silver", "gold")} - {
    "gold.churn_predictions"
} | {"ops.ingested_files"}
# The first line of the summary of a run in which every task succeeded (fitlake.run_summary).
SUMMARY = re.compile(r"^run \S+ ok: \d+ tasks?, ", re.MULTILINE)


def cli_env(**extra: str) -> dict[str, str]:
    """The caller's environment without FitLake, Spark or MLflow settings that would change what is tested
    (mlflow.set_tracking_uri, called by in-process tests, sets MLFLOW_TRACKING_URI for every child process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FITLAKE_", "SPARK_", "PYSPARK_", "MLFLOW_"))}
    # A test's landing files are complete when written: no waiting for them to settle.
    return {**env, "FITLAKE_SETTLE_SECONDS": "0", **extra}


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
    """Rows of every table, read from the Delta logs in this process (`fitlake tables` does the same)."""
    return {t.name: t.rows for t in list_tables(Settings(home=home))}


def copy_of(home: Path, destination: Path) -> Path:
    """A copy of a lakehouse folder, for a test that changes what it holds."""
    shutil.copytree(home, destination, symlinks=True)
    return destination


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


def tables_on_disk(spark, home: Path) -> dict[str, DataFrame]:
    """Every Delta table of the lakehouse, read straight from its folder by the test's own session."""
    return {name: spark.read.format("delta").load(str(path)) for name, path in delta_tables_on_disk(home / "fitlake")}


TWO_DAYS_START = date(2025, 1, 1)
TWO_DAYS = {"scale": "tiny", "seed": 11, "start": TWO_DAYS_START, "days": 2}
# Both two-day lakehouses must pseudonymise with the same salt to be comparable.
PIPELINE_SECRETS = {"FITLAKE_PII_KEY": "p" * 32, "FITLAKE_PSEUDONYM_SALT": "incremental-test-salt"}
# The tasks that build tables; quality_checks only reads them (tests/fitlake/test_dq.py tests it).
BUILDS = [t for t in load_job(DAILY_JOB) if t.key != "quality_checks"]


def _no_retry(wait: float) -> None:
    raise AssertionError("a task failed: see its output above")


def run_builds(sail_engine, home: Path, run_id: str, full_refresh: bool = False) -> None:
    """The daily job's building tasks on `home`, in this process, on the test run's Sail session."""
    with temporary_lakehouse(sail_engine, home) as lh:
        run_tasks(TaskContext(lh, RunLog(lh, run_id), full_refresh), BUILDS, sleep=_no_retry)


@dataclass(frozen=True)
class TwoDays:
    backfill: Path
    daily: Path


@pytest.fixture(scope="session")
def two_days(tmp_path_factory, sail_engine) -> TwoDays:
    """The same two days, as one backfill and as one run per day."""
    built = TwoDays(tmp_path_factory.mktemp("backfill"), tmp_path_factory.mktemp("daily"))
    with pytest.MonkeyPatch.context() as env:
        for name, value in PIPELINE_SECRETS.items():
            env.setenv(name, value)
        generate(built.backfill, **TWO_DAYS)
        run_builds(sail_engine, built.backfill, "backfill")
        for offset in range(TWO_DAYS["days"]):
            generate(built.daily, **TWO_DAYS, day=TWO_DAYS_START + timedelta(days=offset))
            run_builds(sail_engine, built.daily, f"day-{offset + 1}")
    return built
