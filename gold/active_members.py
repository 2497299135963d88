"""Active members per day, ISO week and month: members who checked in at least once in the period.

Each period has a row per location and one for all locations together (`location_id = 'ALL'`): a member
who visits two sites counts once in the total, so the total is not the sum of the locations.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, STRING, Column, TableContract, in_set, rule
from fitlake.periods import month_start, week_start

INPUTS = ("silver.checkins",)

ALL_LOCATIONS = "ALL"
GRAINS = ("day", "week", "month")


def period_start(grain: str) -> SparkColumn:
    day = F.col("checkin_local_date")
    return {"day": lambda: day, "week": lambda: week_start(day), "month": lambda: month_start(day)}[grain]()


CONTRACT = TableContract(
    name="gold.active_members",
    comment="Daily, weekly and monthly active members (at least one check-in) per location and in all.",
    columns=(
        Column("grain", STRING, "Length of the period: day, week (ISO, from Monday) or month", nullable=False),
        Column("period_start", DATE, "First day of the period (the site's local date)", nullable=False),
        Column("location_id", STRING, f"Location, or '{ALL_LOCATIONS}' for all locations together", nullable=False),
        Column("active_members", BIGINT, "Distinct members who checked in during the period", nullable=False),
        Column("checkins", BIGINT, "Check-ins, a member counted each time", nullable=False),
    ),
    keys=("grain", "period_start", "location_id"),
    expectations=(
        in_set("grain", GRAINS),
        rule("active_members_positive", "active_members > 0"),
        rule("no_more_members_than_checkins", "active_members <= checkins"),
    ),
)


def transform(checkins: DataFrame) -> DataFrame:
    counts = [F.countDistinct("member_key").alias("active_members"), F.count(F.lit(1)).alias("checkins")]
    frames = [
        checkins.groupBy(period_start(grain).alias("period_start"), location)
        .agg(*counts)
        .select(F.lit(grain).alias("grain"), "period_start", "location_id", "active_members", "checkins")
        for grain in GRAINS
        for location in (F.col("location_id"), F.lit(ALL_LOCATIONS).alias("location_id"))
    ]
    return reduce(DataFrame.unionByName, frames)
