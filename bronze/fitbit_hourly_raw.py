"""Fitabase hourly totals (hourlySteps, hourlyIntensities, hourlyCalories _merged.csv): Fitbit's own sums per
device and local hour, a cross-check of the minutes (fitlake.fitbit_checks). A file carries some of the totals."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, LOCAL_TIME, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="fitbit_hourly", format="csv")

CONTRACT = raw_contract(
    "bronze.fitbit_hourly_raw",
    "Fitabase hourly-total CSV lines, as exported. Research data: used only with the member's consent.",
    {
        "Id": DEVICE_ID,
        "ActivityHour": f"Start of the hour, {LOCAL_TIME}",
        "StepTotal": "Steps in the hour",
        "TotalIntensity": "Sum of the minutes' intensities (0-3) in the hour",
        "AverageIntensity": "TotalIntensity / 60",
        "Calories": "Energy spent in the hour, kcal",
    },
    pii=PII,
)
