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


def test_the_dashboard_refuses_a_home_without_tables_before_its_server_starts(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("streamlit.web.cli.main", lambda *args, **kwargs: started.append(args))
    with pytest.raises(UsageError, match=r"no lakehouse tables in .*: run `fitlake run` first"):
        server.serve_dashboard(Settings(home=tmp_path), "127.0.0.1", 8501, echo=print)
    assert started == []


def test_the_dashboard_runs_streamlit_with_its_options_and_the_settings_in_the_environment(tmp_path, monkeypatch):
    (tmp_path / "studio").mkdir()
    started = []
    monkeypatch.setattr("streamlit.web.cli.main", lambda args, prog_name: started.append(args))
    for name in Settings(home=tmp_path).environment():
        monkeypatch.delenv(name, raising=False)
    settings = Settings(home=tmp_path, catalog="studio")
    server.serve_dashboard(settings, "127.0.0.1", 8765, echo=print)
    ((command, app, *options),) = started
    assert command == "run" and app.endswith("dashboard/app.py")
    assert {"--server.address=127.0.0.1", "--server.port=8765", "--browser.gatherUsageStats=false"} <= set(options)
    assert Settings.resolve() == settings  # what the pages read back
