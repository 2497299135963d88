"""The supplement sales forecast: net supplement revenue of all sites for each of the next `HORIZON_WEEKS`
weeks, from the weekly series of complete weeks (`weekly_revenue`).

Weeks start on Monday; only complete weeks count (the retail data covers all seven days), so a week the
export is still in the middle of is forecast, not used. Revenue is net of refunds, in the week of the
refund, as in gold.revenue_monthly; a product is a supplement by gold.dim_product's category.

Two forecasters, both pure numpy on the weekly series, made from the last complete week (the origin):
- `seasonal_naive`: the same week a year (52 weeks) earlier, scaled by the last 4 weeks' revenue over the
  same 4 weeks a year earlier. It needs `SEASONAL_MIN_WEEKS` weeks of history.
- `mean_4_weeks`: the mean of the last 4 weeks, for every week ahead; for shorter histories.
`backtest` scores them on past origins (MAPE). gold.supplement_sales_forecast uses, of those that can be
formed, the one with the lower MAPE over the last `BACKTEST_FOLDS` origins at which both can be
(`best_method`); when none has a year of history behind it, the seasonal one if it can be formed at all,
else the mean. fitlake.ml.evaluate logs the backtest weekly.

Measured (seed 7, 4 weeks ahead): `small` has 51 complete weeks, so only the mean can be backtested: MAPE
11.2% over the last 12 origins (48 forecasts). Two years of `small` (103 weeks): over the last 12 origins
seasonal naive 11.1%, mean 7.4%; over all 44 origins with a year of history, 12.1% and 12.4%. Weekly
revenue moves about 12% from one week to the next on this data, and the seasonal forecast copies a single
week's noise from a year earlier where the mean averages four, so it wins only where the season turns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.periods import week_start

CATEGORY = "supplements"
HORIZON_WEEKS = 4
BACKTEST_FOLDS = 12
SEASON_WEEKS = 52
RECENT_WEEKS = 4  # the weeks both forecasters start from: the level now, and (seasonal) its change in a year
# The week a year before the origin's first recent week must exist to scale by: 52 + 4 weeks.
SEASONAL_MIN_WEEKS = SEASON_WEEKS + RECENT_WEEKS
SEASONAL, RECENT_MEAN = "seasonal_naive", "mean_4_weeks"
METHODS = (SEASONAL, RECENT_MEAN)


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


def best_method(weekly: pd.DataFrame, formed: list[str], horizon: int) -> tuple[str, float | None, int | None]:
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
