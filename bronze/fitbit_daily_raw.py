"""Fitabase daily totals (dailyActivity, dailyIntensities _merged.csv): Fitbit's own figures per device and local
day, a cross-check of the minutes (fitlake.fitbit_checks). They are Fitbit's, not sums of the exported minutes:
TotalSteps differs from the minutes' sum on about 17% of days in the public study."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="fitbit_daily", format="csv")

_DISTANCE = "km, Fitbit's estimate from steps and stride"
_MINUTES = "minutes of the day"

CONTRACT = raw_contract(
    "bronze.fitbit_daily_raw",
    "Fitabase daily-total CSV lines, as exported. Research data: used only with the member's consent.",
    {
        "Id": DEVICE_ID,
        "ActivityDate": "Local day, M/d/yyyy (dailyActivity)",
        "ActivityDay": "Local day, M/d/yyyy (dailyIntensities)",
        "TotalSteps": "Steps in the day",
        "TotalDistance": f"Distance in the day, {_DISTANCE}",
        "TrackerDistance": f"Distance the tracker recorded, {_DISTANCE}",
        "LoggedActivitiesDistance": "Distance of activities the wearer logged by hand, km",
        "VeryActiveDistance": f"Distance at intensity 3, {_DISTANCE}",
        "ModeratelyActiveDistance": f"Distance at intensity 2, {_DISTANCE}",
        "LightActiveDistance": f"Distance at intensity 1, {_DISTANCE}",
        "SedentaryActiveDistance": f"Distance at intensity 0, {_DISTANCE}",
        "VeryActiveMinutes": f"Intensity-3 {_MINUTES}",
        "FairlyActiveMinutes": f"Intensity-2 {_MINUTES}",
        "LightlyActiveMinutes": f"Intensity-1 {_MINUTES}",
        "SedentaryMinutes": f"Intensity-0 {_MINUTES}, sleep included",
        "Calories": "Energy spent in the day, kcal",
    },
    pii=PII,
)
