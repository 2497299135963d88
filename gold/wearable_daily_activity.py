"""Wearable daily activity: a member's day on the wrist, in the Fitbit daily-activity shape.

Every recorded minute of the day is counted once: a minute in a sleep state is sleep, whatever its
intensity; any other minute is sedentary, light, moderate or very active by its intensity. So the sleep and
intensity minutes add up to the minutes recorded, and sedentary time is time awake sitting still: counted
as sedentary, the night would add some seven hours of "sitting" to every day. A minute with neither (only a
heart-rate reading) is counted as without intensity. A measure no minute of the day has (an export without
calories) is NULL, not 0.

A day the device lay on the nightstand reads 0 steps and every minute sedentary, all day long (Fitabase writes
1,440 sedentary minutes). Wear-time rules in activity research leave such days out of daily averages
(Troiano et al. 2008, Med Sci Sports Exerc 40:181), so `device_worn` is false on them: an average over days
takes the days where it is true.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, BOOLEAN, DATE, DOUBLE, Column, TableContract, between, references, rule
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
        Column(f"{level}_steps", BIGINT, f"Steps in the {words} minutes; NULL when no minute of the day has steps"),
        Column(
            f"{level}_calories",
            DOUBLE,
            f"Energy spent in the {words} minutes, kcal; NULL when no minute of the day has calories",
        ),
    )


def _sleep_column(state: str) -> Column:
    words = state.replace("_", " ")
    return Column(f"{state}_minutes", BIGINT, f"Minutes in sleep state {SLEEP_STATES[state]}, {words}", nullable=False)


MINUTE_COLUMNS = (
    *(f"{level}_minutes" for level in INTENSITY_LEVELS),
    "no_intensity_minutes",
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
        Column(
            "device_worn",
            BOOLEAN,
            "False on a day the device was not worn: no step and every minute of the whole local day sedentary; "
            "leave such days out of daily averages",
            nullable=False,
        ),
        Column("steps", BIGINT, "Steps in the day, all minutes; NULL when no minute has steps"),
        Column("calories", DOUBLE, "Energy spent in the day, all minutes, kcal; NULL when no minute has calories"),
        *_level_columns("sedentary"),
        Column(
            "sedentary_avg_heart_rate",
            DOUBLE,
            "Average heart rate over the sedentary minutes, bpm; minutes off the wrist (no reading) are left "
            "out; NULL when no sedentary minute has a reading",
        ),
        *(c for level in INTENSITY_LEVELS if level != "sedentary" for c in _level_columns(level)),
        Column(
            "no_intensity_minutes",
            BIGINT,
            "Minutes not in a sleep state with no intensity in any file (only a heart-rate reading)",
            nullable=False,
        ),
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
    # A day with no minute at that level has spent nothing there: 0, not NULL; unless no minute has the measure.
    return F.when(F.count(column) > 0, F.coalesce(F.sum(F.when(condition, F.col(column))), F.lit(0)))


def _minutes_in_local_day() -> SparkColumn:
    """1,440, or 1,380 and 1,500 on the days the clocks change, in the wearer's zone."""
    start, end = (
        F.to_utc_timestamp(d, F.col("wearer_timezone")) for d in (F.col("local_date"), F.date_add("local_date", 1))
    )
    return (F.unix_seconds(end) - F.unix_seconds(start)) / 60


def _not_worn() -> SparkColumn:
    """No step (or none recorded) and a whole local day of sedentary minutes, and no other intensity."""
    with_intensity = F.count("intensity")
    return (
        (F.coalesce(F.sum("steps"), F.lit(0)) == 0)
        & (_count_if(F.col("intensity") == INTENSITY_LEVELS["sedentary"]) == with_intensity)
        & (with_intensity >= F.first(_minutes_in_local_day()))
    )


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
        (~_not_worn()).alias("device_worn"),
        F.sum("steps").cast("bigint").alias("steps"),
        _kcal(F.sum("calories")).alias("calories"),
        # avg skips NULLs: a minute off the wrist has no heart rate, and is not a heart rate of 0.
        F.avg(F.when(sedentary, F.col("heart_rate"))).alias("sedentary_avg_heart_rate"),
        *per_level,
        _count_if(awake & F.col("intensity").isNull()).alias("no_intensity_minutes"),
        *(_count_if(F.col("sleep_state") == code).alias(f"{state}_minutes") for state, code in SLEEP_STATES.items()),
    )
    return daily.select(*CONTRACT.column_names)
