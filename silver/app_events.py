"""App events: one row per event in the member app, deduplicated, known by the member's pseudonym."""

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
from silver._lookups import MEMBER, known, with_member_key
from silver._parsing import text, texts, utc_iso_to_timestamp
from silver.members import MEMBER_KEY

# What the app backend logs; a new kind of event is quarantined until it is declared here.
EVENT_TYPES = ("app_open", "class_browse", "class_booking", "calendar_sync", "goal_set", "goal_progress", "workout_log")
PLATFORMS = ("ios", "android")

INPUTS = ("bronze.app_events_raw", "silver.member_pii")

CONTRACT = TableContract(
    name="silver.app_events",
    comment="One row per member app event, deduplicated on event_id; instants in UTC.",
    columns=(
        Column("event_id", STRING, "Event number in the app backend", nullable=False),
        replace(MEMBER_KEY, comment="Member signed in to the app"),
        Column("event_type", STRING, f"What the member did: {', '.join(EVENT_TYPES)}", nullable=False),
        Column("event_at", TIMESTAMP, "Instant of the event (UTC)", nullable=False),
        Column("platform", STRING, "ios or android"),
        Column("app_version", STRING, "Version of the app, e.g. 5.1.0"),
        *ROW_LINEAGE,
    ),
    keys=("event_id",),
    expectations=(in_set("event_type", EVENT_TYPES), in_set("platform", PLATFORMS)),
    foreign_keys=(references("member_key", "silver.members"),),
    parse_rules=(
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        parsed("event_at", raw="event_time_text"),
    ),
    keep=FIRST_DELIVERY,
)

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER,))


def transform(app_events_raw: DataFrame, member_pii: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        app_events_raw,
        *texts("event_id", "member_id", "app_version"),
        F.lower(text("event_type")).alias("event_type"),
        utc_iso_to_timestamp("event_time").alias("event_at"),
        F.lower(text("platform")).alias("platform"),
        text("event_time").alias("event_time_text"),
    )
    typed = with_member_key(parsed_rows, member_pii)
    # The first delivery of an event wins; later copies are re-sent events.
    return conform(typed, CONTRACT)
