"""Wellness room visits (sauna, pool, steam room) booked at the front desk, exported as CSV in local time."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="facility_usage", format="csv")

CONTRACT = raw_contract(
    "bronze.facility_usage_raw",
    "Wellness room visit CSV rows from the front desk system, as exported.",
    {
        "usage_id": "Visit number in the front desk system",
        "member_id": "Member who used the room",
        "location_id": "Location of the room",
        "facility": "sauna, pool or steam_room",
        "entered_at": "Local wall-clock time at the site, yyyy-MM-dd HH:mm:ss (no zone)",
        "duration_minutes": "Minutes spent in the room",
    },
    required=("usage_id", "member_id", "location_id", "entered_at"),
)
