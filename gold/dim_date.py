"""Dates: one row per calendar day from the first member's join to the last scheduled class.

Weeks are ISO weeks (Monday first), as everywhere in Gold.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BOOLEAN, DATE, INT, STRING, Column, TableContract, between
from fitlake.periods import month_start, week_start

INPUTS = ("silver.members", "silver.class_sessions")

CONTRACT = TableContract(
    name="gold.dim_date",
    comment="One row per day, from the earliest join date to the last class date, with its week, month and year.",
    columns=(
        Column("calendar_date", DATE, "The day", nullable=False),
        Column("year", INT, "Calendar year", nullable=False),
        Column("quarter", INT, "Quarter of the year, 1-4", nullable=False),
        Column("month", INT, "Month of the year, 1-12", nullable=False),
        Column("month_name", STRING, "Name of the month, e.g. January", nullable=False),
        Column("month_start", DATE, "First day of the month", nullable=False),
        Column("iso_week", INT, "ISO week of the year, 1-53", nullable=False),
        Column("week_start", DATE, "Monday of the ISO week", nullable=False),
        Column("day_of_week", INT, "ISO day of the week: 1 Monday ... 7 Sunday", nullable=False),
        Column("day_name", STRING, "Name of the day, e.g. Monday", nullable=False),
        Column("is_weekend", BOOLEAN, "Saturday or Sunday", nullable=False),
    ),
    keys=("calendar_date",),
    expectations=(between("day_of_week", 1, 7), between("iso_week", 1, 53)),
)


def transform(members: DataFrame, sessions: DataFrame) -> DataFrame:
    first = members.agg(F.min("join_date").alias("first"))
    last = sessions.agg(F.max("start_local_date").alias("last"))
    days = first.crossJoin(last).select(F.explode(F.sequence("first", "last")).alias("calendar_date"))
    d = F.col("calendar_date")
    iso_day = ((F.dayofweek(d) + 5) % 7 + 1).cast("int")  # Spark's dayofweek is 1 for Sunday
    return days.select(
        d,
        F.year(d).alias("year"),
        F.quarter(d).alias("quarter"),
        F.month(d).alias("month"),
        F.date_format(d, "MMMM").alias("month_name"),
        month_start(d).alias("month_start"),
        F.weekofyear(d).alias("iso_week"),
        week_start(d).alias("week_start"),
        iso_day.alias("day_of_week"),
        F.date_format(d, "EEEE").alias("day_name"),
        (iso_day >= 6).alias("is_weekend"),
    )
