"""What the Fitabase (Fitbit research) export's files share: the device id and the minute measures' meanings.

Fitabase writes one `*_merged.csv` per measure and layout; FitLake's own wearable export (bronze.wearables_raw)
is Fitabase's Narrow layout with every measure in one file, so the descriptions are declared here once.
"""

from __future__ import annotations

DEVICE_ID = (
    "Fitbit user id of the device (a member's wearable_device_id); some tools write it as a float, 2.022484408E9"
)
# The device id identifies its wearer as surely as a phone number does (as in bronze.members_raw).
PII = ("Id",)

MINUTE_MEASURES = {
    "Steps": "Steps in the minute",
    "Calories": "Energy spent in the minute, kcal",
    "Intensity": "0 sedentary, 1 light, 2 moderate, 3 very active",
    "METs": "Metabolic equivalents times 10, as Fitbit exports them",
}
LOCAL_TIME = "wearer's local wall-clock time, M/d/yyyy h:mm:ss AM|PM (or M/d/yyyy H:mm once re-saved by Excel)"
