from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from fitlake.ml.forecast import backtest
from gold import dim_product, fact_retail_sales
from gold import supplement_sales_forecast as sf
from tests.builders import assert_same_rows

MONDAY = date(2025, 1, 6)


def _weekly(revenue: list[float], first: date = MONDAY) -> pd.DataFrame:
    return pd.DataFrame({"week_start": [first + timedelta(weeks=i) for i in range(len(revenue))], "revenue": revenue})


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False, name=None)]


def test_seasonal_naive_is_the_week_a_year_earlier_scaled_by_the_last_4_weeks_over_the_same_4_a_year_earlier():
    weekly = _weekly([100.0 + i for i in range(57)])  # weeks 0..56: revenue 100..156
    origin = MONDAY + timedelta(weeks=56)
    # Week 56+h is forecast from week 4+h (52 earlier), times weeks 53-56 over weeks 1-4: 618 / 410.
    # No origin before it has a year of history, so nothing to backtest against: the seasonal forecast is used.
    expected = [(origin + timedelta(weeks=h), h, (104 + h) * 618 / 410, "seasonal_naive", origin, 57, None, None)
                for h in range(1, 5)]  # fmt: skip
    got = _rows(sf.forecast(weekly))
    assert [r[:2] + r[3:] for r in got] == [r[:2] + r[3:] for r in expected]
    assert [r[2] for r in got] == pytest.approx([r[2] for r in expected])


def test_under_56_weeks_the_forecast_is_the_mean_of_the_last_4_weeks_and_under_4_there_is_none():
    values = [100.0 + i for i in range(56)]
    # 56 weeks are just enough for the seasonal forecast: week 4 (a year before week 56), times 614 / 406.
    just_enough = sf.forecast(_weekly(values), horizon=1)
    assert just_enough.loc[0, "method"] == "seasonal_naive"
    assert just_enough.loc[0, "forecast_revenue"] == pytest.approx(104 * 614 / 406)
    short = sf.forecast(_weekly(values[:55]))  # weeks 0..54: the last four are 151..154
    assert list(short["method"]) == ["mean_4_weeks"] * 4
    assert list(short["forecast_revenue"]) == [152.5] * 4
    assert list(short["history_weeks"]) == [55] * 4
    # A week missing from the input sold nothing: it counts as 0 among the last four.
    gap = _weekly([10.0, 20.0, 30.0, 40.0]).drop(index=2)
    assert list(sf.forecast(gap, horizon=1)["forecast_revenue"]) == [(10 + 20 + 0 + 40) / 4]
    assert sf.forecast(_weekly([10.0, 20.0, 30.0])).empty


def test_with_a_year_of_history_the_method_that_backtests_better_is_used_and_its_mape_recorded():
    # Steady 100 a week, but a noisy first 18 weeks: the seasonal forecast copies that noise a year on,
    # the mean of the last four weeks is exact.
    weekly = _weekly([50.0 if i % 2 else 150.0 for i in range(18)] + [100.0] * 53)  # 12 origins with a year behind
    scores = backtest(weekly, sf.HORIZON_WEEKS, sf.BACKTEST_FOLDS)
    assert scores["mape_mean_4_weeks"] == 0 < scores["mape_seasonal_naive"]
    got = sf.forecast(weekly)
    assert set(got["method"]) == {"mean_4_weeks"} and list(got["forecast_revenue"]) == [100.0] * 4
    assert set(got["backtest_mape"]) == {0.0} and set(got["backtest_origins"]) == {sf.BACKTEST_FOLDS}
    # A season that repeats every year (ten weeks at double the sales): the seasonal forecast is exact, the mean
    # lags each turn.
    year = [100.0] * 8 + [200.0] * 10 + [100.0] * 34
    seasonal = sf.forecast(_weekly((year * 2)[:71]))
    assert set(seasonal["method"]) == {"seasonal_naive"} and set(seasonal["backtest_mape"]) == {0.0}


