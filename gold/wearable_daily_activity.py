"""Wearable daily activity: a member's day on the wrist, in the Fitbit daily-activity shape.

Every recorded minute of the day is counted once: a minute in a sleep state is sleep, whatever its
intensity; any other minute is sedentary, light, moderate or very active by its intensity. So the sleep and
intensity minutes add up to the minutes recorded, and sedentary time is time awake sitting still: counted
as sedentary, the night would add some seven hours of "sitting" to every day.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, DOUBLE, Column, TableContract, between, references, rule
from silver.members import MEMBER_KEY

INPUTS = ("silver.wearable_minutes",)

# silver.wearable_minutes' codes, declared once for the columns, the rules and the transform.
INTENSITY_LEVELS = {"sedentary": 0, "light": 1, "moderate": 2, "very_active": 3}
SLEEP_STATES = {"asleep": 1, "restless": 2, "awake_in_bed": 3}
# A local day lasts 23 to 25 hours: the day the clocks go back has 1,500 minutes.
LONGEST_DAY_MINUTES = 25 * 60


def _level_columns(level: str) -> tuple[Column, ...]:
    words = level.replace("_", " ")
    scope = f"intensity {INTENSITY_LEVELS[level]} while not in a sleep state"
    if level == "sedentary":
        scope += "; sleep is counted in the sleep columns, never as sedentary"
    return (
        Column(f"{level}_minutes", BIGINT, f"Minutes {words}: {scope}", nullable=False),
        Column(f"{level}_steps", BIGINT, f"Steps in the {words} minutes", nullable=False),
        Column(f"{level}_calories", DOUBLE, f"Energy spent in the {words} minutes, kcal", nullable=False),
    )


def _sleep_column(state: str) -> Column:
    words = state.replace("_", " ")
    return Column(f"{state}_minutes", BIGINT, f"Minutes in sleep state {SLEEP_STATES[state]}, {words}", nullable=False)


MINUTE_COLUMNS = (
    *(f"{level}_minutes" for level in INTENSITY_LEVELS),
    *(f"{state}_minutes" for state in SLEEP_STATES),
)

CONTRACT = TableContract(
    name="gold.wearable_daily_activity",
    comment="Per member and local day: minutes, steps and calories per intensity level, sedentary heart rate "
    "and sleep minutes per sleep state. Each recorded minute is counted once: sleep or one intensity level. "
    "Research data: only members with research consent.",
    columns=(
        replace(MEMBER_KEY, comment="Member wearing the device"),
        Column("local_date", DATE, "Date where the member lives (home site's time zone)", nullable=False),
        Column("recorded_minutes", BIGINT, "Minutes the device recorded that day", nullable=False),
        Column("steps", BIGINT, "Steps in the day, all minutes", nullable=False),
        Column("calories", DOUBLE, "Energy spent in the day, all minutes, kcal", nullable=False),
        *_level_columns("sedentary"),
        Column(
            "sedentary_avg_heart_rate",
            DOUBLE,
            "Average heart rate over the sedentary minutes, bpm; minutes off the wrist (no reading) are left "
            "out; NULL when no sedentary minute has a reading",
        ),
        *(c for level in INTENSITY_LEVELS if level != "sedentary" for c in _level_columns(level)),
        *(_sleep_column(state) for state in SLEEP_STATES),
    ),
    keys=("member_key", "local_date"),
    expectations=(
        between("recorded_minutes", 1, LONGEST_DAY_MINUTES),
        *(between(c, 0, LONGEST_DAY_MINUTES) for c in MINUTE_COLUMNS),
        rule("minutes_add_up", f"{' + '.join(MINUTE_COLUMNS)} = recorded_minutes"),
        between("sedentary_avg_heart_rate", 25, 250),
    ),
    foreign_keys=(references("member_key", "silver.members"),),
)


def _count_if(condition: SparkColumn) -> SparkColumn:
    return F.count(F.when(condition, F.lit(1)))


def _sum_if(condition: SparkColumn, column: str) -> SparkColumn:
    # A day with no minute at that level has spent nothing there: 0, not NULL.
    return F.coalesce(F.sum(F.when(condition, F.col(column))), F.lit(0))


def _kcal(total: SparkColumn) -> SparkColumn:
    # To the export's 4 decimals: a sum of such values is exact there, so neither the engine's order of
    # addition nor float noise (3142.6462999999976) shows.
    return F.round(total.cast("double"), 4)


def transform(wearable_minutes: DataFrame) -> DataFrame:
    awake = F.col("sleep_state").isNull()
    sedentary = awake & (F.col("intensity") == INTENSITY_LEVELS["sedentary"])
    per_level = []
    for level, code in INTENSITY_LEVELS.items():
        at_level = awake & (F.col("intensity") == code)
        per_level += [
            _count_if(at_level).alias(f"{level}_minutes"),
            _sum_if(at_level, "steps").cast("bigint").alias(f"{level}_steps"),
            _kcal(_sum_if(at_level, "calories")).alias(f"{level}_calories"),
        ]
    daily = wearable_minutes.groupBy("member_key", "local_date").agg(
        F.count(F.lit(1)).alias("recorded_minutes"),
        F.sum("steps").cast("bigint").alias("steps"),
        _kcal(F.sum("calories")).alias("calories"),
        # avg skips NULLs: a minute off the wrist has no heart rate, and is not a heart rate of 0.
        F.avg(F.when(sedentary, F.col("heart_rate"))).alias("sedentary_avg_heart_rate"),
        *per_level,
        *(_count_if(F.col("sleep_state") == code).alias(f"{state}_minutes") for state, code in SLEEP_STATES.items()),
    )
    return daily.select(*CONTRACT.column_names)
