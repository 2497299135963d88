"""Customer lifetime value per member: what they have brought so far, and what they can be expected to bring.

Historical value counts the data's period only (fees billed and shop spend). A current member's expected
remaining value is gold.lifetime_value_by_tenure's for their tenure; a member who has left has none.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, BOOLEAN, DOUBLE, Column, TableContract, references, rule
from gold import dim_member, fact_member_month
from gold._member_value import member_month_value

INPUTS = ("gold.fact_member_month", "gold.fact_retail_sales", "gold.lifetime_value_by_tenure")

CONTRACT = TableContract(
    name="gold.member_lifetime_value",
    comment="One row per member: historical value in the data's period, and expected lifetime value by tenure.",
    columns=(
        *dim_member.CONTRACT.pick("member_key"),
        *fact_member_month.CONTRACT.pick("location_id", "tenure_months"),
        Column("is_member", BOOLEAN, "Still a member at the end of the last month of data", nullable=False),
        Column("months_observed", BIGINT, "Member months in the data's period", nullable=False),
        Column("membership_revenue", DOUBLE, "Fees billed in the data's period, USD", nullable=False),
        Column(
            "retail_revenue",
            DOUBLE,
            "Shop and juice-bar spend in the data's period, USD, net of refunds",
            nullable=False,
        ),
        Column("historical_value", DOUBLE, "membership_revenue + retail_revenue", nullable=False),
        Column(
            "expected_remaining_value",
            DOUBLE,
            "Revenue still expected, by tenure; 0 once the member left; NULL while no lifetime can be estimated",
        ),
        Column("expected_lifetime_value", DOUBLE, "historical_value + expected_remaining_value"),
    ),
    keys=("member_key",),
    expectations=(
        rule("ltv_at_least_history", "expected_lifetime_value IS NULL OR expected_lifetime_value >= historical_value"),
    ),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def transform(member_months: DataFrame, sales: DataFrame, by_tenure: DataFrame) -> DataFrame:
    valued = member_month_value(member_months, sales)
    last_month = Window.partitionBy("member_key").orderBy(F.desc("month"))
    latest = (
        valued.withColumn("_n", F.row_number().over(last_month))
        .filter("_n = 1")
        .select("member_key", "location_id", "tenure_months", F.col("is_on_books_at_month_end").alias("is_member"))
    )
    totals = valued.groupBy("member_key").agg(
        F.count(F.lit(1)).alias("months_observed"),
        F.sum(F.col("membership_revenue").cast("double")).alias("membership_revenue"),
        F.sum("retail_revenue").alias("retail_revenue"),
    )
    remaining = by_tenure.select("tenure_months", "expected_remaining_value")
    history = F.col("membership_revenue") + F.col("retail_revenue")
    expected = F.when(F.col("is_member"), F.col("expected_remaining_value")).otherwise(0.0)
    return (
        latest.join(totals, "member_key")
        .join(remaining, "tenure_months", "left")
        .select(
            "member_key",
            "location_id",
            "tenure_months",
            "is_member",
            "months_observed",
            "membership_revenue",
            "retail_revenue",
            history.alias("historical_value"),
            expected.alias("expected_remaining_value"),
            (history + expected).alias("expected_lifetime_value"),
        )
    )
