"""Looking up a versioned (SCD type 2) table as it stood at a moment: what a member's membership was then."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

# The columns of silver.membership_history a member's state at a moment is read from.
MEMBERSHIP_STATE = ("home_location_id", "plan", "billing_period", "monthly_fee", "status")


def in_force_before(rows: DataFrame, history: DataFrame, moment: Column, per: str) -> DataFrame:
    """Each row of `rows` (one per member_key and `per`) with the MEMBERSHIP_STATE of the member's latest
    membership_history version that began before `moment`; a row with no such version is dropped."""
    versions = history.select("member_key", "valid_from", *MEMBERSHIP_STATE)
    known = rows.join(versions, "member_key").filter(F.col("valid_from") < moment)
    latest = Window.partitionBy("member_key", per).orderBy(F.desc("valid_from"))
    return known.withColumn("_n", F.row_number().over(latest)).filter("_n = 1").drop("_n", "valid_from")
