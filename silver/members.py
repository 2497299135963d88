"""Members: the latest exported state of each member, pseudonymous (name, e-mail and phone stay in Bronze)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    DATE,
    LINE_NUMBER,
    SOURCE_FILE,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
    between,
    decimal,
    in_set,
    parsed,
    rule,
    well_formed,
)
from fitlake.quality import conform
from silver._parsing import text, to_date, to_decimal, to_timestamp

PLANS = ("basic", "plus", "elite")
BILLING_PERIODS = ("monthly", "annual")
STATUSES = ("active", "frozen", "cancelled")

INPUTS = ("bronze.members_raw",)

CONTRACT = TableContract(
    name="silver.members",
    comment="One row per member: the most recently exported state. No name, e-mail or phone.",
    columns=(
        Column("member_id", STRING, "Member number in the studio system", nullable=False),
        Column("home_location_id", STRING, "Location the member signed up at", nullable=False),
        Column("plan", STRING, "Membership plan: basic, plus or elite", nullable=False),
        Column("billing_period", STRING, "monthly or annual", nullable=False),
        Column("monthly_fee", decimal(8, 2), "Fee per month in USD", nullable=False),
        Column("join_date", DATE, "Date the membership started", nullable=False),
        Column("status", STRING, "active, frozen or cancelled", nullable=False),
        Column("cancel_date", DATE, "Date the membership ended; NULL while active"),
        Column("exported_at", TIMESTAMP, "When the studio system exported this state (UTC)", nullable=False),
        SOURCE_FILE,
        LINE_NUMBER,
    ),
    keys=("member_id",),
    expectations=(
        in_set("plan", PLANS),
        in_set("billing_period", BILLING_PERIODS),
        in_set("status", STATUSES),
        between("monthly_fee", 0, 1000),
        rule("cancel_date_iff_cancelled", "(status = 'cancelled') = (cancel_date IS NOT NULL)"),
        rule("cancel_date_not_before_join_date", "cancel_date IS NULL OR cancel_date >= join_date"),
    ),
)

PARSE_RULES = (
    well_formed(),
    parsed("monthly_fee"),
    parsed("join_date"),
    parsed("cancel_date"),
    parsed("exported_at"),
)


def transform(members_raw: DataFrame) -> DataFrame:
    typed = members_raw.select(
        text("member_id").alias("member_id"),
        text("home_location_id").alias("home_location_id"),
        F.lower(text("plan")).alias("plan"),
        F.lower(text("billing_period")).alias("billing_period"),
        to_decimal("monthly_fee", 8, 2).alias("monthly_fee"),
        to_date("join_date").alias("join_date"),
        F.lower(text("status")).alias("status"),
        to_date("cancel_date").alias("cancel_date"),
        to_timestamp("exported_at").alias("exported_at"),
        *[text(c).alias(f"{c}_text") for c in ("monthly_fee", "join_date", "cancel_date", "exported_at")],
        "_source_file",
        "_line_number",
        "_raw",
        "_parse_error",
        "_batch_id",
    )
    # A member appears in every export that changed them: the latest export is the current state.
    latest_first = [F.col("exported_at").desc(), F.col("_source_file").desc(), F.col("_line_number").desc()]
    return conform(typed, CONTRACT, PARSE_RULES, latest_first)
