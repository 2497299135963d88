"""Member app events, exported by the app backend as JSON lines with UTC times."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="app_events", format="jsonl")

CONTRACT = raw_contract(
    "bronze.app_events_raw",
    "App event JSON lines from the member app backend, as exported.",
    {
        "event_id": "Event number in the app backend",
        "member_id": "Member signed in to the app",
        "event_type": "What the member did, e.g. app_open, class_booking",
        "event_time": "When it happened, ISO-8601 UTC, e.g. 2025-01-06T11:14:33Z",
        "platform": "ios or android",
        "app_version": "Version of the app, e.g. 5.1.0",
    },
    required=("event_id", "member_id", "event_type", "event_time"),
)
