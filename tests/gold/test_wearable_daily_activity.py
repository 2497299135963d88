from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest

from gold import wearable_daily_activity
from gold.wearable_daily_activity import INTENSITY_LEVELS, SLEEP_STATES
from silver.wearable_minutes import CONTRACT as MINUTES
from tests.builders import assert_same_rows

NEW_YORK_WINTER = timedelta(hours=5)  # UTC - local
MINUTES_ROWS = [  # (member, local date, local minute of day, steps, kcal, intensity, heart rate, sleep state)
    # M1's Monday: a night in each sleep state, with no intensity or with some (a restless sleeper moves)
    ("M1", date(2025, 1, 6), 60, 0, 0.9, 0, 52, 1),
    ("M1", date(2025, 1, 6), 61, 3, 1.0, 1, 55, 2),  # restless: sleep, not light activity
    ("M1", date(2025, 1, 6), 62, 0, 0.9, 0, 58, 3),
    # awake and still: sedentary, heart rate 60 and 64 (the average is 62); off the wrist: no heart rate,
    # still a sedentary minute, and left out of the average instead of counted as 0 bpm
    ("M1", date(2025, 1, 6), 600, 0, 1.25, 0, 60, None),
    ("M1", date(2025, 1, 6), 601, 0, 1.25, 0, 64, None),
    ("M1", date(2025, 1, 6), 1150, 0, 1.25, 0, None, None),
    ("M1", date(2025, 1, 6), 700, 30, 2.5, 1, 80, None),
    ("M1", date(2025, 1, 6), 701, 110, 6.25, 2, 120, None),
    ("M1", date(2025, 1, 6), 702, 130, 10.0, 3, 150, None),
    ("M1", date(2025, 1, 6), 703, 140, 10.5, 3, 155, None),
    # 23:30 in New York is 04:30 UTC the next day: still Monday's minute
    ("M1", date(2025, 1, 6), 1410, 0, 1.3, 0, 66, None),
    # M1's Tuesday is a day of its own
    ("M1", date(2025, 1, 7), 600, 20, 2.0, 1, 75, None),
    # M2 slept and sat with the device off the wrist: no sedentary heart rate, zeros for activity
    ("M2", date(2025, 1, 6), 30, 0, 0.8, 0, None, 1),
    ("M2", date(2025, 1, 6), 800, 0, 1.1, 0, None, None),
]


def _silver_minutes(spark):
    rows = []
    for i, (member, day, minute, steps, kcal, intensity, heart, sleep) in enumerate(MINUTES_ROWS):
        local = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
        rows.append((member, local + NEW_YORK_WINTER, day, minute, "America/New_York", steps, kcal, intensity,
                     1.0 + intensity, heart, sleep, "wearables/2025-01-07/part-00000", i + 1, "b1"))  # fmt: skip
    return spark.createDataFrame(rows, MINUTES.spark_schema)


def _oracle() -> list[tuple]:
    """The mart's figures worked out minute by minute: a minute in a sleep state is sleep, any other is its
    intensity level."""
    days: dict[tuple, dict] = defaultdict(lambda: defaultdict(float))
    heart: dict[tuple, list[int]] = defaultdict(list)
    levels = {code: level for level, code in INTENSITY_LEVELS.items()}
    states = {code: state for state, code in SLEEP_STATES.items()}
    for member, day, _, steps, kcal, intensity, heart_rate, sleep in MINUTES_ROWS:
        d = days[(member, day)]
        d["recorded_minutes"] += 1
        d["steps"] += steps
        d["calories"] += kcal
        if sleep is not None:
            d[f"{states[sleep]}_minutes"] += 1
            continue
        level = levels[intensity]
        d[f"{level}_minutes"] += 1
        d[f"{level}_steps"] += steps
        d[f"{level}_calories"] += kcal
        if level == "sedentary" and heart_rate is not None:
            heart[(member, day)].append(heart_rate)
    out = []
    for (member, day), d in days.items():
        # Not worn: no step, and a whole day (1,440 minutes in winter) of intensity 0; none of these days is whole.
        intensities = [m[5] for m in MINUTES_ROWS if m[:2] == (member, day)]
        d["device_worn"] = not (d["steps"] == 0 and set(intensities) == {0} and len(intensities) >= 1440)
        beats = heart[(member, day)]
        d["sedentary_avg_heart_rate"] = sum(beats) / len(beats) if beats else None
        row = [member, day]
        for column in wearable_daily_activity.CONTRACT.columns[2:]:
            value = d.get(column.name, 0)
            if column.name.endswith("calories"):
                value = round(value, 4)
            elif value is not None and column.data_type.typeName() == "long":
                value = int(value)
            row.append(value)
        out.append(tuple(row))
    return out


def test_daily_activity_matches_a_minute_by_minute_count(spark):
    expected = spark.createDataFrame(_oracle(), wearable_daily_activity.CONTRACT.spark_schema)
    actual = wearable_daily_activity.transform(_silver_minutes(spark))
    assert_same_rows(actual, expected)


