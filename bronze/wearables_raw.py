"""Wearable minutes: Fitbit-style minute exports of the research panel's devices (CSV), in the wearer's local time."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="wearables", format="csv")

CONTRACT = raw_contract(
    "bronze.wearables_raw",
    "Fitbit minute CSV lines of linked wearables, as exported. Research data: used only with the member's consent.",
    {
        "Id": "Fitbit user id of the device (a member's wearable_device_id)",
        "ActivityMinute": "Start of the minute, wearer's local wall-clock time, M/d/yyyy h:mm:ss AM|PM",
        "Steps": "Steps in the minute",
        "Calories": "Energy spent in the minute, kcal",
        "Intensity": "0 sedentary, 1 light, 2 moderate, 3 very active",
        "METs": "Metabolic equivalents times 10, as Fitbit exports them",
        "HeartRate": "Average heart rate in the minute, bpm; empty while off the wrist",
        "SleepValue": "1 asleep, 2 restless, 3 awake in bed; empty while up",
    },
    # The device id identifies its wearer as surely as a phone number does (as in bronze.members_raw).
    pii=("Id",),
)
