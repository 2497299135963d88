"""Booking events: one row per event of a class booking (booked, then attended, no-show or late cancel;
or waitlist), with the instant in UTC, the member's pseudonym and the session it belongs to.

A booking that did not happen to a known member and a known class session is quarantined as an orphan.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    FIRST_DELIVERY,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    Incremental,
    TableContract,
    in_set,
    not_null,
    parsed,
    references,
)
from fitlake.quality import conform, from_bronze
from silver._lookups import MEMBER, SESSION, known, with_known_session, with_member_key
from silver._parsing import known_timezone, local_to_utc, text, texts, to_code, to_timestamp
from silver.members import MEMBER_KEY

STATUSES = ("booked", "attended", "no_show", "late_cancel", "waitlist")

INPUTS = ("bronze.attendance_raw", "silver.member_pii", "silver.class_sessions")

CONTRACT = TableContract(
    name="silver.booking_events",
    comment="One row per booking event, deduplicated on (booking_id, status); instants in UTC.",
    columns=(
        Column("booking_id", STRING, "Booking number in the studio system", nullable=False),
        Column("status", STRING, "booked, attended, no_show, late_cancel or waitlist", nullable=False),
        Column("session_id", STRING, "Class session booked", nullable=False),
        replace(MEMBER_KEY, comment="Member who booked"),
        Column("instructor_id", STRING, "Instructor of the session as the event recorded it"),
        Column("class_type", STRING, "Class type of the session as the event recorded it, lower case"),
        Column("event_at", TIMESTAMP, "Instant of the event (UTC)", nullable=False),
        Column("site_timezone", STRING, "IANA time zone of the site", nullable=False),
        *ROW_LINEAGE,
    ),
    # A confirmed booking has a 'booked' event and then its outcome; a waitlisted one has one event.
    keys=("booking_id", "status"),
    expectations=(in_set("status", STATUSES),),
    foreign_keys=(
        references("member_key", "silver.members"),
        references("session_id", "silver.class_sessions"),
    ),
    parse_rules=(
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        known("session_id", "known_session_id", "silver.class_sessions"),
        parsed("event_local_time", raw="event_time_text"),
        known_timezone("site_timezone"),
    ),
    keep=FIRST_DELIVERY,
)

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER, SESSION))


def transform(attendance_raw: DataFrame, member_pii: DataFrame, class_sessions: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        attendance_raw,
        *texts("booking_id", "session_id", "member_id", "instructor_id", "site_timezone"),
        to_code("status").alias("status"),
        to_code("class_type").alias("class_type"),
        to_timestamp("event_time").alias("event_local_time"),
        text("event_time").alias("event_time_text"),
    )
    resolved = with_known_session(with_member_key(parsed_rows, member_pii), class_sessions)
    typed = resolved.withColumn("event_at", local_to_utc(F.col("event_local_time"), "site_timezone"))
    return conform(typed, CONTRACT)
