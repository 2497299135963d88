"""Instructors on the studio's staff, exported once as reference data (CSV). Names are staff's personal data."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="instructors", format="csv")

CONTRACT = raw_contract(
    "bronze.instructors_raw",
    "Instructor CSV lines from the studio management system, as exported.",
    {
        "instructor_id": "Instructor number in the studio system, e.g. I0001",
        "first_name": "Given name",
        "last_name": "Family name",
        "location_id": "Location the instructor teaches at",
        "specialties": "Class types the instructor teaches, joined by ';' (e.g. yoga;pilates)",
    },
    pii=("first_name", "last_name"),
    required=("instructor_id",),
)
