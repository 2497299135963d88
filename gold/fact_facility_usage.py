"""Facility usage: one row per visit to a wellness room (sauna, pool, steam room)."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract, references
from silver import facility_visits

INPUTS = ("silver.facility_visits",)

CARRIED = ("usage_id", "member_key", "location_id", "facility", "entered_at", "entered_local_date", "duration_minutes")

CONTRACT = TableContract(
    name="gold.fact_facility_usage",
    comment="One row per wellness-room visit: member, room, when and for how long.",
    columns=facility_visits.CONTRACT.pick(*CARRIED),
    keys=("usage_id",),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def transform(visits: DataFrame) -> DataFrame:
    return visits.select(*CARRIED)
