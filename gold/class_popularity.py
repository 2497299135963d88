"""Class popularity per month, location and class type: sessions, places, bookings, fill rate, no-show and
late-cancel rates.

Fill rate is attendance over places offered; no-show and late-cancel rates are over confirmed bookings
(a waitlisted booking never had a place to miss). Sessions nobody booked count too: they offered places.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, DOUBLE, Column, TableContract, between, references
from fitlake.periods import month_start
from gold import fact_bookings

INPUTS = ("silver.class_sessions", "gold.fact_bookings")

CONTRACT = TableContract(
    name="gold.class_popularity",
    comment="Per month, location and class type: sessions, places, bookings, attendance, fill and no-show rates.",
    columns=(
        Column("month", DATE, "First day of the month (the site's local date)", nullable=False),
        *fact_bookings.CONTRACT.pick("location_id", "class_type"),
        Column("sessions", BIGINT, "Sessions scheduled", nullable=False),
        Column("places", BIGINT, "Places offered: the sessions' capacity", nullable=False),
        Column("confirmed_bookings", BIGINT, "Bookings that got a place", nullable=False),
        Column("waitlisted", BIGINT, "Bookings that stayed on the waitlist", nullable=False),
        Column("attended", BIGINT, "Confirmed bookings the member came to", nullable=False),
        Column("no_shows", BIGINT, "Confirmed bookings the member neither used nor cancelled", nullable=False),
        Column("late_cancels", BIGINT, "Confirmed bookings cancelled too late to give the place away", nullable=False),
        Column("fill_rate", DOUBLE, "attended / places", nullable=False),
        Column("no_show_rate", DOUBLE, "no_shows / confirmed_bookings; NULL without bookings"),
        Column("late_cancel_rate", DOUBLE, "late_cancels / confirmed_bookings; NULL without bookings"),
    ),
    keys=("month", "location_id", "class_type"),
    expectations=(between("fill_rate", 0, 1), between("no_show_rate", 0, 1), between("late_cancel_rate", 0, 1)),
    foreign_keys=(references("location_id", "gold.dim_location"), references("class_type", "gold.dim_class_type")),
)


def transform(sessions: DataFrame, bookings: DataFrame) -> DataFrame:
    per_session = bookings.groupBy("session_id").agg(
        F.count_if("is_confirmed").alias("confirmed_bookings"),
        F.count_if(~F.col("is_confirmed")).alias("waitlisted"),
        F.count_if("is_attended").alias("attended"),
        F.count_if("is_no_show").alias("no_shows"),
        F.count_if("is_late_cancel").alias("late_cancels"),
    )
    counts = ("confirmed_bookings", "waitlisted", "attended", "no_shows", "late_cancels")
    monthly = (
        sessions.join(per_session, "session_id", "left")
        .groupBy(month_start("start_local_date").alias("month"), "location_id", "class_type")
        .agg(
            F.count(F.lit(1)).alias("sessions"),
            F.sum("capacity").cast("bigint").alias("places"),
            *[F.coalesce(F.sum(c), F.lit(0)).cast("bigint").alias(c) for c in counts],
        )
    )
    confirmed = F.when(F.col("confirmed_bookings") > 0, F.col("confirmed_bookings"))
    return monthly.select(
        "*",
        (F.col("attended") / F.col("places")).alias("fill_rate"),
        (F.col("no_shows") / confirmed).alias("no_show_rate"),
        (F.col("late_cancels") / confirmed).alias("late_cancel_rate"),
    )
