"""Check-ins: one row per check-in, deduplicated, with the instant in UTC and the site's local date."""

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
    in_set,
    not_null,
    parsed,
    references,
)
from fitlake.quality import conform, from_bronze
from silver._lookups import MEMBER, known, with_member_key
from silver._parsing import known_timezone, local_to_utc, text, texts, to_timestamp
from silver.members import MEMBER_KEY

CHANNELS = ("front_desk", "app")

INPUTS = ("bronze.checkins_raw", "silver.member_pii")

CONTRACT = TableContract(
    name="silver.checkins",
    comment="One row per member check-in, deduplicated on checkin_id; instants in UTC.",
    columns=(
        Column("checkin_id", STRING, "Check-in number in the studio system", nullable=False),
        replace(MEMBER_KEY, comment="Member who checked in"),
        Column("location_id", STRING, "Location checked in at", nullable=False),
        Column("checkin_at", TIMESTAMP, "Instant of the check-in (UTC)", nullable=False),
        Column("checkin_local_date", DATE, "Date at the site", nullable=False),
        Column("checkin_local_hour", INT, "Hour of day at the site, 0-23", nullable=False),
        Column("site_timezone", STRING, "IANA time zone of the site", nullable=False),
        Column("channel", STRING, "front_desk or app"),
        *ROW_LINEAGE,
    ),
    keys=("checkin_id",),
    # Not partitioned: a day holds ~700 check-ins at the small scale, and even years of a large chain
    # stay far below the ~1 TB where Databricks advises partitioning; daily folders would only make
    # thousands of tiny files.
    expectations=(in_set("channel", CHANNELS),),
    foreign_keys=(references("member_key", "silver.members"),),
    parse_rules=(
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        parsed("checkin_local_time", raw="checkin_time_text"),
        known_timezone("site_timezone"),
    ),
    keep=FIRST_DELIVERY,
)

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER,))


def transform(checkins_raw: DataFrame, member_pii: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        checkins_raw,
        *texts("checkin_id", "member_id", "location_id", "site_timezone"),
        to_timestamp("checkin_time").alias("checkin_local_time"),
        F.lower(text("channel")).alias("channel"),
        text("checkin_time").alias("checkin_time_text"),
    )
    typed = with_member_key(parsed_rows, member_pii).select(
        "*",
        local_to_utc(F.col("checkin_local_time"), "site_timezone").alias("checkin_at"),
        F.to_date("checkin_local_time").alias("checkin_local_date"),
        F.hour("checkin_local_time").alias("checkin_local_hour"),
    )
    return conform(typed, CONTRACT)
