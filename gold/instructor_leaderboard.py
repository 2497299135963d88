"""Instructor leaderboard: the top 10 instructors by class attendance, per location and ISO week.

Ties share a rank and the next rank skips (1, 2, 2, 4: SQL's RANK), so an instructor's rank never depends
on the order rows happen to arrive in; "top 10" is every instructor ranked 10 or better, which can be more
than ten rows when instructors tie for 10th place.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, INT, Column, TableContract, between, references
from fitlake.periods import week_start
from gold import fact_class_attendance

INPUTS = ("gold.fact_class_attendance",)

TOP = 10

CONTRACT = TableContract(
    name="gold.instructor_leaderboard",
    comment=f"Top {TOP} instructors by attendance per location and ISO week; ties share a rank (RANK).",
    columns=(
        Column("week_start", DATE, "Monday of the ISO week (the site's local date)", nullable=False),
        *fact_class_attendance.CONTRACT.pick("location_id", "instructor_id"),
        Column("attendance", BIGINT, "Members who came to the instructor's classes that week", nullable=False),
        Column("classes", BIGINT, "Classes the instructor taught that week with at least one attendee", nullable=False),
        Column("rank", INT, "1 for the highest attendance; tied instructors share a rank", nullable=False),
    ),
    keys=("week_start", "location_id", "instructor_id"),
    expectations=(between("rank", 1, TOP),),
    foreign_keys=(references("location_id", "gold.dim_location"), references("instructor_id", "gold.dim_instructor")),
)


def transform(attendance: DataFrame) -> DataFrame:
    weekly = attendance.groupBy(week_start("class_date").alias("week_start"), "location_id", "instructor_id").agg(
        F.count(F.lit(1)).alias("attendance"), F.countDistinct("session_id").alias("classes")
    )
    ranking = Window.partitionBy("week_start", "location_id").orderBy(F.desc("attendance"))
    return weekly.withColumn("rank", F.rank().over(ranking)).filter(F.col("rank") <= TOP)
