"""Campaign segments: members to reach out to now, each with what they like to do at the gym.

As of the current snapshot of gold.member_churn_features (the day after the last day of data), over members
on the books and not frozen:
- `lapsing`: fewer than 2 visits in the last 30 days (members who joined in the last 30 days excepted:
  they are `new_member`);
- `new_member`: joined in the last 30 days, for onboarding;
- `no_show_prone`: 3 or more no-shows in the last 90 days.
A member can be in several segments. `can_email` says whether they agreed to marketing e-mail.
"""

from __future__ import annotations

from dataclasses import replace
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BOOLEAN, STRING, Column, TableContract, in_set, references
from gold import member_churn_features, member_favourites

INPUTS = ("gold.member_churn_features", "gold.member_favourites", "gold.dim_member")

LAPSING_VISITS_30D = 2
NEW_MEMBER_DAYS = 30
NO_SHOW_PRONE_90D = 3
SEGMENTS = {  # as SQL over gold.member_churn_features' columns
    "lapsing": f"visits_30d < {LAPSING_VISITS_30D} AND tenure_days > {NEW_MEMBER_DAYS}",
    "new_member": f"tenure_days <= {NEW_MEMBER_DAYS}",
    "no_show_prone": f"no_shows_90d >= {NO_SHOW_PRONE_90D}",
}

CONTRACT = TableContract(
    name="gold.campaign_segments",
    comment="Members in each campaign segment (lapsing, new_member, no_show_prone) now, with their favourites.",
    columns=(
        Column("segment", STRING, ", ".join(SEGMENTS), nullable=False),
        *member_churn_features.CONTRACT.pick(
            "as_of_date",
            "member_key",
            "location_id",
            "plan",
            "tenure_days",
            "visits_30d",
            "days_since_last_visit",
            "no_shows_90d",
        ),
        # NULL for a member who has not attended a class.
        *[
            replace(c, nullable=True)
            for c in member_favourites.CONTRACT.pick("favourite_class_type", "favourite_instructor_id")
        ],
        Column("can_email", BOOLEAN, "The member agreed to marketing e-mail", nullable=False),
    ),
    keys=("segment", "member_key"),
    expectations=(in_set("segment", tuple(SEGMENTS)),),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def transform(features: DataFrame, favourites: DataFrame, dim_member: DataFrame) -> DataFrame:
    now = features.filter(F.col("is_current") & ~F.col("is_frozen"))
    consent = dim_member.select("member_key", F.col("marketing_consent").alias("can_email"))
    people = now.join(favourites, "member_key", "left").join(consent, "member_key")
    in_segments = [people.filter(F.expr(rule)).withColumn("segment", F.lit(name)) for name, rule in SEGMENTS.items()]
    return reduce(DataFrame.unionByName, in_segments).select(*CONTRACT.column_names)
