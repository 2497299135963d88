"""Wearable minutes: Fitbit minute exports in the Narrow layout (a line per device and minute), in the wearer's
local time. FitLake's export carries every measure in one file; Fitabase's Narrow files (minuteStepsNarrow, ...)
carry one measure each, and the measures a file lacks stay empty."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, LOCAL_TIME, MINUTE_MEASURES, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="wearables", format="csv")

CONTRACT = raw_contract(
    "bronze.wearables_raw",
    "Fitbit minute CSV lines of linked wearables, as exported. Research data: used only with the member's consent.",
    {
        "Id": DEVICE_ID,
        "ActivityMinute": f"Start of the minute, {LOCAL_TIME}",
        **MINUTE_MEASURES,
        "HeartRate": "Average heart rate in the minute, bpm; empty while off the wrist",
        "SleepValue": "1 asleep, 2 restless, 3 awake in bed; empty while up",
    },
    pii=PII,
)
