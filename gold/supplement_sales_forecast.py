"""Supplement sales forecast: net supplement revenue of all sites for each of the next `HORIZON_WEEKS` weeks.

Weeks start on Monday; only complete weeks count (the retail data covers all seven days), so a week the
export is still in the middle of is forecast, not used. Revenue is net of refunds, in the week of the
refund, as in gold.revenue_monthly; a product is a supplement by gold.dim_product's category.

Two forecasters, both pure numpy on the weekly series, made from the last complete week (the origin):
- `seasonal_naive`: the same week a year (52 weeks) earlier, scaled by the last 4 weeks' revenue over the
  same 4 weeks a year earlier. It needs `SEASONAL_MIN_WEEKS` weeks of history.
- `mean_4_weeks`: the mean of the last 4 weeks, for every week ahead; for shorter histories.
`backtest` scores them on past origins (MAPE). The table uses, of those that can be formed, the one with the
lower MAPE over the last `BACKTEST_FOLDS` origins at which both can be; when none has a year of history
behind it, the seasonal one if it can be formed at all, else the mean. The table records that MAPE.

Measured (seed 7, 4 weeks ahead): `small` has 51 complete weeks, so only the mean can be backtested: MAPE
11.2% over the last 12 origins (48 forecasts). Two years of `small` (103 weeks): over the last 12 origins
seasonal naive 11.1%, mean 7.4%; over all 44 origins with a year of history, 12.1% and 12.4%. Weekly
revenue moves about 12% from one week to the next on this data, and the seasonal forecast copies a single
week's noise from a year earlier where the mean averages four, so it wins only where the season turns.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import DATE, DOUBLE, INT, STRING, Column, TableContract, between, decimal, in_set, rule
from gold._periods import week_start

INPUTS = ("gold.fact_retail_sales", "gold.dim_product")

CATEGORY = "supplements"
HORIZON_WEEKS = 4
BACKTEST_FOLDS = 12
SEASON_WEEKS = 52
RECENT_WEEKS = 4  # the weeks both forecasters start from: the level now, and (seasonal) its change in a year
# The week a year before the origin's first recent week must exist to scale by: 52 + 4 weeks.
SEASONAL_MIN_WEEKS = SEASON_WEEKS + RECENT_WEEKS
SEASONAL, RECENT_MEAN = "seasonal_naive", "mean_4_weeks"
METHODS = (SEASONAL, RECENT_MEAN)

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


def seasonal_naive(history: np.ndarray, horizon: int) -> np.ndarray | None:
    """The next `horizon` weeks after `history` (weekly revenue, oldest first); None when it cannot be formed:
    under `SEASONAL_MIN_WEEKS` weeks, or nothing sold in the 4 weeks a year before the last 4."""
    n = len(history)
    if n < SEASONAL_MIN_WEEKS or horizon > SEASON_WEEKS:
        return None
    year_before = history[n - RECENT_WEEKS - SEASON_WEEKS : n - SEASON_WEEKS].sum()
    if year_before <= 0:
        return None
    scale = history[n - RECENT_WEEKS :].sum() / year_before
    return history[n - SEASON_WEEKS : n - SEASON_WEEKS + horizon] * scale


def mean_recent(history: np.ndarray, horizon: int) -> np.ndarray | None:
    """The mean of the last 4 weeks for each of the next `horizon`; None with fewer than 4 weeks."""
    if len(history) < RECENT_WEEKS:
        return None
    return np.full(horizon, history[-RECENT_WEEKS:].mean())


FORECASTERS = {SEASONAL: seasonal_naive, RECENT_MEAN: mean_recent}  # in order of preference


def weekly_series(weekly: pd.DataFrame) -> pd.Series:
    """`weekly` (week_start, revenue) as a series with every week from the first to the last, 0 where none
    was sold, so position n-52 is always the week a year earlier."""
    if weekly.empty:
        return pd.Series(dtype=float)
    revenue = weekly.assign(week_start=pd.to_datetime(weekly["week_start"])).set_index("week_start")["revenue"]
    if (revenue.index.weekday != 0).any():
        raise ValueError("weekly revenue must be indexed by Mondays (week_start)")
    weeks = pd.date_range(revenue.index.min(), revenue.index.max(), freq="7D")
    return revenue.astype(float).groupby(level=0).sum().reindex(weeks, fill_value=0.0)


def forecast(weekly: pd.DataFrame, horizon: int = HORIZON_WEEKS) -> pd.DataFrame:
    """The table's rows: the next `horizon` weeks after the last week of `weekly` (week_start, revenue: complete
    weeks), by the first forecaster of FORECASTERS that can be formed; no rows when neither can."""
    series = weekly_series(weekly)
    history = series.to_numpy()
    formed = {m: p for m, f in FORECASTERS.items() if (p := f(history, horizon)) is not None}
    if not formed:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CONTRACT.column_names})
    method, mape, origins = _choose(weekly, list(formed), horizon)
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


def _choose(weekly: pd.DataFrame, formed: list[str], horizon: int) -> tuple[str, float | None, int | None]:
    """Of the methods `formed` now, the one with the lower backtest MAPE over the most origins (up to
    BACKTEST_FOLDS) at which all of them can be formed, with that MAPE and origin count; the first formed,
    in FORECASTERS' order, when there is no such origin."""
    for folds in range(BACKTEST_FOLDS, 0, -1):
        try:
            scores = backtest(weekly, horizon, folds)
        except ValueError:  # too short for this many origins
            continue
        mapes = {m: scores[f"mape_{m}"] for m in formed if f"mape_{m}" in scores}
        if len(mapes) == len(formed):
            best = min(mapes, key=lambda m: (mapes[m], formed.index(m)))
            return best, mapes[best], folds
    return formed[0], None, None


