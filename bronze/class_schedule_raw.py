"""The class timetable of each day, exported by the studio management system (CSV, local times)."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="class_schedule", format="csv")

CONTRACT = raw_contract(
    "bronze.class_schedule_raw",
    "Class session CSV lines from the studio management system, as exported.",
    {
        "session_id": "Class session id, <location>-<yyyymmdd>-<hhmm> in local time",
        "location_id": "Location the class runs at",
        "class_type": "Class type, e.g. spinning, yoga, HIIT",
        "instructor_id": "Instructor teaching the class",
        "start_time": "Local wall-clock start at the site, yyyy-MM-dd HH:mm:ss",
        "duration_minutes": "Length of the class in minutes",
        "capacity": "Places in the class",
        "site_timezone": "IANA time zone of the site, e.g. America/New_York",
    },
    required=("session_id", "location_id", "start_time", "site_timezone"),
)
