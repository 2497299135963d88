"""The dashboard's named queries: each renders for both backends, and the one a tiny lakehouse cannot build (churn
risk deciles) answers on a hand-built gold.churn_predictions."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from fitlake.serving.dashboard_queries import ALL_QUERIES, DASHBOARD_QUERIES
from fitlake.serving.local_gold import LocalGold, arrow_name
from fitlake.serving.queries import QUERIES
from fitlake.serving.read_path import ReadPath


@pytest.mark.parametrize("query", DASHBOARD_QUERIES.values(), ids=list(DASHBOARD_QUERIES))
def test_every_dashboard_query_renders_for_duckdb_and_the_warehouse(query):
    local, warehouse = query.render("duckdb", arrow_name), query.render("databricks", lambda t: f"fitlake.{t}")
    assert query.tables and all(arrow_name(t) in local and f"fitlake.{t}" in warehouse for t in query.tables)


def test_the_dashboard_reads_the_apis_queries_too_under_the_same_names():
    assert {name: ALL_QUERIES[name] for name in QUERIES} == QUERIES
    assert not set(QUERIES) & set(DASHBOARD_QUERIES)


def test_risk_deciles_count_the_latest_scoring_only(tmp_path):
    older, latest = dt.date(2025, 6, 1), dt.date(2025, 6, 8)
    rows = [
        {"as_of_date": day, "member_key": f"m{i}", "location_id": "BKN", "churn_probability": i / 20,
         "risk_decile": 1 + i // 2, "model_name": "fitlake_churn", "model_version": "1", "model_run_id": "r"}
        for day in (older, latest) for i in range(20 if day == latest else 4)
    ]  # fmt: skip
    write_deltalake(str(tmp_path / "gold" / "churn_predictions"), pa.Table.from_pylist(rows))
    deciles = ReadPath(LocalGold(tmp_path), ALL_QUERIES).run("risk_deciles").rows
    assert [(r["as_of_date"], r["risk_decile"], r["members"]) for r in deciles] == [
        (latest, decile, 2) for decile in range(1, 11)
    ]
    assert deciles[-1]["mean_churn_probability"] == pytest.approx((18 + 19) / 2 / 20)


def test_wearable_day_means_leave_out_days_the_device_was_not_worn(tmp_path):
    day = dt.date(2016, 4, 12)
    worn = {
        "sedentary_minutes": 600,
        "light_minutes": 200,
        "moderate_minutes": 20,
        "very_active_minutes": 10,
        "asleep_minutes": 420,
        "device_worn": True,
    }
    off_the_wrist = {"sedentary_minutes": 1440, "light_minutes": 0, "moderate_minutes": 0, "very_active_minutes": 0,
                     "asleep_minutes": 0, "device_worn": False}  # fmt: skip
    rows = [{"local_date": day, "member_key": key, **figures} for key, figures in (("a", worn), ("b", off_the_wrist))]
    write_deltalake(str(tmp_path / "gold" / "wearable_daily_activity"), pa.Table.from_pylist(rows))
    [mean] = ReadPath(LocalGold(tmp_path), ALL_QUERIES).run("wearables_daily").rows
    assert (mean["members"], mean["mean_sedentary_minutes"], mean["mean_active_minutes"]) == (1, 600, 230)