def test_backtest_mape_over_rolling_origins_skips_weeks_that_sold_nothing():
    weekly = _weekly([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 0.0])
    # Origins after weeks 0-4 (mean of 20..50 = 35, for 60 and 70) and 0-5 (mean 45, for 70 and a 0 not scored).
    assert backtest(weekly, horizon=2, folds=2) == {
        "mape_mean_4_weeks": pytest.approx(np.mean([25 / 60, 35 / 70, 25 / 70]) * 100),
        "forecasts_scored": 3,
        "horizon": 2,
        "folds": 2,
    }
    with pytest.raises(ValueError, match="needs at least 7 weeks of revenue; got 6"):
        backtest(weekly.head(6), horizon=2, folds=2)


def test_backtest_scores_the_seasonal_forecast_when_every_origin_has_a_year_of_history():
    weekly = _weekly([100.0 + i for i in range(58)])
    # Origins after 56 and 57 weeks, one week ahead: actuals 156 and 157.
    seasonal = [104 * 614 / 406, 105 * 618 / 410]
    recent = [(152 + 153 + 154 + 155) / 4, (153 + 154 + 155 + 156) / 4]

    def mape(forecasts):
        return np.mean([abs(a - f) / a for a, f in zip((156, 157), forecasts, strict=True)]) * 100

    assert backtest(weekly, horizon=1, folds=2) == {
        "mape_seasonal_naive": pytest.approx(mape(seasonal)),
        "mape_mean_4_weeks": pytest.approx(mape(recent)),
        "forecasts_scored": 2,
        "horizon": 1,
        "folds": 2,
    }
    # One origin more and the first has 55 weeks: the seasonal forecast cannot be formed there, so it is not scored.
    assert set(backtest(weekly, horizon=1, folds=3)) == {"mape_mean_4_weeks", "forecasts_scored", "horizon", "folds"}


SALES = [  # local date, sku, quantity, unit price
    (date(2025, 1, 1), "SU-001", 30, Decimal("30.00")),  # Wednesday: the week from Monday 30 December is partial
    (date(2025, 1, 6), "SU-001", 2, Decimal("30.00")),
    (date(2025, 1, 8), "SU-001", -1, Decimal("30.00")),  # a refund, in the week it was given
    (date(2025, 1, 9), "JB-001", 4, Decimal("6.50")),  # juice: not a supplement
    (date(2025, 1, 19), "SU-002", 1, Decimal("50.00")),  # Sunday: still the week of Monday 13 January
    (date(2025, 1, 20), "SU-002", 1, Decimal("70.00")),
    (date(2025, 2, 2), "SU-001", 3, Decimal("30.00")),  # the week of 27 January ends on Sunday 2 February
    (date(2025, 2, 4), "SU-001", 40, Decimal("30.00")),  # the data ends on Tuesday: this week is partial
]


def test_the_table_forecasts_the_next_4_weeks_from_the_complete_weeks_of_net_supplement_revenue(spark):
    lines = [(f"BKN-{d:%Y%m%d}-1", 1, "BKN", None, datetime(d.year, d.month, d.day, 12), d, sku,
              "supplements" if sku.startswith("SU") else "juice_bar", q, p, q * p, "card", q < 0)
             for d, sku, q, p in SALES]  # fmt: skip
    sales = spark.createDataFrame(lines, fact_retail_sales.CONTRACT.spark_schema)
    products = spark.createDataFrame(
        [("SU-001", "Whey 1kg", "supplements", Decimal("30.00")), ("SU-002", "Creatine", "supplements",
          Decimal("50.00")), ("JB-001", "Green juice", "juice_bar", Decimal("6.50"))],
        dim_product.CONTRACT.spark_schema,
    )  # fmt: skip
    # Complete weeks from 6 January: 30 (60 less the 30 refunded), 50, 70, 90; their mean is 60.
    weekly = _weekly([30.0, 50.0, 70.0, 90.0])
    origin = date(2025, 1, 27)
    expected = [
        (origin + timedelta(weeks=h), h, Decimal("60.00"), "mean_4_weeks", origin, 4, None, None) for h in range(1, 5)
    ]
    assert_same_rows(sf.transform(sales, products), spark.createDataFrame(expected, sf.CONTRACT.spark_schema))
    core = sf.forecast(weekly)
    assert _rows(core.assign(forecast_revenue=core["forecast_revenue"].map(lambda v: Decimal(f"{v:.2f}")))) == expected
