"""Class recommendations: for each member, the K recurring class slots they have not been to and would most
likely come to, by item-based collaborative filtering on attendance (fitlake.ml.recommender, which also
judges the model offline).

An item is a recurring slot of the timetable: a location, class type, weekday and starting hour
(`BKN|yoga|Tue|18`). The transform counts attendances per member and slot and hands them, all at once, to
the recommender: similarities are between slots across all members.
"""

from __future__ import annotations

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import DOUBLE, INT, STRING, Column, TableContract, between, in_set, references, rule
from fitlake.ml.recommender import WEEKDAYS, K, fit, recommend
from gold import fact_class_attendance

INPUTS = ("gold.fact_class_attendance",)

CONTRACT = TableContract(
    name="gold.class_recommendations",
    comment=f"Up to {K} class slots (location, class type, weekday, hour) per member that the member has not "
    "attended, ranked by item-based collaborative filtering on attendance. Members with no attendance, or "
    "whose slots nobody else shares, get no rows.",
    columns=(
        *fact_class_attendance.CONTRACT.pick("member_key"),
        Column("rank", INT, f"1 for the best recommendation, up to {K}", nullable=False),
        Column(
            "slot_key",
            STRING,
            "The recurring slot: <location_id>|<class_type>|<weekday>|<hour, 2 digits>",
            nullable=False,
        ),
        *fact_class_attendance.CONTRACT.pick("location_id", "class_type"),
        Column("weekday", STRING, "Weekday the slot runs on at the site: Mon to Sun", nullable=False),
        Column("class_hour", INT, "Hour of day the slot starts at the site, 0-23", nullable=False),
        Column(
            "score",
            DOUBLE,
            "Sum of the slot's cosine similarities to the slots the member attended (log1p-weighted attendance)",
            nullable=False,
        ),
    ),
    keys=("member_key", "rank"),
    expectations=(
        between("rank", 1, K),
        in_set("weekday", WEEKDAYS),
        between("class_hour", 0, 23),
        rule("score_positive", "score > 0"),
        rule(
            "slot_key_names_the_slot",
            "slot_key = concat_ws('|', location_id, class_type, weekday, lpad(cast(class_hour AS STRING), 2, '0'))",
        ),
    ),
    foreign_keys=(
        references("member_key", "gold.dim_member"),
        references("location_id", "gold.dim_location"),
        references("class_type", "gold.dim_class_type"),
    ),
)


def _weekday(day: str) -> F.Column:
    # 0 = Monday, as pandas counts. Not F.weekday: Sail 0.7 returns -1 for a Sunday.
    return ((F.dayofweek(day) + 5) % 7).cast("int")


def _recommend_all(counts: pd.DataFrame) -> pd.DataFrame:
    return recommend(fit(counts), K)


def transform(attendance: DataFrame) -> DataFrame:
    counts = attendance.groupBy(
        "member_key", "location_id", "class_type", _weekday("class_date").alias("weekday"), "class_hour"
    ).agg(F.count(F.lit(1)).alias("attendances"))
    # One group: similarities are between slots across all members, so the model sees every count at once.
    return counts.groupBy().applyInPandas(_recommend_all, CONTRACT.spark_schema)
