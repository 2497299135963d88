"""Bookings: one row per class booking with how it ended, the grain for no-show and late-cancel rates.

A confirmed booking has a `booked` event and then its outcome (attended, no_show or late_cancel); a
booking that only reached the waitlist has one `waitlist` event. A confirmed booking whose outcome has not
been exported yet (a class later today) is `booked`. Where, when and who taught come from the timetable
(silver.class_sessions), not from the event, so every fact of one session agrees.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    BOOLEAN,
    DATE,
    INT,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
    between,
    in_set,
    references,
    rule,
)
from silver import booking_events, class_sessions

INPUTS = ("silver.booking_events", "silver.class_sessions")

OUTCOMES = ("attended", "no_show", "late_cancel", "waitlist", "booked")
# The event that settles a booking, when there are several: an outcome beats the booking that preceded it.
_SETTLING_ORDER = ("attended", "no_show", "late_cancel", "waitlist", "booked")

CONTRACT = TableContract(
    name="gold.fact_bookings",
    comment="One row per class booking: member, session, when it was booked and its outcome.",
    columns=(
        *booking_events.CONTRACT.pick("booking_id", "session_id", "member_key"),
        *class_sessions.CONTRACT.pick("location_id", "instructor_id", "class_type"),
        Column("class_date", DATE, "Date of the class at the site", nullable=False),
        Column("class_starts_at", TIMESTAMP, "Start of the class (UTC)", nullable=False),
        Column("class_hour", INT, "Hour of day the class starts at the site, 0-23", nullable=False),
        Column("booked_at", TIMESTAMP, "When the place (or waitlist place) was booked (UTC); NULL if not exported"),
        Column(
            "outcome", STRING, "attended, no_show, late_cancel, waitlist, or booked (no outcome yet)", nullable=False
        ),
        Column("is_attended", BOOLEAN, "The member came to the class", nullable=False),
        Column("is_no_show", BOOLEAN, "A confirmed place the member neither used nor cancelled", nullable=False),
        Column(
            "is_late_cancel", BOOLEAN, "The member cancelled too late for the place to be given away", nullable=False
        ),
        Column("is_confirmed", BOOLEAN, "The booking got a place (it did not stay on the waitlist)", nullable=False),
    ),
    keys=("booking_id",),
    expectations=(
        in_set("outcome", OUTCOMES),
        between("class_hour", 0, 23),
        rule("booked_before_class_ends", "booked_at IS NULL OR booked_at <= class_starts_at + INTERVAL 1 DAY"),
    ),
    foreign_keys=(
        references("member_key", "gold.dim_member"),
        references("session_id", "silver.class_sessions"),
        references("location_id", "gold.dim_location"),
        references("instructor_id", "gold.dim_instructor"),
        references("class_type", "gold.dim_class_type"),
    ),
)


def transform(events: DataFrame, sessions: DataFrame) -> DataFrame:
    rank = F.array_position(F.array(*[F.lit(s) for s in _SETTLING_ORDER]), F.col("status"))
    bookings = events.groupBy("booking_id").agg(
        F.first("session_id").alias("session_id"),
        F.first("member_key").alias("member_key"),
        F.min(F.when(F.col("status").isin("booked", "waitlist"), F.col("event_at"))).alias("booked_at"),
        # The settling status is the one earliest in _SETTLING_ORDER: min over (rank, status) pairs.
        F.min(F.struct(rank.alias("r"), F.col("status").alias("s")))["s"].alias("outcome"),
    )
    timetable = sessions.select(
        "session_id",
        "location_id",
        "instructor_id",
        "class_type",
        F.col("start_local_date").alias("class_date"),
        F.col("starts_at").alias("class_starts_at"),
        F.col("start_local_hour").alias("class_hour"),
    )
    o = F.col("outcome")
    flags = {"is_attended": o == "attended", "is_no_show": o == "no_show", "is_late_cancel": o == "late_cancel",
             "is_confirmed": o != "waitlist"}  # fmt: skip
    joined = bookings.join(timetable, "session_id")
    return joined.select(*[flags[c].alias(c) if c in flags else F.col(c) for c in CONTRACT.column_names])
