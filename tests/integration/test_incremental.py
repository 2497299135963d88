"""Days ingested one by one give the same Silver and Gold as a backfill of the same days; a rerun changes nothing.

The two lakehouses are the session's `two_days` (tests/integration/conftest.py), built in this process; the rerun
and full-refresh tests run last here, on the day-by-day one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from deltalake import DeltaTable

from fitlake.delta_log import list_tables
from fitlake.delta_tables import read_table
from fitlake.lakehouse import delta_tables_on_disk
from fitlake.settings import Settings
from tests.integration.conftest import DATA_TABLES, PIPELINE_SECRETS, row_counts, run_builds

# Columns that say when or in which run a row was written, not what it holds; and the raw line, which is
# encrypted with a fresh IV for sources with personal data (its file and line number identify it).
RUN_COLUMNS = {"_batch_id", "_quarantined_at", "_ingested_at", "_ingest_date", "_raw"}


def _built_versions(home: Path) -> dict[str, int]:
    """The Delta version of every Silver and Gold table (quarantines too): what a build would change."""
    return {t.name: t.version for t in list_tables(Settings(home=home)) if t.name.split(".")[0] in ("silver", "gold")}


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


def test_days_run_one_by_one_give_the_backfills_silver_and_gold(two_days, sail_engine):
    expected = _content(sail_engine.spark, two_days.backfill)
    assert expected["silver.checkins"] and expected["silver.membership_history"]
    assert _content(sail_engine.spark, two_days.daily) == expected


def test_a_rerun_with_nothing_new_changes_no_data_table(two_days, sail_engine, capsys, monkeypatch):
    for name, value in PIPELINE_SECRETS.items():
        monkeypatch.setenv(name, value)
    home = two_days.daily
    before, rows_before = _content(sail_engine.spark, home), row_counts(home)
    versions_before = _built_versions(home)
    capsys.readouterr()
    run_builds(sail_engine, home, "rerun")
    said = capsys.readouterr().out
    assert "0 new of" in said
    # No work: every Silver and Gold table is left as day-2 built it, and the run says so.
    assert _built_versions(home) == versions_before
    steps = {t for t in versions_before if not t.endswith("_quarantine")}  # a table's step writes its quarantine
    assert {t for t in steps if re.search(rf"^    {t}: unchanged: run day-[12] built it from", said, re.M)} == steps
    rows_after = row_counts(home)
    assert set(rows_after) >= DATA_TABLES
    assert {t: rows_after[t] for t in DATA_TABLES} == {t: rows_before[t] for t in DATA_TABLES}
    assert _content(sail_engine.spark, home) == before
    # The run log is the record of runs: it gains the rerun's own steps, one per table built, as each run does.
    log = sail_engine.spark.read.format("delta").load(str(home / "fitlake" / "ops" / "run_log"))
    logged = {r.run_id: r["count"] for r in log.groupBy("run_id").count().collect()}
    assert logged["rerun"] == logged["day-2"] == logged["day-1"]
    assert rows_after["ops.run_log"] == rows_before["ops.run_log"] + logged["rerun"]


def test_a_full_refresh_builds_every_table_again_and_gives_the_same_tables(two_days, sail_engine, monkeypatch):
    for name, value in PIPELINE_SECRETS.items():
        monkeypatch.setenv(name, value)
    home = two_days.daily
    before = _content(sail_engine.spark, home)
    run_builds(sail_engine, home, "full-refresh", full_refresh=True)
    builds = read_table(DeltaTable(str(home / "fitlake" / "ops" / "table_builds")), where="run_id = 'full-refresh'")
    steps = {t for t in _built_versions(home) if not t.endswith("_quarantine")}
    assert set(builds.column("table_name").to_pylist()) == steps
    assert _content(sail_engine.spark, home) == before == _content(sail_engine.spark, two_days.backfill)
