import math
from collections import defaultdict

import pandas as pd
import pytest

from gold import fact_member_month, fact_retail_sales, lifetime_value_by_tenure, member_lifetime_value
from tests.gold import world
from tests.gold.test_fact_member_month import member_months

COLUMNS = [c.name for c in fact_member_month.CONTRACT.columns]


def _valued() -> pd.DataFrame:
    """Member months with their value: the fee billed plus the member's shop spend in the month."""
    mm = pd.DataFrame(member_months(), columns=COLUMNS)
    spend = defaultdict(float)
    for _, _, _, member, day, _, _, quantity, price in world.RETAIL:
        if member:
            spend[(member, day.replace(day=1))] += float(quantity * price)
    mm["retail"] = [spend[(m, month)] for m, month in zip(mm.member_key, mm.month, strict=True)]
    mm["value"] = mm.membership_revenue.astype(float) + mm.retail
    return mm


def life_table() -> pd.DataFrame:
    """The life table by hand, with pandas: hazards, survival, and the expected remaining months and value."""
    mm = _valued()
    h_all, v_all = mm.is_churned.mean(), mm.value.mean()
    t = mm.groupby("tenure_months").agg(at_risk=("member_key", "size"), churned=("is_churned", "sum"),
                                        value=("value", "mean")).sort_index()  # fmt: skip
    t["hazard"] = t.churned / t.at_risk
    t["survival"] = (1 - t.hazard).cumprod()
    entering = t.survival.shift(1, fill_value=1.0)
    s_last = t.survival.iloc[-1]
    months, values = [], []
    for i in range(len(t)):
        later = slice(i + 1, None)
        months.append((entering.iloc[later].sum() + s_last / h_all) / t.survival.iloc[i])
        values.append(((entering * t.value).iloc[later].sum() + s_last / h_all * v_all) / t.survival.iloc[i])
    t["months"], t["values"] = months, values
    return t


def test_the_life_table_matches_one_worked_out_with_pandas(spark):
    member_month_rows = spark.createDataFrame(member_months(), fact_member_month.CONTRACT.spark_schema)
    sales = fact_retail_sales.transform(world.retail_frame(spark))
    actual = {r.tenure_months: r for r in lifetime_value_by_tenure.transform(member_month_rows, sales).collect()}
    expected = life_table()
    assert sorted(actual) == list(expected.index)
    for tenure, e in expected.iterrows():
        a = actual[tenure]
        assert (a.members_at_risk, a.churned) == (e.at_risk, e.churned)
        assert (a.hazard, a.survival, a.avg_monthly_value) == pytest.approx((e.hazard, e.survival, e.value))
        assert (a.expected_remaining_months, a.expected_remaining_value) == pytest.approx((e.months, e["values"]))
    assert 0 < expected.hazard.max() < 1  # the fixture has churn, so the tail is finite


def test_a_members_lifetime_value_is_their_history_plus_what_their_tenure_still_promises(spark):
    mm = _valued()
    table = life_table()
    member_month_rows = spark.createDataFrame(member_months(), fact_member_month.CONTRACT.spark_schema)
    sales = fact_retail_sales.transform(world.retail_frame(spark))
    by_tenure = lifetime_value_by_tenure.transform(member_month_rows, sales)
    actual = {r.member_key: r for r in member_lifetime_value.transform(member_month_rows, sales, by_tenure).collect()}
    assert sorted(actual) == sorted(mm.member_key.unique())
    for member, rows in mm.sort_values("month").groupby("member_key"):
        last = rows.iloc[-1]
        history = rows.membership_revenue.astype(float).sum() + rows.retail.sum()
        remaining = table["values"][last.tenure_months] if last.is_on_books_at_month_end else 0.0
        a = actual[member]
        assert (a.tenure_months, a.is_member, a.months_observed) == (last.tenure_months, last.is_on_books_at_month_end,
                                                                     len(rows))  # fmt: skip
        assert (a.historical_value, a.expected_remaining_value) == pytest.approx((history, remaining))
        assert a.expected_lifetime_value == pytest.approx(history + remaining)
    assert actual["m2"].expected_remaining_value == 0.0  # m2 left


def test_without_any_churn_no_lifetime_is_estimated(spark):
    stayers = [r for r in member_months() if not r[9] and r[0] not in ("m2", "m5")]
    member_month_rows = spark.createDataFrame(stayers, fact_member_month.CONTRACT.spark_schema)
    sales = fact_retail_sales.transform(world.retail_frame(spark).limit(0))
    rows = lifetime_value_by_tenure.transform(member_month_rows, sales).collect()
    assert rows and all(r.expected_remaining_months is None and r.survival == 1.0 for r in rows)
    assert not any(math.isinf(r.avg_monthly_value) for r in rows)
