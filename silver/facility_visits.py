"""Facility visits: one row per wellness room visit (sauna, pool, steam room), with the instant in UTC."""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    DATE,
    FIRST_DELIVERY,
    INT,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    Incremental,
    TableContract,
    between,
    in_set,
    not_null,
    parsed,
    references,
    rule,
)
from fitlake.quality import conform, from_bronze
from silver._lookups import MEMBER, known, lookup, site, with_member_key
from silver._parsing import local_to_utc, text, texts, to_int, to_timestamp
from silver.members import MEMBER_KEY

FACILITIES = ("sauna", "pool", "steam_room")

INPUTS = ("bronze.facility_usage_raw", "silver.member_pii", "silver.locations")

CONTRACT = TableContract(
    name="silver.facility_visits",
    comment="One row per wellness room visit, deduplicated on usage_id; instants in UTC.",
    columns=(
        Column("usage_id", STRING, "Visit number in the front desk system", nullable=False),
        replace(MEMBER_KEY, comment="Member who used the room"),
        Column("location_id", STRING, "Location of the room", nullable=False),
        Column("facility", STRING, "sauna, pool or steam_room", nullable=False),
        Column("entered_at", TIMESTAMP, "Instant the member went in (UTC)", nullable=False),
        Column("entered_local_date", DATE, "Date at the site", nullable=False),
        Column("duration_minutes", INT, "Minutes spent in the room", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("usage_id",),
    expectations=(in_set("facility", FACILITIES), between("duration_minutes", 1, 24 * 60)),
    foreign_keys=(references("member_key", "silver.members"), references("location_id", "silver.locations")),
    parse_rules=(
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        known("location_id", "site_timezone", "silver.locations", derived=("entered_at",)),
        # A site has the rooms it has: a visit to a room the site does not offer is a wrong site or room.
        rule(
            "facility_offered_at_site",
            "facility IS NULL OR site_facilities IS NULL OR array_contains(site_facilities, facility)",
        ),
        parsed("entered_local_time", raw="entered_at_text"),
        parsed("duration_minutes"),
    ),
    keep=FIRST_DELIVERY,
)

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER, site("timezone", "facilities")))


def transform(facility_usage_raw: DataFrame, member_pii: DataFrame, locations: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        facility_usage_raw,
        *texts("usage_id", "member_id", "location_id"),
        F.lower(text("facility")).alias("facility"),
        to_timestamp("entered_at").alias("entered_local_time"),
        to_int("duration_minutes").alias("duration_minutes"),
        text("entered_at").alias("entered_at_text"),
        text("duration_minutes").alias("duration_minutes_text"),
    )
    site = {"timezone": "site_timezone", "facilities": "site_facilities"}
    with_site = lookup(with_member_key(parsed_rows, member_pii), locations, ("location_id", "location_id"), site)
    typed = with_site.select(
        "*",
        local_to_utc(F.col("entered_local_time"), "site_timezone").alias("entered_at"),
        F.to_date("entered_local_time").alias("entered_local_date"),
    )
    # The first delivery of a visit wins; later copies are re-sent lines.
    return conform(typed, CONTRACT)
