"""Which read path `fitlake serve api` serves: the local Delta tables, or a SQL warehouse on Databricks."""

from __future__ import annotations

import pytest

from fitlake.errors import UsageError
from fitlake.serving import server, warehouse
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.warehouse import SqlWarehouse
from fitlake.settings import Settings
from tests.fitlake.serving.fake_warehouse import FakeConnection


def test_a_home_without_tables_says_to_run_first(tmp_path):
    with pytest.raises(UsageError, match=r"no lakehouse tables in .*: run `fitlake run` first"):
        server.read_path_for(Settings(home=tmp_path))


def test_the_local_lakehouse_is_read_with_delta_rs_and_duckdb(tmp_path):
    (tmp_path / "fitlake").mkdir()
    assert isinstance(server.read_path_for(Settings(home=tmp_path)).backend, LocalGold)


def test_databricks_is_read_through_a_sql_warehouse(monkeypatch):
    connection = FakeConnection()
    monkeypatch.setattr(warehouse, "connect_from_environment", lambda: connection)
    read = server.read_path_for(Settings(home=None, engine="databricks", catalog="prod"))
    assert isinstance(read.backend, SqlWarehouse)
    read.run("instructor_leaderboard")
    assert "FROM prod.gold.instructor_leaderboard" in connection.executed[-1][0]
