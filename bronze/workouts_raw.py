"""Logged outdoor workouts: MapMyRun workout exports (CSV), with the app connector's member_id in front."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="workouts", format="csv")

CONTRACT = raw_contract(
    "bronze.workouts_raw",
    "MapMyRun workout CSV lines, as exported. Research data: used only with the member's consent.",
    {
        "member_id": "Member whose account the workout was synced from",
        "Date Submitted": "Date the workout was uploaded, e.g. 'Jan. 5, 2025' or 'June 5, 2025'",
        "Workout Date": "Date of the workout, same format",
        "Activity Type": "Activity the member picked, e.g. Run, Walk",
        "Calories Burned (kCal)": "Energy spent, kcal",
        "Distance (mi)": "Distance in miles",
        "Workout Time (seconds)": "Duration: seconds, or h:mm:ss from Garmin's connector",
        "Avg Pace (min/mi)": "Average pace, minutes per mile",
        "Max Pace (min/mi)": "Fastest pace, minutes per mile",
        "Avg Speed (mi/h)": "Average speed, miles per hour",
        "Avg Heart Rate": "Average heart rate, bpm",
        "Steps": "Steps in the workout",
        "Notes": "Free text the member typed",
        "Source": "App or connector that recorded the workout",
        "Link": "URL of the workout; its last path segment is the workout id",
    },
    # Notes are free text a person typed; the link opens the member's workout page with its route map.
    pii=("Notes", "Link"),
)
