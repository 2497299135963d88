"""Wearable minutes: one row per member and minute of Fitbit-style data, in UTC, for consenting members only.

The export names a device, not a member, and writes the wearer's local wall-clock time. The device
resolves to the member who held it on that day (silver.linked_accounts: a device is a Fitbit account) and the
member to their home site's time zone (silver.members, silver.locations). The device id is an identifier of its
own, so only the member's pseudonym is kept.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    DATE,
    DOUBLE,
    FIRST_DELIVERY,
    INT,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
    between,
    not_null,
    parsed,
    references,
    rule,
)
from fitlake.privacy import Secrets, decrypt, pseudonym
from fitlake.quality import conform, from_bronze
from silver._lookups import lookup
from silver._parsing import local_to_utc, text, to_double, to_int, to_timestamp
from silver._research import CONSENT, account_holders, has_consent, known_account, with_account_holder
from silver.members import MEMBER_KEY

RESEARCH_DATA = True

FITBIT_MINUTE = "M/d/yyyy h:mm:ss a"  # 1/5/2025 6:14:00 AM
# Typed column -> the Fitbit field it is read from (kept as `<column>_text` for the parse rules).
SOURCE_FIELDS = {
    "minute_local_time": "ActivityMinute",
    "steps": "Steps",
    "calories": "Calories",
    "intensity": "Intensity",
    "mets": "METs",
    "heart_rate": "HeartRate",
    "sleep_state": "SleepValue",
}

INPUTS = ("bronze.wearables_raw", "silver.linked_accounts", "silver.members", "silver.locations")

CONTRACT = TableContract(
    name="silver.wearable_minutes",
    comment="One row per member and minute of wearable data, deduplicated; instants in UTC. Research data: "
    "only minutes on or after the member's research consent date, while consent holds.",
    columns=(
        replace(MEMBER_KEY, comment="Member wearing the device"),
        Column("minute_at", TIMESTAMP, "Start of the minute (UTC)", nullable=False),
        Column("local_date", DATE, "Date where the member lives (home site's time zone)", nullable=False),
        Column("local_minute_of_day", INT, "Minute of the local day, 0-1439", nullable=False),
        Column("wearer_timezone", STRING, "IANA time zone of the member's home site", nullable=False),
        Column("steps", INT, "Steps in the minute", nullable=False),
        Column("calories", DOUBLE, "Energy spent in the minute, kcal", nullable=False),
        Column("intensity", INT, "0 sedentary, 1 light, 2 moderate, 3 very active", nullable=False),
        Column("mets", DOUBLE, "Metabolic equivalents (the export's METs / 10)", nullable=False),
        Column("heart_rate", INT, "Average heart rate in the minute, bpm; NULL while off the wrist"),
        Column("sleep_state", INT, "1 asleep, 2 restless, 3 awake in bed; NULL while up"),
        *ROW_LINEAGE,
    ),
    keys=("member_key", "minute_at"),
    # Not partitioned: about 0.5M rows a year per wearer in the panel, far below the ~1 TB where Databricks
    # advises partitioning.
    expectations=(
        between("intensity", 0, 3),
        # Ranges a body can produce: sprinters' cadence stays under 300 steps a minute; resting hearts go
        # down to ~30 in trained athletes and maximal ones up to ~220; a whole minute at the limit of an
        # elite endurance athlete is ~25 METs and ~30 kcal.
        between("steps", 0, 300),
        between("heart_rate", 25, 250),
        between("mets", 0.5, 25),
        between("calories", 0, 30),
        between("sleep_state", 1, 3),
        # The hour the clocks skip in spring has no instants: its minutes would land on the next hour's.
        rule(
            "local_minute_exists",
            "CASE WHEN minute_at IS NULL OR wearer_timezone IS NULL OR local_minute_of_day IS NULL THEN TRUE"
            " ELSE hour(from_utc_timestamp(minute_at, wearer_timezone)) * 60"
            " + minute(from_utc_timestamp(minute_at, wearer_timezone)) = local_minute_of_day END",
        ),
    ),
    foreign_keys=(references("member_key", "silver.members"),),
    # A device nobody held that day is quarantined: withheld means a known member who has not consented.
    parse_rules=(
        not_null("wearable_device_id"),
        known_account("wearable_device_id", "minute_local_time"),
        *[parsed(c) for c in SOURCE_FIELDS],
    ),
    keep=FIRST_DELIVERY,
)


def wearers(linked_accounts: DataFrame, members: DataFrame, locations: DataFrame) -> DataFrame:
    """Per device (a Fitbit account) and period it was held: the member's pseudonym, research consent and home
    time zone."""
    holders = account_holders(linked_accounts, members, "fitbit", member_columns=("home_location_id",))
    return lookup(holders, locations, ("home_location_id", "location_id"), {"timezone": "wearer_timezone"})


def transform(
    wearables_raw: DataFrame,
    linked_accounts: DataFrame,
    members: DataFrame,
    locations: DataFrame,
    *,
    secrets: Secrets,
) -> DataFrame:
    # Decrypted once, in its own column: every use of an expression may evaluate it again.
    parsed_rows = from_bronze(
        wearables_raw.withColumn("Id", decrypt("Id", secrets.pii_key)),
        text("Id").alias("wearable_device_id"),
        to_timestamp("ActivityMinute", FITBIT_MINUTE).alias("minute_local_time"),
        to_int("Steps").alias("steps"),
        to_double("Calories").alias("calories"),
        to_int("Intensity").alias("intensity"),
        (to_double("METs") / 10).alias("mets"),
        to_int("HeartRate").alias("heart_rate"),
        to_int("SleepValue").alias("sleep_state"),
        *[text(field).alias(f"{c}_text") for c, field in SOURCE_FIELDS.items()],
    )
    by_device = wearers(linked_accounts, members, locations)
    device = pseudonym("wearable_device_id", secrets.pseudonym_salt)
    taken = ("member_key", *CONSENT, "wearer_timezone")
    typed = with_account_holder(parsed_rows, by_device, device, F.to_date("minute_local_time"), {c: c for c in taken})
    local = F.col("minute_local_time")
    typed = typed.select(
        "*",
        local_to_utc(local, "wearer_timezone").alias("minute_at"),
        F.to_date(local).alias("local_date"),
        (F.hour(local) * 60 + F.minute(local)).alias("local_minute_of_day"),
    )
    # A device re-sends minutes it already sent: the first delivery wins.
    return conform(typed, CONTRACT, consented=has_consent(F.col("local_date")))
