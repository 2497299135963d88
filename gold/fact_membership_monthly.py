"""Membership per month and location: active, new and churned members, and MRR.

MRR (monthly recurring revenue) is the sum of the monthly fees of members active at the month's end: what
the next month will bill if nothing changes. `membership_revenue` is what the month did bill.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, Column, TableContract, decimal, references, rule
from gold import fact_member_month

INPUTS = ("gold.fact_member_month",)

CONTRACT = TableContract(
    name="gold.fact_membership_monthly",
    comment="One row per month and home location: active, frozen, new and churned members, MRR and revenue.",
    columns=(
        *fact_member_month.CONTRACT.pick("month", "location_id"),
        Column("active_members", BIGINT, "Members on the books and not frozen at month end", nullable=False),
        Column("frozen_members", BIGINT, "Members whose membership is frozen at month end", nullable=False),
        Column("new_members", BIGINT, "Members who joined this month", nullable=False),
        Column("churned_members", BIGINT, "Members whose membership ended this month", nullable=False),
        Column("mrr", decimal(14, 2), "Monthly fees of the members active at month end, USD", nullable=False),
        Column("membership_revenue", decimal(14, 2), "Membership fees billed for the month, USD", nullable=False),
    ),
    keys=("month", "location_id"),
    expectations=(rule("mrr_not_negative", "mrr >= 0"), rule("counts_not_negative", "active_members >= 0")),
    foreign_keys=(references("location_id", "gold.dim_location"),),
)


def transform(member_months: DataFrame) -> DataFrame:
    return member_months.groupBy("month", "location_id").agg(
        F.count_if("is_active_at_month_end").alias("active_members"),
        F.count_if(F.col("is_on_books_at_month_end") & (F.col("status") == "frozen")).alias("frozen_members"),
        F.count_if("is_new").alias("new_members"),
        F.count_if("is_churned").alias("churned_members"),
        F.coalesce(F.sum(F.when(F.col("is_active_at_month_end"), F.col("monthly_fee"))), F.lit(0))
        .cast("decimal(14,2)")
        .alias("mrr"),
        F.sum("membership_revenue").cast("decimal(14,2)").alias("membership_revenue"),
    )
