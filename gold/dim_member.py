"""Members: one row per member by pseudonym, their current plan and membership dates.

No member number, name or contact detail: those stay in silver.member_pii. `join_month` is the member's
cohort in gold.cohort_retention.
"""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import DATE, Column, TableContract, references
from fitlake.periods import month_start
from silver import members

INPUTS = ("silver.members",)

CARRIED = (
    "member_key",
    "home_location_id",
    "plan",
    "billing_period",
    "monthly_fee",
    "join_date",
    "status",
    "cancel_date",
    "marketing_consent",
    "research_consent",
    "has_wearable",
)

CONTRACT = TableContract(
    name="gold.dim_member",
    comment="One row per member (pseudonymous): current plan, status, membership dates and consents.",
    columns=(
        *members.CONTRACT.pick(*CARRIED),
        Column("join_month", DATE, "First day of the month the member joined: their cohort", nullable=False),
    ),
    keys=("member_key",),
    foreign_keys=(references("home_location_id", "gold.dim_location", "location_id"),),
)


def transform(members_: DataFrame) -> DataFrame:
    return members_.select(*CARRIED, month_start("join_date").alias("join_month"))