def test_the_oracle_counts_sleep_apart_from_sedentary_and_skips_missing_heart_rates():
    # What the oracle above encodes, by hand for M1's and M2's Monday, so a rule cannot be wrong in both.
    columns = wearable_daily_activity.CONTRACT.column_names
    days = {row[:2]: dict(zip(columns, row, strict=True)) for row in _oracle()}
    m1, m2 = days[("M1", date(2025, 1, 6))], days[("M2", date(2025, 1, 6))]
    sleep_and_still = ("sedentary_minutes", "asleep_minutes", "restless_minutes", "awake_in_bed_minutes")
    assert [m1[c] for c in sleep_and_still] == [4, 1, 1, 1]
    assert (m1["light_minutes"], m1["very_active_minutes"], m1["recorded_minutes"]) == (1, 2, 11)
    assert m1["sedentary_avg_heart_rate"] == (60 + 64 + 66) / 3
    assert (m2["sedentary_avg_heart_rate"], m2["very_active_steps"], m2["calories"]) == (None, 0, 1.9)


def _day_of_minutes(spark, member, day, minutes, timezone="America/New_York"):
    """silver.wearable_minutes rows of one local day: minute of day -> (steps, kcal, intensity, heart rate)."""
    midnight = datetime(day.year, day.month, day.day)
    offset = timedelta(hours=5 if timezone == "America/New_York" else 8)  # winter, both days below
    rows = [
        (member, midnight + timedelta(minutes=m) + offset, day, m % 1440, timezone, steps, kcal, intensity,
         None if intensity is None else 1.0 + intensity, heart, None, "wearables/2025-01-07/part-00000", i + 1, "b1")
        for i, (m, (steps, kcal, intensity, heart)) in enumerate(minutes.items())
    ]  # fmt: skip
    return spark.createDataFrame(rows, MINUTES.spark_schema)


@pytest.mark.reliability(
    input="a Fitbit day the device lay on the nightstand: 0 steps, 1,440 sedentary minutes",
    expected="the day flagged device_worn = false, to be left out of daily averages",
    observed="device_worn false on that day; true with one step, one light minute, or only half a day still",
)
def test_a_day_of_no_step_and_only_sedentary_minutes_is_a_day_the_device_was_not_worn(spark):
    still = (0, 1.0, 0, None)
    whole_day = dict.fromkeys(range(1440), still)
    days = [
        _day_of_minutes(spark, "OFF", date(2025, 1, 6), whole_day),
        # one step, or one light minute, and somebody wore it
        _day_of_minutes(spark, "STEP", date(2025, 1, 6), {**whole_day, 700: (1, 1.0, 0, None)}),
        _day_of_minutes(spark, "LIGHT", date(2025, 1, 6), {**whole_day, 700: (0, 1.0, 1, None)}),
        # half a day still is not a day off the wrist (the first day of an export starts at noon)
        _day_of_minutes(spark, "HALF", date(2025, 1, 6), dict.fromkeys(range(720, 1440), still)),
    ]
    minutes = days[0].unionByName(days[1]).unionByName(days[2]).unionByName(days[3])
    worn = {r.member_key: r.device_worn for r in wearable_daily_activity.transform(minutes).collect()}
    assert worn == {"OFF": False, "STEP": True, "LIGHT": True, "HALF": True}


def test_the_autumn_day_has_1500_minutes_so_1440_still_ones_are_not_the_whole_day(spark):
    still = (0, 1.0, 0, None)
    autumn = date(2025, 11, 2)
    rows = _day_of_minutes(spark, "AUTUMN", autumn, dict.fromkeys(range(1440), still))
    whole = _day_of_minutes(spark, "WHOLE", autumn, dict.fromkeys(range(1500), still))
    worn = {r.member_key: r.device_worn for r in wearable_daily_activity.transform(rows.unionByName(whole)).collect()}
    assert worn == {"AUTUMN": True, "WHOLE": False}


def test_a_measure_no_minute_of_the_day_has_is_null_and_a_heart_rate_alone_is_a_minute_without_intensity(spark):
    minutes = _day_of_minutes(
        spark,
        "M1",
        date(2025, 1, 6),
        {600: (12, None, 1, 90), 601: (0, None, 0, 70), 602: (None, None, None, 72)},  # no calories in the export
    )
    day = wearable_daily_activity.transform(minutes).collect()[0].asDict()
    assert {c: day[c] for c in ("calories", "light_calories", "sedentary_calories", "steps", "light_steps")} == {
        "calories": None, "light_calories": None, "sedentary_calories": None, "steps": 12, "light_steps": 12,
    }  # fmt: skip
    assert (day["recorded_minutes"], day["light_minutes"], day["sedentary_minutes"], day["no_intensity_minutes"]) == (
        3, 1, 1, 1,
    )  # fmt: skip
