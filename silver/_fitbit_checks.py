"""Fitbit's own hourly and daily totals against silver.wearable_minutes' sums: cross-checks, not rules.

Fitabase exports totals beside the minutes (hourlySteps, hourlyIntensities, hourlyCalories; dailyActivity). Where
both exist, the minutes' sums should equal them; a difference points at minutes lost or doubled on the way in.
Fitbit's daily TotalSteps is its own figure and differs from the minutes' sum on about 17% of days in the public
study, so a difference is reported (a warning on the step, fitlake.tasks), never quarantined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from fitlake.privacy import Secrets, decrypt
from silver._parsing import identifier_text, to_double, to_int, to_timestamp

# Hourly stamps as in the minute files; daily ones a date.
_HOUR_PATTERNS = ("M/d/yyyy h:mm:ss a", "M/d/yyyy H:mm")
_DAY_PATTERN = "M/d/yyyy"


@dataclass(frozen=True)
class Totals:
    """A file of Fitbit totals: the period it sums over and its total per minute measure (measure -> field)."""

    source: str
    period: str  # "hour" or "day"
    measures: dict[str, str]

    def describe(self, checked: DataFrame) -> str | None:
        """The warning for the run log from `mismatches`, or None when the minutes agree with every total."""
        row = checked.agg(F.count(F.lit(1)).alias("n"), F.count(F.when(F.col("differs"), 1)).alias("differ")).first()
        if not row["differ"]:
            return None
        unit = "participant-hours" if self.period == "hour" else "participant-days"
        return (
            f"{row['differ']:,} of {row['n']:,} {unit} differ from {self.source} "
            f"({', '.join(self.measures)}: Fitbit's totals against the minutes' sums)"
        )


HOURLY = Totals(
    "bronze.fitbit_hourly_raw", "hour", {"steps": "StepTotal", "intensity": "TotalIntensity", "calories": "Calories"}
)
DAILY = Totals("bronze.fitbit_daily_raw", "day", {"steps": "TotalSteps", "calories": "Calories"})


def _member_totals(
    raw: DataFrame, totals: Totals, holder: Callable[[DataFrame], DataFrame], secrets: Secrets
) -> DataFrame:
    clear = raw.withColumn("Id", decrypt("Id", secrets.pii_key))
    if totals.period == "hour":
        stamp = F.coalesce(*[to_timestamp("ActivityHour", p) for p in _HOUR_PATTERNS])
        day, hour = F.to_date(stamp), F.hour(stamp)
    else:
        day = F.to_date(
            F.coalesce(to_timestamp("ActivityDate", _DAY_PATTERN), to_timestamp("ActivityDay", _DAY_PATTERN))
        )
        hour = F.lit(-1)
    typed = clear.select(
        identifier_text("Id").alias("wearable_device_id"),
        day.alias("local_date"),
        day.cast("timestamp").alias("minute_local_time"),  # the day the device's holder is looked up on
        hour.alias("local_hour"),
        *[(to_int(f) if m != "calories" else to_double(f)).alias(f"fitbit_{m}") for m, f in totals.measures.items()],
    )
    keyed = holder(typed)
    # A daily file comes as dailyActivity and dailyIntensities: one figure per member, period and measure.
    return (
        keyed.filter(F.col("member_key").isNotNull())
        .groupBy("member_key", "local_date", "local_hour")
        .agg(*[F.max(f"fitbit_{m}").alias(f"fitbit_{m}") for m in totals.measures])
    )


def _minute_sums(wearable_minutes: DataFrame, totals: Totals) -> DataFrame:
    hour = F.floor(F.col("local_minute_of_day") / 60) if totals.period == "hour" else F.lit(-1)
    return wearable_minutes.groupBy("member_key", "local_date", hour.cast("int").alias("local_hour")).agg(
        *[F.sum(m).alias(f"minutes_{m}") for m in totals.measures]
    )


def _differs(measure: str) -> Column:
    fitbit, minutes = F.col(f"fitbit_{measure}"), F.col(f"minutes_{measure}")
    # Fitbit rounds its calorie totals to whole kcal; counts must be equal.
    gap = F.abs(fitbit - minutes) >= (0.5 if measure == "calories" else 1)
    return fitbit.isNotNull() & minutes.isNotNull() & gap


def mismatches(
    wearable_minutes: DataFrame,
    raw: DataFrame,
    totals: Totals,
    holder: Callable[[DataFrame], DataFrame],
    secrets: Secrets,
) -> DataFrame:
    """Per member and period both sides have: Fitbit's totals, the minutes' sums and `differs` (any measure).
    `holder` adds the member_key of the device's holder on the row's day (silver.wearable_minutes.with_wearer)."""
    both = _member_totals(raw, totals, holder, secrets).join(
        _minute_sums(wearable_minutes, totals), ["member_key", "local_date", "local_hour"]
    )
    differs = F.lit(False)
    for m in totals.measures:
        differs = differs | _differs(m)
    return both.withColumn("differs", differs)
