"""Equipment sessions: one row per session on a connected machine (cardio or strength)."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract, references
from silver import equipment_sessions

INPUTS = ("silver.equipment_sessions",)

CARRIED = (
    "session_id",
    "member_key",
    "machine_id",
    "machine_type",
    "location_id",
    "started_at",
    "started_local_date",
    "duration_seconds",
    "reps",
    "distance_m",
    "kcal",
)

CONTRACT = TableContract(
    name="gold.fact_equipment_sessions",
    comment="One row per connected-machine session: member, machine, when, how long, reps or distance.",
    columns=equipment_sessions.CONTRACT.pick(*CARRIED),
    keys=("session_id",),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def transform(sessions: DataFrame) -> DataFrame:
    return sessions.select(*CARRIED)
