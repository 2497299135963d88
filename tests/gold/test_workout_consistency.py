from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from statistics import mean, pstdev

from gold import workout_classification, workout_consistency
from gold.workout_consistency import COUNTED_CLASSES, STREAK_TARGET_WEEKS, TARGET_WORKOUTS_PER_WEEK, WEIGHTS
from tests.builders import assert_close_rows

D = date
WORKOUTS = [  # (member, date, class)
    # M1: two weeks on, a week with only a walk and an outlier (the streak breaks), then four weeks on across
    # New Year: Sunday 29 December is ISO week 52 of 2024, Monday 30 December week 1 of 2025
    ("M1", D(2024, 12, 2), "real_run"), ("M1", D(2024, 12, 4), "mixed"), ("M1", D(2024, 12, 10), "real_run"),
    ("M1", D(2024, 12, 17), "walk"), ("M1", D(2024, 12, 18), "outlier"),
    ("M1", D(2024, 12, 26), "real_run"), ("M1", D(2024, 12, 29), "real_run"), ("M1", D(2024, 12, 30), "mixed"),
    ("M1", D(2025, 1, 8), "real_run"), ("M1", D(2025, 1, 14), "real_run"),
    # M2: two workout dates, one gap: no rhythm to judge; stopped in November, so no current streak
    ("M2", D(2024, 11, 4), "mixed"), ("M2", D(2024, 11, 20), "real_run"),
    # M3 only walks the dog: a row of zeros. Their walk is the data's latest workout: the as-of date
    ("M3", D(2025, 1, 1), "walk"), ("M3", D(2025, 1, 15), "walk"),
    # M4: two workouts one day (one date between gaps); last ran the week before the as-of week: still current
    ("M4", D(2025, 1, 2), "real_run"), ("M4", D(2025, 1, 2), "mixed"), ("M4", D(2025, 1, 5), "real_run"),
    ("M4", D(2025, 1, 9), "real_run"),
]  # fmt: skip


def _classified(spark):
    rows = [(i, member, day, "run", 6.0, 5.0, 1800, cls, "rules", None, None)
            for i, (member, day, cls) in enumerate(WORKOUTS)]  # fmt: skip
    return spark.createDataFrame(rows, workout_classification.CONTRACT.spark_schema)


def _monday(day: date) -> date:
    return day - timedelta(days=day.isocalendar().weekday - 1)


def _runs_of_weeks(mondays: list[date]) -> list[tuple[date, int]]:
    """(last Monday, length) of each run of consecutive weeks."""
    runs: list[list] = []
    for monday in sorted(mondays):
        if runs and monday - runs[-1][0] == timedelta(weeks=1):
            runs[-1] = [monday, runs[-1][1] + 1]
        else:
            runs.append([monday, 1])
    return [tuple(r) for r in runs]


def _oracle() -> list[tuple]:
    as_of = max(day for _, day, _ in WORKOUTS)
    logged, counted = defaultdict(int), defaultdict(list)
    for member, day, cls in WORKOUTS:
        logged[member] += 1
        if cls in COUNTED_CLASSES:
            counted[member].append(day)
    out = []
    for member in logged:
        days = counted[member]
        mondays = {_monday(d) for d in days}
        runs = _runs_of_weeks(list(mondays))
        longest = max((n for _, n in runs), default=0)
        current = max((n for last, n in runs if (_monday(as_of) - last).days <= 7), default=0)
        dates = sorted(set(days))
        gaps = [(b - a).days for a, b in pairwise(dates)]
        regularity = max(0.0, 1 - pstdev(gaps) / mean(gaps)) if len(gaps) >= 2 else None
        observed = (_monday(as_of) - _monday(min(days))).days // 7 + 1 if days else None
        per_week = len(days) / observed if days else 0.0
        streaks = (min(longest, STREAK_TARGET_WEEKS) + min(current, STREAK_TARGET_WEEKS)) / (2 * STREAK_TARGET_WEEKS)
        score = 100 * (WEIGHTS["frequency"] * min(per_week / TARGET_WORKOUTS_PER_WEEK, 1)
                       + WEIGHTS["regularity"] * (regularity or 0.0) + WEIGHTS["streaks"] * streaks)  # fmt: skip
        score = float(Decimal(repr(score)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        out.append((member, as_of, logged[member], len(days), min(days, default=None), max(days, default=None),
                    len(mondays), observed, per_week, regularity, longest, current, score))  # fmt: skip
    return out


def test_consistency_matches_a_plain_python_reckoning_of_weeks_gaps_and_streaks(spark):
    expected = spark.createDataFrame(_oracle(), workout_consistency.CONTRACT.spark_schema)
    actual = workout_consistency.transform(_classified(spark))
    assert_close_rows(actual, expected)


def test_the_oracle_breaks_streaks_on_gap_weeks_and_carries_them_over_new_year():
    # What the oracle above encodes, by hand, so a rule cannot be wrong in both.
    columns = workout_consistency.CONTRACT.column_names
    rows = {row[0]: dict(zip(columns, row, strict=True)) for row in _oracle()}
    m1, m2, m3, m4 = (rows[m] for m in ("M1", "M2", "M3", "M4"))
    assert (m1["workouts"], m1["active_weeks"], m1["weeks_observed"]) == (8, 6, 7)
    assert (m1["longest_streak_weeks"], m1["current_streak_weeks"]) == (4, 4)  # the walk did not fill the gap
    assert (m2["timing_regularity"], m2["current_streak_weeks"]) == (None, 0)
    assert (m3["logged_workouts"], m3["workouts"], m3["consistency_score"], m3["as_of_date"]) == (
        2,
        0,
        0.0,
        D(2025, 1, 15),
    )
    assert (m4["current_streak_weeks"], m4["timing_regularity"]) == (2, 1 - 0.5 / 3.5)  # gaps of 3 and 4 days
