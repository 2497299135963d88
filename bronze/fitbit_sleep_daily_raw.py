"""Fitabase sleep per night (sleepDay_merged.csv): Fitbit's own totals per device and local day. Kept in Bronze
as exported; the minutes themselves come from minuteSleep (bronze.fitbit_minute_sleep_raw)."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="fitbit_sleep_daily", format="csv")

CONTRACT = raw_contract(
    "bronze.fitbit_sleep_daily_raw",
    "Fitabase daily sleep CSV lines, as exported. Research data: used only with the member's consent.",
    {
        "Id": DEVICE_ID,
        "SleepDay": "Local day the sleep ended on, M/d/yyyy H:mm",
        "TotalSleepRecords": "Sleep logs that day",
        "TotalMinutesAsleep": "Minutes asleep",
        "TotalTimeInBed": "Minutes in bed",
    },
    pii=PII,
)
