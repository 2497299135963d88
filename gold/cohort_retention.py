"""Retention by join-month cohort: of the members who joined in a month, how many are still members
0, 1, 2, ... months later (at the end of each month), up to the last month of data.

Only cohorts that joined within the data's period are shown: of earlier cohorts the exports hold only the
members who were still there when the period began, which would overstate their retention.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, DOUBLE, INT, Column, TableContract, between, rule

INPUTS = ("gold.fact_member_month",)

CONTRACT = TableContract(
    name="gold.cohort_retention",
    comment="Retention matrix: per join month and months since joining, members still on the books at month end.",
    columns=(
        Column("join_month", DATE, "The cohort: first day of the month its members joined", nullable=False),
        Column("months_since_join", INT, "0 for the join month itself", nullable=False),
        Column("month", DATE, "The month measured: join_month plus months_since_join", nullable=False),
        Column("cohort_size", BIGINT, "Members who joined in join_month", nullable=False),
        Column("retained_members", BIGINT, "Of them, members still on the books at the end of month", nullable=False),
        Column("retention_rate", DOUBLE, "retained_members / cohort_size", nullable=False),
    ),
    keys=("join_month", "months_since_join"),
    expectations=(
        between("retention_rate", 0, 1),
        rule("retained_within_cohort", "retained_members <= cohort_size"),
        between("months_since_join", 0, 1200),
    ),
)


def transform(member_months: DataFrame) -> DataFrame:
    cohorts = member_months.filter("is_new").select("member_key", F.col("month").alias("join_month"))
    sizes = cohorts.groupBy("join_month").agg(F.count(F.lit(1)).alias("cohort_size"))
    months = member_months.select("month").distinct()
    grid = sizes.join(months, F.col("month") >= F.col("join_month"))
    retained = (
        member_months.filter("is_on_books_at_month_end")
        .join(cohorts, "member_key")
        .groupBy("join_month", "month")
        .agg(F.count(F.lit(1)).alias("retained_members"))
    )
    return grid.join(retained, ["join_month", "month"], "left").select(
        "join_month",
        F.months_between("month", "join_month").cast("int").alias("months_since_join"),
        "month",
        "cohort_size",
        F.coalesce("retained_members", F.lit(0)).cast("bigint").alias("retained_members"),
        (F.coalesce("retained_members", F.lit(0)) / F.col("cohort_size")).alias("retention_rate"),
    )