def backtest(weekly: pd.DataFrame, horizon: int = HORIZON_WEEKS, folds: int = BACKTEST_FOLDS) -> dict[str, float]:
    """Rolling-origin backtest on `weekly` (week_start, revenue: complete weeks, as `weekly_revenue` gives).

    The origins are the last `folds` weeks that still have `horizon` weeks of actuals after them; each method
    forecasts `horizon` weeks from each. A method is scored only if it can be formed at every origin, so the
    methods scored are compared on the same forecasts. Returns `mape_<method>` (mean absolute percentage
    error, in percent) for each method scored, `forecasts_scored` (per method: weeks with an actual above
    zero; a zero week has no percentage error), `horizon` and `folds`."""
    history = weekly_series(weekly).to_numpy()
    first_origin = len(history) - horizon - folds + 1
    if folds < 1 or horizon < 1 or first_origin < RECENT_WEEKS:
        raise ValueError(
            f"a backtest of {folds} origins forecasting {horizon} weeks needs at least "
            f"{RECENT_WEEKS + horizon + folds - 1} weeks of revenue; got {len(history)}"
        )
    origins = range(first_origin, len(history) - horizon + 1)  # weeks of history at each origin
    result: dict[str, float] = {}
    scored = 0
    for method, forecaster in FORECASTERS.items():
        errors = []
        for n in origins:
            predicted = forecaster(history[:n], horizon)
            if predicted is None:
                break
            actual = history[n : n + horizon]
            counted = actual > 0
            errors.append(np.abs(actual[counted] - np.maximum(predicted[counted], 0.0)) / actual[counted])
        else:
            errors_all = np.concatenate(errors)
            result[f"mape_{method}"] = float(errors_all.mean() * 100) if len(errors_all) else float("nan")
            scored = len(errors_all)
    return {**result, "forecasts_scored": scored, "horizon": horizon, "folds": folds}


def weekly_revenue(sales: DataFrame, products: DataFrame) -> DataFrame:
    """Net supplement revenue per complete week (week_start, revenue as a double), from gold.fact_retail_sales
    and gold.dim_product. A week is complete when the sales cover each of its days, judged from the first and
    last day with any sale; a complete week without a supplement sold is 0."""
    supplements = products.filter(F.col("category") == CATEGORY).select("sku", F.lit(True).alias("_supplement"))
    covered = sales.agg(F.min("sold_local_date").alias("_first_day"), F.max("sold_local_date").alias("_last_day"))
    weekly = (
        sales.join(F.broadcast(supplements), "sku", "left")
        .groupBy(week_start("sold_local_date").alias("week_start"))
        .agg(F.coalesce(F.sum(F.when(F.col("_supplement"), F.col("line_total"))), F.lit(0)).alias("revenue"))
    )
    complete = (F.col("week_start") >= F.col("_first_day")) & (F.date_add("week_start", 6) <= F.col("_last_day"))
    return weekly.crossJoin(covered).filter(complete).select("week_start", F.col("revenue").cast("double"))


_FORECAST_SCHEMA = ", ".join(
    f"{c.name} {'double' if c.name == 'forecast_revenue' else c.type}" for c in CONTRACT.columns
)


def _forecast_all(weekly: pd.DataFrame) -> pd.DataFrame:
    return forecast(weekly, HORIZON_WEEKS)  # one argument: applyInPandas passes the group key to a function of two


def transform(sales: DataFrame, products: DataFrame) -> DataFrame:
    # One group: the forecast is of the one all-sites series, a few hundred weeks at most.
    predicted = weekly_revenue(sales, products).groupBy().applyInPandas(_forecast_all, _FORECAST_SCHEMA)
    return predicted.withColumn("forecast_revenue", F.round("forecast_revenue", 2).cast("decimal(14,2)"))
