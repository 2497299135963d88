"""Fitabase heart rate: heartrate_seconds_merged.csv, a reading every 5-15 s while the device is on the wrist."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, LOCAL_TIME, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="fitbit_heartrate_seconds", format="csv")

CONTRACT = raw_contract(
    "bronze.fitbit_heartrate_seconds_raw",
    "Fitabase heart-rate CSV lines (a reading per line), as exported. Research data: used only with the member's "
    "consent.",
    {
        "Id": DEVICE_ID,
        "Time": f"When the reading was taken, to the second, {LOCAL_TIME}",
        "Value": "Heart rate, bpm",
    },
    pii=PII,
)
