"""Member months: one row per member and month they were on the books, with their state at month end.

The grain of membership figures: gold.fact_membership_monthly (active, new, churned, MRR), revenue, cohort
retention and lifetime value all count these rows. The state at the end of a month (plan, fee, status, home
location) is the membership_history version in force then, so a plan change shows from the month it
happened in and never earlier. Months run from the first to the last month of the members exports.

Billing: a month's fee is billed when the member is on the books after its first day (joining during the
month included) and is not frozen at its end; frozen months are free.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BOOLEAN, DATE, INT, STRING, Column, TableContract, between, decimal, references, rule
from fitlake.periods import month_end, month_start
from gold._versions import in_force_before
from silver import members

INPUTS = ("silver.members", "silver.membership_history")

CONTRACT = TableContract(
    name="gold.fact_member_month",
    comment="One row per member and month on the books: state at month end, joins, churn and the fee billed.",
    columns=(
        *members.CONTRACT.pick("member_key"),
        Column("month", DATE, "First day of the month", nullable=False),
        Column("location_id", STRING, "Member's home location at month end", nullable=False),
        *members.CONTRACT.pick("plan", "billing_period", "monthly_fee"),
        Column("status", STRING, "active, frozen or cancelled at month end", nullable=False),
        Column(
            "tenure_months", INT, "Whole months since the member's join month (0 in the join month)", nullable=False
        ),
        Column("is_new", BOOLEAN, "The member joined this month", nullable=False),
        Column("is_churned", BOOLEAN, "The membership ended this month", nullable=False),
        Column(
            "is_on_books_at_month_end",
            BOOLEAN,
            "Still a member at the end of the month (frozen or not)",
            nullable=False,
        ),
        Column("is_active_at_month_end", BOOLEAN, "A member, and not frozen, at the end of the month", nullable=False),
        Column(
            "membership_revenue", decimal(10, 2), "Fee billed for the month in USD (0 when not billed)", nullable=False
        ),
    ),
    keys=("member_key", "month"),
    expectations=(
        between("tenure_months", 0, 1200),
        rule("revenue_not_negative", "membership_revenue >= 0"),
        rule("active_members_are_on_the_books", "NOT is_active_at_month_end OR is_on_books_at_month_end"),
        rule("churned_members_leave_the_books", "NOT is_churned OR NOT is_on_books_at_month_end"),
    ),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def _months(history: DataFrame) -> DataFrame:
    bounds = history.agg(
        month_start(F.min("valid_from")).alias("first"), month_start(F.max("valid_from")).alias("last")
    )
    return bounds.select(F.explode(F.sequence("first", "last", F.expr("INTERVAL 1 MONTH"))).alias("month"))


def transform(members_: DataFrame, history: DataFrame) -> DataFrame:
    end = month_end("month")
    member_months = (
        members_.select("member_key", "join_date", "cancel_date")
        .crossJoin(_months(history))
        .filter(
            (F.col("join_date") <= end) & (F.col("cancel_date").isNull() | (F.col("cancel_date") >= F.col("month")))
        )
    )
    # The version in force at month end: the latest exported before the next month began.
    at_end = in_force_before(member_months, history, F.add_months("month", 1), per="month")

    cancel = F.col("cancel_date")
    on_books = cancel.isNull() | (cancel > end)
    frozen = F.col("status") == "frozen"
    billed = (cancel.isNull() | (cancel > F.col("month"))) & ~frozen
    return at_end.select(
        "member_key",
        "month",
        F.col("home_location_id").alias("location_id"),
        "plan",
        "billing_period",
        "monthly_fee",
        F.when(~on_books, F.lit("cancelled")).otherwise(F.col("status")).alias("status"),
        F.months_between("month", month_start("join_date")).cast("int").alias("tenure_months"),
        (month_start("join_date") == F.col("month")).alias("is_new"),
        (cancel.isNotNull() & (cancel <= end)).alias("is_churned"),
        on_books.alias("is_on_books_at_month_end"),
        (on_books & ~frozen & (F.col("status") != "cancelled")).alias("is_active_at_month_end"),
        F.when(billed, F.col("monthly_fee")).otherwise(F.lit(0)).cast("decimal(10,2)").alias("membership_revenue"),
    )
