"""The weekly offline checks of the class recommender and the forecast, logged in MLflow."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import mlflow
from mlflow.tracking import MlflowClient

from fitlake import io
from fitlake.ml.evaluate import backtest_forecast, evaluate_recommendations
from gold import dim_product, fact_class_attendance, fact_retail_sales

YOGA, SPIN = ("BKN", "yoga", 7, date(2025, 2, 3)), ("BKN", "spin", 18, date(2025, 2, 5))  # a Monday, a Wednesday


def _attendance(lh, visits: list[tuple[str, tuple, int]]) -> None:
    rows = []
    for i, (member, (location, class_type, hour, first), weeks_later) in enumerate(visits):
        day = first + timedelta(weeks=weeks_later)
        starts = datetime(day.year, day.month, day.day, hour)
        rows.append((f"b{i}", f"{location}-{day:%Y%m%d}-{hour:02d}00", member, location, "i1", class_type, day,
                     starts, hour))  # fmt: skip
    frame = lh.spark.createDataFrame(rows, fact_class_attendance.CONTRACT.spark_schema)
    io.write(lh, fact_class_attendance.CONTRACT, frame, "overwrite")


def _runs(experiment: str):
    (run,) = MlflowClient().search_runs([mlflow.get_experiment_by_name(experiment).experiment_id])
    return run


def test_the_recommender_is_judged_on_first_visits_to_a_slot_and_logged(lakehouse, capsys):
    # m1 and m2 do yoga and spin in February; m3 only yoga, then tries spin in the last four weeks; m1's
    # yoga on the last day (31 March) only ends the data.
    _attendance(
        lakehouse,
        [("m1", YOGA, 0), ("m1", SPIN, 0), ("m2", YOGA, 1), ("m2", SPIN, 1), ("m3", YOGA, 2), ("m3", SPIN, 4),
         ("m1", YOGA, 8)],
    )  # fmt: skip
    scores = evaluate_recommendations(lakehouse)
    # Both rank spin first for m3, its only unvisited slot: one hit among five picks.
    assert scores == {"precision_at_k_cf": 0.2, "precision_at_k_popularity": 0.2, "members_evaluated": 1, "k": 5}
    assert "precision@5 0.200 (popularity 0.200) over 1 members' first visits" in capsys.readouterr().out
    run = _runs("fitlake_class_recommendations")
    assert run.data.metrics["precision_at_k_cf"] == 0.2 and run.data.params["cutoff"] == "2025-03-03"


def test_the_recommender_needs_attendance_from_before_its_holdout(lakehouse, capsys):
    _attendance(lakehouse, [("m1", YOGA, 0), ("m1", SPIN, 2)])
    assert evaluate_recommendations(lakehouse) == {}
    assert "no evaluation yet: it needs attendance from before the last 28 days" in capsys.readouterr().out


def test_the_forecast_backtest_is_logged_and_a_short_history_says_how_short(lakehouse, capsys):
    first = date(2025, 1, 6)  # a Monday: 20 complete weeks, 100 a day on weekdays, 50 at weekends
    days = [first + timedelta(days=d) for d in range(20 * 7)]
    price = {d: Decimal("100.00" if d.weekday() < 5 else "50.00") for d in days}
    lines = [(f"BKN-{d:%Y%m%d}-1", 1, "BKN", None, datetime(d.year, d.month, d.day, 12), d, "SU-1", "supplements",
              1, price[d], price[d], "card", False) for d in days]  # fmt: skip
    io.write(lakehouse, fact_retail_sales.CONTRACT, lakehouse.spark.createDataFrame(
        lines, fact_retail_sales.CONTRACT.spark_schema), "overwrite")  # fmt: skip
    products = [("SU-1", "Whey", "supplements", Decimal("100.00"))]
    io.write(lakehouse, dim_product.CONTRACT, lakehouse.spark.createDataFrame(
        products, dim_product.CONTRACT.spark_schema), "overwrite")  # fmt: skip
    # Every week sells 600: the mean of the last four weeks is exact at every origin.
    scores = backtest_forecast(lakehouse)
    assert scores == {"mape_mean_4_weeks": 0.0, "forecasts_scored": 48, "horizon": 4, "folds": 12}
    assert "MAPE mean_4_weeks 0.0% over 48 weekly forecasts" in capsys.readouterr().out
    assert _runs("fitlake_supplement_forecast").data.params["weeks"] == "20"

    short = [line for line in lines if line[5] < first + timedelta(weeks=10)]
    io.write(lakehouse, fact_retail_sales.CONTRACT, lakehouse.spark.createDataFrame(
        short, fact_retail_sales.CONTRACT.spark_schema), "overwrite")  # fmt: skip
    assert backtest_forecast(lakehouse) == {}
    assert "no backtest yet: a backtest of 12 origins forecasting 4 weeks needs at least 19 weeks" in (
        capsys.readouterr().out
    )
