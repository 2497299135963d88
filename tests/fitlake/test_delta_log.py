import pytest

from fitlake import io
from fitlake.delta_log import commits, list_tables, resolve_table
from fitlake.errors import UsageError
from fitlake.settings import Settings
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
