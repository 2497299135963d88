"""Research data (wearable minutes, workouts): who the data belongs to, and whether they let us use it.

A research source names its member by a member number or a device id. Both resolve through a small
reference table built from silver.member_pii and silver.members (one row per member), so the large
research table is joined once, whatever it needs from the member.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from silver._lookups import lookup

CONSENT = ("research_consent", "research_consent_date")


def research_subjects(
    member_pii: DataFrame, members: DataFrame, identifier: str, member_columns: tuple[str, ...] = ()
) -> DataFrame:
    """Per value of member_pii's `identifier` (member_id or wearable_device_id): member_key, the member's
    research consent and consent date, and `member_columns` of silver.members.

    An identifier linked to more than one member is left out: whose consent would apply is unknown, so
    its data is used by nobody (a device moved to another member is linked to one member at a time).
    """
    linked = (
        member_pii.filter(F.col(identifier).isNotNull())
        .groupBy(identifier)
        .agg(F.min("member_key").alias("member_key"), F.count(F.lit(1)).alias("_members"))
        .filter(F.col("_members") == 1)
        .drop("_members")
    )
    return lookup(linked, members, ("member_key", "member_key"), {c: c for c in (*CONSENT, *member_columns)})


def has_consent(on: Column) -> Column:
    """True when the member's research consent covers the date `on`; false when unknown."""
    return F.coalesce(F.col("research_consent") & (on >= F.col("research_consent_date")), F.lit(False))
