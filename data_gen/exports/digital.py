"""The member app, Fitbit-style wearable minutes and MapMyRun-style workout exports."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from data_gen import text
from data_gen.day import UTC_ISO, Day
from data_gen.defects import SourceDefects, emptied, reformatted, unknown_member, with_contact
from data_gen.digital import APP_EVENTS as EVENT_TYPES
from data_gen.digital import WORKOUT_KINDS
from data_gen.render import Export, Records

APP_EVENTS = Export(
    "app_events",
    "jsonl",
    SourceDefects(
        values={
            "missing_required": ("member_id", emptied),
            "orphan_key": ("member_id", unknown_member),
            "bad_timestamp": ("event_time", reformatted(UTC_ISO, "%m/%d/%Y %H:%M:%S")),
        },
        lines=("duplicate", "malformed_json"),
        files=("truncated_file", "late_file"),
    ),
)
FITBIT_MINUTE = "%m/%d/%Y %I:%M:%S %p"
WEARABLES = Export(
    "wearables",
    "csv",
    SourceDefects(
        values={"bad_timestamp": ("ActivityMinute", reformatted(FITBIT_MINUTE, "%Y-%m-%dT%H:%M:%S"))},
        lines=("duplicate",),
        files=("truncated_file", "late_file"),
    ),
)
WORKOUTS = Export(
    "workouts",
    "csv",
    SourceDefects(values={"pii_in_notes": ("Notes", with_contact)}, lines=("duplicate",), files=("late_file",)),
)
WORKOUT_SOURCES = ("MapMyRun iPhone", "MapMyRun Android", "Garmin Connect")
WORKOUT_NOTES = {
    "real_run": ("Tempo run, felt strong", "Easy recovery loop", "Intervals on the track"),
    "walk": ("Walked Biscuit around the park", "Evening stroll with the dog", "Dog walk"),
    "mixed": ("Run/walk intervals", "Jogged with the dog, lots of stops", "Trail run, walked the hills"),
    "outlier": ("Forgot to stop the app", "GPS went crazy", ""),
}


def app_events(day: Day) -> Records:
    a, m = day.app, day.members
    ids = day.ids("EV", len(a.member), 7)
    lag = a.member % 3  # members update the app at their own pace
    return Records(
        columns={
            "event_id": ids,
            "member_id": pa.array(m.member_id[a.member]),
            "event_type": pa.array(np.array(EVENT_TYPES)[a.event]),
            "event_time": day.utc(a.local_second, m.home[a.member]),
            "platform": pa.array(np.where(a.member % 5 < 3, "ios", "android")),
            "app_version": text.join("5.", text.strings(np.maximum(day.day.toordinal() // 30 % 40 - lag, 0)), ".0"),
        },
        keys=ids,
    )


def _fitbit_minutes(day: date) -> pa.Array:
    """The day's 1440 minutes as Fitbit writes them: 1/5/2025 6:14:00 AM."""
    return pa.array(
        [
            f"{day.month}/{day.day}/{day.year} {(h % 12) or 12}:{mm:02d}:00 {'AM' if h < 12 else 'PM'}"
            for h in range(24)
            for mm in range(60)
        ]
    )


def wearables(day: Day) -> Records:
    w = day.wear
    ids = day.members.wearable_id[w.member]
    order = np.argsort(ids, kind="stable")  # the export is sorted by device, then minute
    ids, minute = ids[order], w.minute[order]
    device = text.strings(ids)
    heart = w.heart_rate[order]
    sleep = w.sleep[order]
    return Records(
        columns={
            "Id": device,
            "ActivityMinute": _fitbit_minutes(day.day).take(pa.array(minute)),
            "Steps": pa.array(w.steps[order]),
            "Calories": text.fixed(w.calories[order], 4),
            "Intensity": pa.array(w.intensity[order]),
            "METs": pa.array(w.mets[order]),
            "HeartRate": pa.array(heart, mask=heart == 0),
            "SleepValue": pa.array(sleep, mask=sleep == 0),
        },
        keys=text.join(device, "/", text.strings(minute)),
    )


def _mapmyrun_date(d: date) -> str:
    month = f"{d:%B}" if len(f"{d:%B}") <= 4 else f"{d:%b}."  # May 5, 2025; June 5; Jan. 5
    return f"{month} {d.day}, {d.year}"


def workouts(day: Day) -> Records:
    r, m = day.runs, day.members
    n = len(r.member)
    workout_id = text.join(f"{day.day.toordinal() % 100_000:05d}", text.zero_pad(np.arange(1, n + 1), 5))
    kind = np.array(WORKOUT_KINDS)[r.kind]
    source = r.member % len(WORKOUT_SOURCES)
    seconds = np.round(r.distance_mi * r.pace * 60).astype(np.int64)
    # Garmin's connector writes the duration as h:mm:ss under the same column.
    clock = [f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in seconds]
    duration = np.where(source == 2, clock, seconds.astype(str))
    rng = day.rng(WORKOUTS.source)
    notes = [WORKOUT_NOTES[k][int(rng.integers(3))] if rng.random() < 0.2 else None for k in kind]
    return Records(
        columns={
            "member_id": pa.array(m.member_id[r.member]),
            "Date Submitted": pa.array([_mapmyrun_date(day.day)] * n),
            "Workout Date": pa.array([_mapmyrun_date(day.day - timedelta(days=int(b))) for b in r.days_before]),
            "Activity Type": pa.array(np.where((r.kind == 1) & r.labelled_walk, "Walk", "Run")),
            "Calories Burned (kCal)": pa.array(r.kcal),
            "Distance (mi)": text.fixed(r.distance_mi, 2),
            "Workout Time (seconds)": pa.array(duration),
            "Avg Pace (min/mi)": text.fixed(r.pace, 2),
            "Max Pace (min/mi)": text.fixed(r.max_pace, 2),
            "Avg Speed (mi/h)": text.fixed(60 / r.pace, 2),
            "Avg Heart Rate": pa.array(r.heart_rate),
            "Steps": pa.array(r.steps),
            "Notes": pa.array(notes, pa.string()),
            "Source": pa.array(np.array(WORKOUT_SOURCES)[source]),
            "Link": text.join("https://www.mapmyfitness.com/workout/", workout_id),
        },
        keys=workout_id,
        contacts=np.where(r.member % 2 == 0, m.email[r.member], m.phone[r.member]),
        truth={"workout_id": workout_id, "member_id": pa.array(m.member_id[r.member]), "kind": pa.array(kind)},
    )
