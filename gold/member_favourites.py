"""Each member's favourite class type and instructor: the ones whose classes they attended most.

On a tie the one attended most recently wins, then the first by name, so a rerun always picks the same.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, STRING, Column, TableContract, references
from gold import fact_class_attendance

INPUTS = ("gold.fact_class_attendance",)

CONTRACT = TableContract(
    name="gold.member_favourites",
    comment="One row per member who attended a class: classes attended, favourite class type and instructor.",
    columns=(
        *fact_class_attendance.CONTRACT.pick("member_key"),
        Column("classes_attended", BIGINT, "Classes the member attended", nullable=False),
        Column("last_class_date", DATE, "Date of the last class attended", nullable=False),
        Column("favourite_class_type", STRING, "Class type the member attended most", nullable=False),
        Column("favourite_class_type_attendances", BIGINT, "Attendances of the favourite class type", nullable=False),
        Column("favourite_instructor_id", STRING, "Instructor whose classes the member attended most", nullable=False),
        Column(
            "favourite_instructor_attendances",
            BIGINT,
            "Attendances of the favourite instructor's classes",
            nullable=False,
        ),
    ),
    keys=("member_key",),
    foreign_keys=(
        references("member_key", "gold.dim_member"),
        references("favourite_class_type", "gold.dim_class_type", "class_type"),
        references("favourite_instructor_id", "gold.dim_instructor", "instructor_id"),
    ),
)


def _favourite(attendance: DataFrame, column: str, favourite: str, attendances: str) -> DataFrame:
    counted = attendance.groupBy("member_key", column).agg(
        F.count(F.lit(1)).alias("n"), F.max("class_date").alias("latest")
    )
    best = Window.partitionBy("member_key").orderBy(F.desc("n"), F.desc("latest"), F.asc(column))
    return (
        counted.withColumn("_rank", F.row_number().over(best))
        .filter("_rank = 1")
        .select("member_key", F.col(column).alias(favourite), F.col("n").alias(attendances))
    )


def transform(attendance: DataFrame) -> DataFrame:
    totals = attendance.groupBy("member_key").agg(
        F.count(F.lit(1)).alias("classes_attended"), F.max("class_date").alias("last_class_date")
    )
    return (
        totals.join(
            _favourite(attendance, "class_type", "favourite_class_type", "favourite_class_type_attendances"),
            "member_key",
        )
        .join(
            _favourite(attendance, "instructor_id", "favourite_instructor_id", "favourite_instructor_attendances"),
            "member_key",
        )
        .select(*CONTRACT.column_names)
    )
