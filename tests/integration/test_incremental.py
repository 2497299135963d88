"""Days ingested one by one give the same Silver and Gold as a backfill of the same days; a rerun changes nothing.

Runs the daily job's tasks in this process, on the test run's Sail session: what is compared is what the
tasks build, and a process per run would double the test's time (the CLI is covered by test_cli).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from data_gen.generate import generate
from fitlake.lakehouse import delta_tables_on_disk
from fitlake.runlog import RunLog
from fitlake.tasks import TaskContext
from fitlake.workflow import load_job, run_tasks
from tests.conftest import temporary_lakehouse
from workflows import DAILY_JOB

DAYS = 2
START = date(2025, 1, 1)
PERIOD = {"scale": "tiny", "seed": 11, "start": START, "days": DAYS}
# Both lakehouses must pseudonymise with the same salt to be comparable.
SECRETS = {"FITLAKE_PII_KEY": "p" * 32, "FITLAKE_PSEUDONYM_SALT": "incremental-test-salt"}
# Columns that say when or in which run a row was written, not what it holds; and the raw line, which is
# encrypted with a fresh IV for sources with personal data (its file and line number identify it).
RUN_COLUMNS = {"_batch_id", "_quarantined_at", "_ingested_at", "_ingest_date", "_raw"}
# The tasks that build tables; quality_checks only reads them.
BUILDS = [t for t in load_job(DAILY_JOB) if t.key != "quality_checks"]


def _no_retry(wait: float) -> None:
    raise AssertionError("a task failed: see its output above")


def _run(sail_engine, home: Path, run_id: str) -> None:
    with temporary_lakehouse(sail_engine, home) as lh:
        run_tasks(TaskContext(lh, RunLog(lh, run_id)), BUILDS, sleep=_no_retry)


def _content(spark, home: Path) -> dict[str, list]:
    """Sorted rows of every Silver and Gold table, without the columns that record the run."""
    content = {}
    for name, path in delta_tables_on_disk(home / "fitlake"):
        if name.split(".")[0] not in ("silver", "gold"):
            continue
        df = spark.read.format("delta").load(str(path))
        rows = df.select(*[c for c in df.columns if c not in RUN_COLUMNS]).collect()
        content[name] = sorted(json.dumps(r.asDict(), default=str, sort_keys=True) for r in rows)
    return content


def test_days_run_one_by_one_give_the_backfills_silver_and_gold(tmp_path, sail_engine, monkeypatch: pytest.MonkeyPatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    backfill, daily = tmp_path / "backfill", tmp_path / "daily"
    generate(backfill, **PERIOD)
    _run(sail_engine, backfill, "backfill")
    for offset in range(DAYS):
        generate(daily, **PERIOD, day=START + timedelta(days=offset))
        _run(sail_engine, daily, f"day-{offset + 1}")
    expected = _content(sail_engine.spark, backfill)
    assert expected["silver.checkins"] and expected["silver.membership_history"]
    assert _content(sail_engine.spark, daily) == expected
