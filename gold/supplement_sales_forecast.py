"""Supplement sales forecast: net supplement revenue of all sites for each of the next `HORIZON_WEEKS` weeks.

The forecasters, the weekly series they start from, the backtest that chooses between them and what they
measured are in fitlake.ml.forecast; this table is their forecast from the last complete week, with the
method chosen and its backtest MAPE.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import DATE, DOUBLE, INT, STRING, Column, TableContract, between, decimal, in_set, rule
from fitlake.ml.forecast import (
    BACKTEST_FOLDS,
    FORECASTERS,
    HORIZON_WEEKS,
    METHODS,
    RECENT_MEAN,
    RECENT_WEEKS,
    SEASONAL,
    SEASONAL_MIN_WEEKS,
    best_method,
    weekly_revenue,
    weekly_series,
)

INPUTS = ("gold.fact_retail_sales", "gold.dim_product")

CONTRACT = TableContract(
    name="gold.supplement_sales_forecast",
    comment=f"Net supplement revenue of all sites forecast for each of the next {HORIZON_WEEKS} weeks from the last "
    f"complete week, by whichever of seasonal naive and the mean of the last {RECENT_WEEKS} weeks backtests "
    f"better. No rows with fewer than {RECENT_WEEKS} complete weeks.",
    columns=(
        Column("week_start", DATE, "Monday of the week forecast (the sites' local dates)", nullable=False),
        Column("horizon_weeks", INT, f"Weeks after the origin week: 1 to {HORIZON_WEEKS}", nullable=False),
        Column("forecast_revenue", decimal(14, 2), "Forecast net supplement revenue of the week, USD", nullable=False),
        Column(
            "method",
            STRING,
            f"{SEASONAL} (the week a year earlier times the last {RECENT_WEEKS} weeks over the same weeks a year "
            f"earlier) or {RECENT_MEAN} (the mean of the last {RECENT_WEEKS} weeks)",
            nullable=False,
        ),
        Column("origin_week_start", DATE, "Monday of the last complete week, the forecast's origin", nullable=False),
        Column(
            "history_weeks", INT, "Complete weeks of sales up to the origin the forecast was made from", nullable=False
        ),
        Column(
            "backtest_mape",
            DOUBLE,
            f"Mean absolute percentage error of the method over up to {BACKTEST_FOLDS} past origins, {HORIZON_WEEKS} "
            "weeks ahead; NULL when the history is too short for one",
        ),
        Column("backtest_origins", INT, "Past origins that backtest forecast from; NULL without a backtest"),
    ),
    keys=("week_start",),
    expectations=(
        between("horizon_weeks", 1, HORIZON_WEEKS),
        in_set("method", METHODS),
        rule("forecast_not_negative", "forecast_revenue >= 0"),
        rule("week_start_is_horizon_after_origin", "week_start = date_add(origin_week_start, 7 * horizon_weeks)"),
        rule(
            "seasonal_only_with_a_year_of_history", f"method <> '{SEASONAL}' OR history_weeks >= {SEASONAL_MIN_WEEKS}"
        ),
    ),
)


def forecast(weekly: pd.DataFrame, horizon: int = HORIZON_WEEKS) -> pd.DataFrame:
    """The table's rows: the next `horizon` weeks after the last week of `weekly` (week_start, revenue: complete
    weeks), by the first forecaster of FORECASTERS that can be formed; no rows when neither can."""
    series = weekly_series(weekly)
    history = series.to_numpy()
    formed = {m: p for m, f in FORECASTERS.items() if (p := f(history, horizon)) is not None}
    if not formed:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CONTRACT.column_names})
    method, mape, origins = best_method(weekly, list(formed), horizon)
    predicted = formed[method]
    origin: date = series.index[-1].date()
    return pd.DataFrame(
        {
            "week_start": [origin + timedelta(weeks=h) for h in range(1, horizon + 1)],
            "horizon_weeks": np.arange(1, horizon + 1, dtype="int32"),
            "forecast_revenue": np.maximum(predicted, 0.0),
            "method": method,
            "origin_week_start": origin,
            "history_weeks": np.int32(len(history)),
            "backtest_mape": mape,
            "backtest_origins": origins,
        }
    )


_FORECAST_SCHEMA = ", ".join(
    f"{c.name} {'double' if c.name == 'forecast_revenue' else c.type}" for c in CONTRACT.columns
)


def _forecast_all(weekly: pd.DataFrame) -> pd.DataFrame:
    return forecast(weekly, HORIZON_WEEKS)  # one argument: applyInPandas passes the group key to a function of two


def transform(sales: DataFrame, products: DataFrame) -> DataFrame:
    # One group: the forecast is of the one all-sites series, a few hundred weeks at most.
    predicted = weekly_revenue(sales, products).groupBy().applyInPandas(_forecast_all, _FORECAST_SCHEMA)
    return predicted.withColumn("forecast_revenue", F.round("forecast_revenue", 2).cast("decimal(14,2)"))
