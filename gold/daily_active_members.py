"""Daily active members: members who checked in at least once, per local day and location."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, STRING, Column, TableContract, rule

INPUTS = ("silver.checkins",)

CONTRACT = TableContract(
    name="gold.daily_active_members",
    comment="Members with at least one check-in, per day (the site's local date) and location.",
    columns=(
        Column("activity_date", DATE, "Local date at the location", nullable=False),
        Column("location_id", STRING, "Location", nullable=False),
        Column("active_members", BIGINT, "Distinct members who checked in", nullable=False),
        Column("checkins", BIGINT, "Check-ins, a member counted each time", nullable=False),
    ),
    keys=("activity_date", "location_id"),
    expectations=(
        rule("active_members_positive", "active_members > 0"),
        rule("no_more_members_than_checkins", "active_members <= checkins"),
    ),
)


def transform(checkins: DataFrame) -> DataFrame:
    return checkins.groupBy(F.col("checkin_local_date").alias("activity_date"), "location_id").agg(
        F.countDistinct("member_key").alias("active_members"),
        F.count(F.lit(1)).alias("checkins"),
    )
