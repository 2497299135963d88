"""Class booking events (booked, attended, no-show, late cancel, waitlist), JSON lines in local time."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="attendance", format="jsonl")

CONTRACT = raw_contract(
    "bronze.attendance_raw",
    "Booking event JSON lines from the studio management system, as exported.",
    {
        "booking_id": "Booking number in the studio system; a booking has one event per status",
        "session_id": "Class session booked, <location>-<yyyymmdd>-<hhmm>",
        "member_id": "Member who booked",
        "instructor_id": "Instructor of the session when the event happened",
        "class_type": "Class type of the session",
        "status": "booked, attended, no_show, late_cancel or waitlist",
        "event_time": "Local wall-clock time of the event at the site, yyyy-MM-dd HH:mm:ss",
        "site_timezone": "IANA time zone of the site, e.g. America/New_York",
    },
    required=("booking_id", "session_id", "member_id", "status", "event_time", "site_timezone"),
)
