from datetime import UTC, datetime

import pytest

from fitlake import io
from fitlake.delta_log import commits, list_tables, logged_steps, resolve_table
from fitlake.errors import UsageError
from fitlake.settings import Settings
from ops.run_log import CONTRACT as RUN_LOG
from tests.fitlake.test_io import D1, D2, VISITS


def test_tables_and_history_read_the_delta_log(lakehouse):
    df = lakehouse.spark.createDataFrame([("a", D1, 1), ("b", D2, 2)], VISITS.spark_schema)
    io.write(lakehouse, VISITS, df, "append")
    io.write(lakehouse, VISITS, df.limit(1), "overwrite")

    (info,) = list_tables(lakehouse.settings)
    assert (info.name, info.rows, info.version) == ("silver.visits", 1, 2)
    found = commits(lakehouse.settings, "fitlake.silver.visits")
    assert [c["version"] for c in found] == [2, 1, 0]
    assert found[-1]["operation"] == "CREATE TABLE"
    assert len(commits(lakehouse.settings, "silver.visits", limit=1)) == 1


@pytest.mark.parametrize(
    ("name", "message"), [("visits", "name a table as"), ("gold.nothing", "no table gold.nothing")]
)
def test_unknown_tables_are_named_in_the_error(tmp_path, name, message):
    with pytest.raises(UsageError, match=message):
        resolve_table(Settings(home=tmp_path), name)


def test_databricks_tables_are_listed_in_the_workspace_not_here(tmp_path):
    with pytest.raises(UsageError, match="DESCRIBE HISTORY"):
        list_tables(Settings(home=tmp_path, engine="databricks"))


def test_the_steps_of_a_run_are_read_from_the_run_log_the_latest_run_by_default(lakehouse):
    def step(run_id: str, minute: int, table: str, status: str = "ok", error: str | None = None) -> tuple:
        at = datetime(2026, 12, 7, 4, minute, tzinfo=UTC)
        return (run_id, "build_silver", table, at, 1.5, 10, 9, 1, 0, None, status, error)

    rows = [step("r1", 0, "silver.b"), step("r2", 5, "silver.b", "failed", "over its limit"), step("r2", 1, "silver.a")]
    io.write(lakehouse, RUN_LOG, lakehouse.spark.createDataFrame(rows, RUN_LOG.spark_schema), "append")

    run_id, steps = logged_steps(lakehouse.settings)
    assert run_id == "r2"
    assert [(s["table_name"], s["rows_quarantined"], s["status"], s["error"]) for s in steps] == [
        ("silver.a", 1, "ok", None),
        ("silver.b", 1, "failed", "over its limit"),
    ]
    assert [s["table_name"] for s in logged_steps(lakehouse.settings, "r1")[1]] == ["silver.b"]
    with pytest.raises(UsageError, match="no run 'r9'"):
        logged_steps(lakehouse.settings, "r9")
