"""Logged outdoor workouts: MapMyRun "Export workout history" CSV files.

Two kinds of file land here: the app connector's daily export, with the member's member_id in front, and a
member's own download, put in by `fitlake import mapmyrun`, which names no member (its landing file name does).

MapMyRun's header changed between app versions and follows the account's units: imperial exports write
`Distance (mi)`, `Avg Pace (min/mi)`, metric ones `Distance (km)`, `Avg Pace (min/km)`, and the 2017 header
wrote `Max Pace` and `Max Speed` without a unit. A field in another unit is another field, never an alias:
Silver converts each to one metric column. Only spellings of the same field in the same unit are aliases.
"""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="workouts", format="csv")

CONTRACT = raw_contract(
    "bronze.workouts_raw",
    "MapMyRun workout CSV lines, as exported. Research data: used only with the member's consent.",
    {
        "member_id": "Member whose account the workout was synced from (the connector's; a user's download has none)",
        "Date Submitted": "Date the workout was uploaded, e.g. 'Jan. 5, 2025' or 'June 5, 2025'",
        "Workout Date": "Date of the workout, same format",
        "Activity Type": "Activity the member picked, e.g. Run, Walk, Bike Ride, Hike",
        "Calories Burned (kCal)": "Energy spent, kcal",
        "Distance (mi)": "Distance in miles (imperial exports)",
        "Distance (km)": "Distance in km (metric exports)",
        "Workout Time (seconds)": "Duration: seconds, or h:mm:ss from Garmin's connector",
        "Avg Pace (min/mi)": "Average pace, minutes per mile; 0 without a distance",
        "Avg Pace (min/km)": "Average pace, minutes per km; 0 without a distance",
        "Max Pace (min/mi)": "Fastest pace, minutes per mile",
        "Max Pace (min/km)": "Fastest pace, minutes per km",
        "Max Pace": "Fastest pace in the unit of the file's distance (the 2017 header); 0 for no data",
        "Avg Speed (mi/h)": "Average speed, miles per hour",
        "Avg Speed (km/h)": "Average speed, km per hour",
        "Max Speed (mi/h)": "Top speed, miles per hour",
        "Max Speed (km/h)": "Top speed, km per hour",
        "Max Speed": "Top speed in the unit of the file's distance per hour (the 2017 header); 0 for no data",
        "Avg Heart Rate": "Average heart rate, bpm; 0 or empty without a monitor",
        "Steps": "Steps in the workout",
        "Notes": "Free text the member typed; MapMyRun writes it as a Python bytes literal, b'...'",
        "Source": "App or connector that recorded the workout",
        "Link": "URL of the workout; its last path segment is the workout id",
    },
    # Notes are free text a person typed; the link opens the member's workout page with its route map.
    pii=("Notes", "Link"),
    # Seen in exports of different app versions (../shared/data/mapmyrun/README.md).
    aliases={"Calories Burned (kCal)": ("Calories Burned (kcal)",)},
    # Without a date, an activity, a duration or the link (the workout's identity) a row is no workout. Distance is
    # not required: an indoor workout has none, and a file has it in miles or in km.
    required=("Date Submitted", "Workout Date", "Activity Type", "Workout Time (seconds)", "Link"),
)
