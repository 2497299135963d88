"""What each member month was worth: the fee it billed plus the member's shop spend that month."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.periods import month_start


def member_month_value(member_months: DataFrame, sales: DataFrame) -> DataFrame:
    """fact_member_month's rows with `retail_revenue` and `value` (membership + retail, USD, as doubles)."""
    spend = (
        sales.filter(F.col("member_key").isNotNull())
        .groupBy("member_key", month_start("sold_local_date").alias("month"))
        .agg(F.sum("line_total").cast("double").alias("retail_revenue"))
    )
    return (
        member_months.join(spend, ["member_key", "month"], "left")
        .withColumn("retail_revenue", F.coalesce("retail_revenue", F.lit(0.0)))
        .withColumn("value", F.col("membership_revenue").cast("double") + F.col("retail_revenue"))
    )
