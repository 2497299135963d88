"""Fitabase minute exports in the Wide layout: a line per device and local hour, a field per minute of the hour
(minuteStepsWide_merged.csv: Steps00..Steps59; likewise Intensity, Calories, METs). A file carries one measure;
the others stay empty."""

from __future__ import annotations

from bronze._fitabase import DEVICE_ID, LOCAL_TIME, MINUTE_MEASURES, PII
from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="fitbit_minutes_wide", format="csv")

MINUTES = range(60)


def minute_field(measure: str, minute: int) -> str:
    """The Wide field of a measure's minute: Steps07 is the steps of minute 7 of the hour."""
    return f"{measure}{minute:02d}"


CONTRACT = raw_contract(
    "bronze.fitbit_minutes_wide_raw",
    "Fitabase Wide minute CSV lines (an hour per line), as exported. Research data: used only with the member's "
    "consent.",
    {
        "Id": DEVICE_ID,
        "ActivityHour": f"Start of the hour, {LOCAL_TIME}",
        **{
            minute_field(m, i): f"{meaning}: minute {i} of the hour"
            for m, meaning in MINUTE_MEASURES.items()
            for i in MINUTES
        },
    },
    pii=PII,
    records_per_line=len(MINUTES),
)
