"""Days ingested one by one give the same Silver and Gold as a backfill of the same days; a rerun changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from fitlake.catalog import delta_tables_on_disk
from tests.integration.conftest import cli_env

DAYS = 3
START = date(2025, 1, 1)
# Both lakehouses must pseudonymise with the same salt to be comparable.
SECRETS = {"FITLAKE_PII_KEY": "p" * 32, "FITLAKE_PSEUDONYM_SALT": "incremental-test-salt"}
# Columns that say when or in which run a row was written, not what it holds; and the raw line, which is
# encrypted with a fresh IV for sources with personal data (its file and line number identify it).
RUN_COLUMNS = {"_batch_id", "_quarantined_at", "_ingested_at", "_ingest_date", "_raw"}


def _fitlake(home: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=cli_env(**SECRETS),
        timeout=240,
    )
    assert result.returncode == 0, f"fitlake {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


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


def test_days_run_one_by_one_give_the_backfills_silver_and_gold(tmp_path, sail):
    backfill, daily = tmp_path / "backfill", tmp_path / "daily"
    period = ("--scale", "tiny", "--seed", "11", "--days", str(DAYS))
    _fitlake(backfill, "generate", *period)
    _fitlake(backfill, "run")
    for offset in range(DAYS):
        _fitlake(daily, "generate", *period, "--day", (START + timedelta(days=offset)).isoformat())
        _fitlake(daily, "run")
    expected = _content(sail, backfill)
    assert expected["silver.checkins"] and expected["silver.membership_history"]
    assert _content(sail, daily) == expected
