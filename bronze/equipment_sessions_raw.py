"""Sessions on connected machines, sent by the equipment vendor's cloud as JSON lines in UTC."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="equipment_sessions", format="jsonl")

CONTRACT = raw_contract(
    "bronze.equipment_sessions_raw",
    "Machine session JSON lines from the equipment vendor's cloud, as sent.",
    {
        "session_id": "Session number in the vendor's cloud",
        "member_id": "Member logged in on the machine",
        "machine_id": "Machine: <site>-<machine code>-<unit>, e.g. BKN-TRD-03",
        "machine_type": "treadmill, rower, bike, elliptical, chest_press, leg_press or lat_pulldown",
        "started_at": "Start instant, ISO 8601 in UTC: yyyy-MM-ddTHH:mm:ssZ",
        "duration_seconds": "Seconds on the machine",
        "reps": "Repetitions (strength machines; 0 on cardio)",
        "distance_m": "Metres covered (cardio machines; 0 on strength)",
        "kcal": "Energy the machine estimates was burned, kcal",
    },
    required=("session_id", "member_id", "machine_id", "started_at"),
)
