"""CRM contacts: one row per current member, what the CRM shows about them; `fitlake export-crm` writes it
with names and e-mail addresses as a HubSpot contact import (fitlake/exports.py).

Visit frequency is check-ins per week over the last 90 days (or the tenure, if shorter), as of the day after
the last day of data.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract, references
from gold import dim_member, member_churn_features, member_favourites

INPUTS = ("gold.member_churn_features", "gold.member_favourites", "gold.dim_member")

CONTRACT = TableContract(
    name="gold.crm_contacts",
    comment="One row per current member: plan, last activity, favourite class and instructor, visit frequency.",
    columns=(
        *member_churn_features.CONTRACT.pick("member_key", "location_id", "plan"),
        *dim_member.CONTRACT.pick("join_date", "marketing_consent"),
        *member_churn_features.CONTRACT.pick("is_frozen", "last_activity_date", "visits_per_week"),
        # NULL for a member who has not attended a class.
        *[
            replace(c, nullable=True)
            for c in member_favourites.CONTRACT.pick("favourite_class_type", "favourite_instructor_id")
        ],
    ),
    keys=("member_key",),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def transform(features: DataFrame, favourites: DataFrame, members: DataFrame) -> DataFrame:
    now = features.filter("is_current")
    return (
        now.join(favourites, "member_key", "left")
        .join(members.select("member_key", "join_date", "marketing_consent"), "member_key")
        .select(*CONTRACT.column_names)
    )
