"""Expected lifetime value by tenure: how many more months, and how much more revenue, a member who has been
with the gym for t months can be expected to bring.

From the member months of the data (a life table): at tenure t, the hazard h(t) is the share of the members
on the books in their t-th month who left in it, the survival S(t) the product of (1 - h) up to t, and v(t)
the average value (fee plus shop spend) of a member month at tenure t. A member still there after month t is
there in month k > t with probability S(k-1)/S(t). Beyond the longest tenure observed, T, the hazard and
value are taken as constant, the averages over all member months (h_all, v_all), a geometric tail:

  expected_remaining_value(t) = (sum over t < k <= T of S(k-1) v(k)  +  S(T) v_all / h_all) / S(t)

and expected_remaining_months likewise with v = 1. While no membership in the data has ended, h_all is 0
and no lifetime can be estimated: both are NULL.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DOUBLE, Column, TableContract, between, rule
from gold import fact_member_month
from gold._member_value import member_month_value

INPUTS = ("gold.fact_member_month", "gold.fact_retail_sales")

CONTRACT = TableContract(
    name="gold.lifetime_value_by_tenure",
    comment="Life table by tenure month: members at risk, churn hazard, survival, and expected remaining value.",
    columns=(
        *fact_member_month.CONTRACT.pick("tenure_months"),
        Column("members_at_risk", BIGINT, "Member months observed at this tenure", nullable=False),
        Column("churned", BIGINT, "Of them, memberships that ended in the month", nullable=False),
        Column("hazard", DOUBLE, "churned / members_at_risk", nullable=False),
        Column("survival", DOUBLE, "Probability of still being a member after this many months", nullable=False),
        Column(
            "avg_monthly_value",
            DOUBLE,
            "Average fee plus shop spend of a member month at this tenure, USD",
            nullable=False,
        ),
        Column(
            "expected_remaining_months",
            DOUBLE,
            "Further months expected of a member still there after this tenure; NULL until a membership has ended",
        ),
        Column("expected_remaining_value", DOUBLE, "Further revenue expected of such a member, USD; NULL likewise"),
    ),
    keys=("tenure_months",),
    expectations=(
        between("hazard", 0, 1),
        between("survival", 0, 1),
        rule("remaining_months_not_negative", "expected_remaining_months IS NULL OR expected_remaining_months >= 0"),
        rule("remaining_value_not_negative", "expected_remaining_value IS NULL OR expected_remaining_value >= 0"),
    ),
)

# A tenure where every member left has S = 0: the tail is then empty, not a division by zero.
_TINY = 1e-12


def transform(member_months: DataFrame, sales: DataFrame) -> DataFrame:
    valued = member_month_value(member_months, sales)
    overall = valued.agg((F.count_if("is_churned") / F.count(F.lit(1))).alias("h_all"), F.avg("value").alias("v_all"))
    table = valued.groupBy("tenure_months").agg(
        F.count(F.lit(1)).alias("members_at_risk"),
        F.count_if("is_churned").alias("churned"),
        F.avg("value").alias("avg_monthly_value"),
    )
    by_tenure = Window.orderBy("tenure_months")
    upto = by_tenure.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    after = by_tenure.rowsBetween(1, Window.unboundedFollowing)
    whole = by_tenure.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    hazard = F.col("churned") / F.col("members_at_risk")
    life = (
        table.withColumn("hazard", hazard)
        .withColumn("survival", F.exp(F.sum(F.log(F.greatest(1 - F.col("hazard"), F.lit(_TINY)))).over(upto)))
        .withColumn("_entering", F.coalesce(F.lag("survival").over(by_tenure), F.lit(1.0)))
        .crossJoin(overall)
    )
    last_survival = F.last("survival").over(whole)
    tail_months = F.when(F.col("h_all") > 0, last_survival / F.col("h_all"))
    months_after = F.coalesce(F.sum("_entering").over(after), F.lit(0.0))
    value_after = F.coalesce(F.sum(F.col("_entering") * F.col("avg_monthly_value")).over(after), F.lit(0.0))
    s = F.greatest(F.col("survival"), F.lit(_TINY))
    return life.select(
        "tenure_months",
        "members_at_risk",
        "churned",
        "hazard",
        "survival",
        "avg_monthly_value",
        ((months_after + tail_months) / s).alias("expected_remaining_months"),
        ((value_after + tail_months * F.col("v_all")) / s).alias("expected_remaining_value"),
    )
