"""Membership revenue per month, location and class type, allocated by attendance.

A membership is not sold per class, so a member's billed fee for a month is shared among the class types
they attended that month, in proportion to their attendances; the fee of a member who attended no class
that month goes to `gym_floor`. The allocations of a month add up to its membership revenue.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DOUBLE, STRING, Column, TableContract, references, rule
from fitlake.periods import month_start
from gold import fact_member_month

INPUTS = ("gold.fact_member_month", "gold.fact_class_attendance")

NO_CLASS = "gym_floor"

CONTRACT = TableContract(
    name="gold.class_type_revenue_monthly",
    comment="Membership revenue per month, home location and class type, shared out by each member's attendance.",
    columns=(
        *fact_member_month.CONTRACT.pick("month", "location_id"),
        Column(
            "class_type",
            STRING,
            f"Class type attended, or '{NO_CLASS}' for members who attended no class",
            nullable=False,
        ),
        Column("members", BIGINT, "Billed members who attended this class type (or no class)", nullable=False),
        Column("attendances", BIGINT, "Their attendances of this class type in the month", nullable=False),
        # A share of a fee is a fraction of a cent: kept unrounded so the month's shares add up to its revenue.
        Column("allocated_revenue", DOUBLE, "Membership revenue allocated to the class type, USD", nullable=False),
    ),
    keys=("month", "location_id", "class_type"),
    expectations=(rule("allocated_revenue_not_negative", "allocated_revenue >= 0"),),
    foreign_keys=(references("location_id", "gold.dim_location"),),
)


def transform(member_months: DataFrame, attendance: DataFrame) -> DataFrame:
    billed = member_months.filter(F.col("membership_revenue") > 0).select(
        "member_key", "month", "location_id", F.col("membership_revenue").cast("double").alias("fee")
    )
    attended = attendance.groupBy("member_key", month_start("class_date").alias("month"), "class_type").agg(
        F.count(F.lit(1)).alias("attendances")
    )
    member_month = Window.partitionBy("member_key", "month")
    share = F.col("attendances") / F.sum("attendances").over(member_month)
    shares = billed.join(attended, ["member_key", "month"], "left").select(
        "location_id",
        "month",
        F.coalesce("class_type", F.lit(NO_CLASS)).alias("class_type"),
        F.coalesce("attendances", F.lit(0)).alias("attendances"),
        (F.col("fee") * F.coalesce(share, F.lit(1.0))).alias("allocated"),
    )
    return shares.groupBy("month", "location_id", "class_type").agg(
        F.count(F.lit(1)).alias("members"),
        F.sum("attendances").cast("bigint").alias("attendances"),
        F.sum("allocated").alias("allocated_revenue"),
    )
