"""Check-ins at the front desk or in the app, exported as JSON lines in each site's local time."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="checkins", format="jsonl")

CONTRACT = raw_contract(
    "bronze.checkins_raw",
    "Check-in JSON lines from the studio management system, as exported.",
    {
        "checkin_id": "Check-in number in the studio system",
        "member_id": "Member who checked in",
        "location_id": "Location checked in at",
        "checkin_time": "Local wall-clock time at the site, yyyy-MM-dd HH:mm:ss",
        "site_timezone": "IANA time zone of the site, e.g. America/New_York",
        "channel": "front_desk or app",
    },
    required=("checkin_id", "member_id", "location_id", "checkin_time", "site_timezone"),
)
