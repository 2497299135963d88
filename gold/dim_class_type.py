"""Class types: one row per type of class on the timetable, with its usual length and size."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, INT, Column, TableContract, between
from silver import class_sessions

INPUTS = ("silver.class_sessions",)

CONTRACT = TableContract(
    name="gold.dim_class_type",
    comment="One row per class type: its most common length and capacity, and when and where it was scheduled.",
    columns=(
        *class_sessions.CONTRACT.pick("class_type"),
        Column("duration_minutes", INT, "Most common length of its sessions, minutes", nullable=False),
        Column("capacity", INT, "Most common number of places in its sessions", nullable=False),
        Column("sessions", BIGINT, "Sessions scheduled", nullable=False),
        Column("locations", BIGINT, "Locations that schedule it", nullable=False),
        Column("first_session_date", DATE, "Local date of its first session", nullable=False),
        Column("last_session_date", DATE, "Local date of its last session", nullable=False),
    ),
    keys=("class_type",),
    expectations=(between("duration_minutes", 1, 600), between("capacity", 1, 1000)),
)


def _most_common(sessions: DataFrame, column: str) -> DataFrame:
    """The value of `column` most sessions of a class type have; the smaller one on a tie, so reruns agree."""
    counted = sessions.groupBy("class_type", column).count()
    first = Window.partitionBy("class_type").orderBy(F.desc("count"), F.asc(column))
    return counted.withColumn("_n", F.row_number().over(first)).filter("_n = 1").select("class_type", column)


def transform(sessions: DataFrame) -> DataFrame:
    summary = sessions.groupBy("class_type").agg(
        F.count(F.lit(1)).alias("sessions"),
        F.countDistinct("location_id").alias("locations"),
        F.min("start_local_date").alias("first_session_date"),
        F.max("start_local_date").alias("last_session_date"),
    )
    return (
        summary.join(_most_common(sessions, "duration_minutes"), "class_type")
        .join(_most_common(sessions, "capacity"), "class_type")
        .select(*[c.name for c in CONTRACT.columns])
    )
