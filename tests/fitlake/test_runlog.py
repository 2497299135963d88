import re

import pytest

from fitlake import runlog
from fitlake.runlog import RunLog, new_run_id
from tests.builders import column_comments


def test_each_step_appends_one_row_and_prints_one_line(lakehouse, capsys):
    log = RunLog(lakehouse, "run-1")
    with log.step("build_silver", "silver.visits") as step:
        step.rows_in, step.rows_out, step.rows_quarantined, step.rows_duplicate = 10, 7, 2, 1
    with pytest.raises(ValueError, match="boom"), log.step("build_gold", "gold.visits_daily"):
        raise ValueError("boom\nsecond line of detail")

    rows = {r.table_name: r for r in lakehouse.read(runlog.CONTRACT).collect()}
    ok, failed = rows["silver.visits"], rows["gold.visits_daily"]
    assert (ok.run_id, ok.task, ok.status, ok.error) == ("run-1", "build_silver", "ok", None)
    assert (ok.rows_in, ok.rows_out, ok.rows_quarantined, ok.rows_duplicate) == (10, 7, 2, 1)
    assert (failed.status, failed.error, failed.rows_out) == ("failed", "boom", None)
    assert ok.seconds >= 0

    out, err = capsys.readouterr()
    assert re.search(r"silver\.visits\s+in 10  out 7  quarantined 2  duplicates 1\s+[\d.]+s  ok", out)
    assert "gold.visits_daily" in err and "FAILED: boom" in err


def test_run_log_is_re_registered_with_its_contract_after_a_restart(lakehouse):
    log = RunLog(lakehouse, "run-1")
    with log.step("t", "silver.x"):
        pass
    lakehouse.spark.sql(f"DROP TABLE {lakehouse.table_name(runlog.CONTRACT)}")
    assert "ops.run_log" in lakehouse.register_existing()
    # Registered from the contract's DDL (not just the Delta log), so analysts see the comments.
    comments = column_comments(lakehouse.spark, "fitlake.ops.run_log")
    assert comments["started_at"] == "When the step started (UTC)"
    assert lakehouse.read(runlog.CONTRACT).count() == 1


def test_run_ids_sort_by_time_and_are_unique():
    first, second = new_run_id(), new_run_id()
    assert re.fullmatch(r"\d{8}T\d{6}-[0-9a-f]{6}", first)
    assert first != second


def test_a_batch_writes_its_steps_in_one_commit_when_it_ends_even_by_an_error(lakehouse):
    from deltalake import DeltaTable

    log = RunLog(lakehouse, "run-1")
    with log.step("t", "silver.first"):
        pass  # outside a batch: written at once
    table = DeltaTable(str(lakehouse.location(runlog.CONTRACT)))
    before = table.version()
    with pytest.raises(ValueError, match="boom"), log.batch():
        with log.step("t", "silver.a"):
            pass
        assert lakehouse.read(runlog.CONTRACT).count() == 1  # not yet written
        with log.step("t", "silver.b"):
            raise ValueError("boom")
    table.update_incremental()
    assert table.version() == before + 1
    rows = {r.table_name: r.status for r in lakehouse.read(runlog.CONTRACT).collect()}
    assert rows == {"silver.first": "ok", "silver.a": "ok", "silver.b": "failed"}
