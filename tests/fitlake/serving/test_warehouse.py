"""On Databricks the same named queries go to a SQL warehouse, with native parameter markers and the catalog's
three-part names; tested against a fake connection at databricks-sql-connector's boundary."""

from __future__ import annotations

import pytest

from fitlake.errors import SettingsError
from fitlake.serving import warehouse
from fitlake.serving.read_path import ReadPath
from fitlake.serving.warehouse import SqlWarehouse
from fitlake.settings import Settings
from tests.fitlake.serving.fake_warehouse import ROW, FakeConnection


def test_a_query_runs_with_bound_parameters_and_the_catalogs_names():
    connection = FakeConnection()
    read = ReadPath(SqlWarehouse(Settings(home=None, catalog="prod", schema_prefix="dev_"), lambda: connection))
    result = read.run("instructor_leaderboard", {"location": "BKN"})
    (history, _), (sql, parameters) = connection.executed
    assert history == "DESCRIBE HISTORY prod.dev_gold.instructor_leaderboard LIMIT 1"
    assert "FROM prod.dev_gold.instructor_leaderboard" in sql and "location_id = :location" in sql
    assert "BKN" not in sql  # the value travels as a parameter, never in the text
    assert parameters == {"week": None, "location": "BKN", "limit": 10}
    assert result.versions == {"gold.instructor_leaderboard": 7} and result.rows == [ROW]


def test_the_warehouse_result_is_cached_until_the_table_has_a_new_version():
    connection = FakeConnection()
    read = ReadPath(SqlWarehouse(Settings(home=None), lambda: connection))
    read.run("instructor_leaderboard")
    read.run("instructor_leaderboard")
    assert read.computed == 1
    connection.version = 8
    read.run("instructor_leaderboard")
    assert read.computed == 2


def test_without_the_warehouse_path_it_says_what_to_set(monkeypatch):
    monkeypatch.delenv(warehouse.HTTP_PATH_VARIABLE, raising=False)
    with pytest.raises(SettingsError, match="set FITLAKE_WAREHOUSE_HTTP_PATH"):
        warehouse.connect_from_environment()


def test_the_warehouse_path_is_given_or_made_from_the_id_an_app_resource_hands_over():
    assert (
        warehouse.warehouse_http_path({warehouse.HTTP_PATH_VARIABLE: "/sql/1.0/warehouses/a1"})
        == "/sql/1.0/warehouses/a1"
    )
    assert warehouse.warehouse_http_path({warehouse.WAREHOUSE_ID_VARIABLE: "b2"}) == "/sql/1.0/warehouses/b2"
    with pytest.raises(SettingsError, match="or FITLAKE_WAREHOUSE_ID to its id"):
        warehouse.warehouse_http_path({})
