"""Class feedback per month, location, class type and instructor: answers, average stars and a net promoter score.

NPS is asked on a 0-10 scale; the survey asks 1 to 5 stars, so the groups are mapped: 5 is a promoter, 4 a
passive, 1-3 a detractor, and NPS = 100 x (promoters - detractors) / responses, -100 to 100. An answer counts in
the month of its class, not of its submission, so a month's figures are about the classes held in it.

Ready for a dashboard: the site's name comes with its id. gold.dim_class_type's name for a class type is its key,
and gold.dim_instructor has no names (staff personal data, left out in Silver), so there is none to add for them.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, DOUBLE, Column, TableContract, between, references, rule
from fitlake.periods import month_start
from gold import dim_location
from silver import class_sessions

INPUTS = ("silver.class_feedback", "silver.class_sessions", "gold.dim_location")

CONTRACT = TableContract(
    name="gold.class_feedback_monthly",
    comment="Post-class survey answers per month (of the class), location, class type and instructor: average "
    "stars, promoters, passives, detractors and NPS.",
    columns=(
        Column("month", DATE, "First day of the month the class was held in (the site's local date)", nullable=False),
        *class_sessions.CONTRACT.pick("location_id"),
        replace(dim_location.CONTRACT.pick("name")[0], name="location_name", comment="Name of the site"),
        *class_sessions.CONTRACT.pick("class_type", "instructor_id"),
        Column("responses", BIGINT, "Answers to the survey about these classes", nullable=False),
        Column("average_rating", DOUBLE, "Mean stars given, 1 to 5", nullable=False),
        Column("promoters", BIGINT, "Answers giving 5 stars of 5 (NPS promoters)", nullable=False),
        Column("passives", BIGINT, "Answers giving 4 stars (NPS passives)", nullable=False),
        Column("detractors", BIGINT, "Answers giving 1 to 3 stars (NPS detractors)", nullable=False),
        Column(
            "nps", DOUBLE, "Net promoter score: 100 x (promoters - detractors) / responses, -100 to 100", nullable=False
        ),
        Column(
            "responses_without_attendance",
            BIGINT,
            "Answers whose member's attendance of the class is not on record (counted all the same)",
            nullable=False,
        ),
    ),
    keys=("month", "location_id", "class_type", "instructor_id"),
    expectations=(
        between("average_rating", 1, 5),
        between("nps", -100, 100),
        rule("nps_groups_add_up", "promoters + passives + detractors = responses"),
        rule("responses_without_attendance_within_responses", "responses_without_attendance <= responses"),
    ),
    foreign_keys=(
        references("location_id", "gold.dim_location"),
        references("class_type", "gold.dim_class_type"),
        references("instructor_id", "gold.dim_instructor"),
    ),
)


def transform(feedback: DataFrame, sessions: DataFrame, locations: DataFrame) -> DataFrame:
    classes = sessions.select("session_id", "location_id", "class_type", "instructor_id", "start_local_date")
    monthly = (
        feedback.join(classes, "session_id")
        .groupBy(month_start("start_local_date").alias("month"), "location_id", "class_type", "instructor_id")
        .agg(
            F.count(F.lit(1)).alias("responses"),
            F.avg("rating").alias("average_rating"),
            F.count_if(F.col("rating") == 5).alias("promoters"),
            F.count_if(F.col("rating") == 4).alias("passives"),
            F.count_if(F.col("rating") <= 3).alias("detractors"),
            F.count_if(~F.col("attendance_on_record")).alias("responses_without_attendance"),
        )
    )
    names = locations.select("location_id", F.col("name").alias("location_name"))
    nps = 100 * (F.col("promoters") - F.col("detractors")) / F.col("responses")
    return monthly.join(names, "location_id", "left").withColumn("nps", nps).select(*CONTRACT.column_names)
