"""Fitabase sleep minutes: minuteSleep_merged.csv, a line per minute of a sleep log, stamped on the log's start
second (many fall on :30)."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, LOCAL_TIME, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="fitbit_minute_sleep", format="csv")

CONTRACT = raw_contract(
    "bronze.fitbit_minute_sleep_raw",
    "Fitabase sleep-minute CSV lines, as exported. Research data: used only with the member's consent.",
    {
        "Id": DEVICE_ID,
        "date": f"Start of the minute of sleep, to the second, {LOCAL_TIME}",
        "value": "1 asleep, 2 restless, 3 awake in bed",
        "logId": "Sleep log the minute belongs to",
    },
    pii=PII,
)
