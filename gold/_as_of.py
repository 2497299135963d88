"""Trailing totals of daily activity as of given dates, counting only days strictly before each date.

Point-in-time correctness is the point: a feature as of day D sees nothing of D or later. Rather than join
every day to every snapshot it falls in (members x days x snapshots), the snapshot dates and the days
n before them become marker rows among the member's days; a running sum over the member's days, ordered
so a marker comes before the activity of its own date, gives at each marker the total of all earlier days,
and a window's total is the difference of two markers. One sort per member, whatever the windows.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F


def trailing_totals(daily: DataFrame, snapshots: DataFrame, measures: list[str], days: tuple[int, ...]) -> DataFrame:
    """Per (member_key, as_of_date) of `snapshots`: `<measure>_<n>d`, the measure's total over the n days
    before as_of_date, for each n in `days`; and `last_<measure>_date`, the last day before as_of_date on
    which the measure was above zero (NULL if none).

    `daily` has member_key, activity_date and one double column per measure (see `daily_totals`).
    """
    offsets = (0, *days)
    markers = snapshots.select("member_key", "as_of_date").crossJoin(
        snapshots.sparkSession.createDataFrame([(n,) for n in offsets], "offset int")
    )
    marker_rows = markers.select(
        "member_key",
        F.date_sub("as_of_date", F.col("offset")).alias("activity_date"),
        F.lit(0).alias("_after_markers"),
        "as_of_date",
        "offset",
        *[F.lit(0.0).alias(m) for m in measures],
    )
    day_rows = daily.select(
        "member_key",
        "activity_date",
        F.lit(1).alias("_after_markers"),
        F.lit(None).cast("date").alias("as_of_date"),
        F.lit(None).cast("int").alias("offset"),
        *measures,
    )
    earlier = (
        Window.partitionBy("member_key")
        .orderBy("activity_date", "_after_markers")
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    running = (
        marker_rows.unionByName(day_rows)
        .select(
            "member_key",
            "as_of_date",
            "offset",
            *[F.sum(m).over(earlier).alias(f"_before_{m}") for m in measures],
            *[
                F.max(F.when(F.col(m) > 0, F.col("activity_date"))).over(earlier).alias(f"last_{m}_date")
                for m in measures
            ],
        )
        .filter(F.col("as_of_date").isNotNull())
    )

    def at(offset: int, column: str) -> Column:
        return F.max(F.when(F.col("offset") == offset, F.col(column)))

    totals = [(at(0, f"_before_{m}") - at(n, f"_before_{m}")).alias(f"{m}_{n}d") for m in measures for n in days]
    last = [at(0, f"last_{m}_date").alias(f"last_{m}_date") for m in measures]
    return running.groupBy("member_key", "as_of_date").agg(*totals, *last)


def daily_totals(*frames: DataFrame) -> DataFrame:
    """One row per member and day from per-source daily frames (member_key, activity_date, measures...), each
    measure a double, zero where a source has none.

    Full outer joins, not a union: Sail 0.7.2 fails to aggregate a union whose inputs carry different column
    comments ("Physical input schema should be the same as the one converted from logical input schema").
    """
    keys = ["member_key", "activity_date"]
    joined = reduce(lambda a, b: a.join(b, keys, "full"), frames)
    measures = [c for f in frames for c in f.columns if c not in keys]
    return joined.select(*keys, *[F.coalesce(F.col(m).cast("double"), F.lit(0.0)).alias(m) for m in measures])
