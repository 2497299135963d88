"""Equipment sessions: one row per session on a connected machine, as the vendor's cloud reports it (UTC)."""

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
    decimal,
    in_set,
    not_null,
    parsed,
    references,
)
from fitlake.quality import conform, from_bronze
from silver._lookups import MEMBER, known, lookup, site, with_member_key
from silver._parsing import text, texts, to_decimal, to_int, utc_iso_to_timestamp, utc_to_local
from silver.members import MEMBER_KEY

MACHINE_TYPES = ("treadmill", "rower", "bike", "elliptical", "chest_press", "leg_press", "lat_pulldown")

INPUTS = ("bronze.equipment_sessions_raw", "silver.member_pii", "silver.locations")

CONTRACT = TableContract(
    name="silver.equipment_sessions",
    comment="One row per session on a connected machine, deduplicated on session_id; instants in UTC.",
    columns=(
        Column("session_id", STRING, "Session number in the vendor's cloud", nullable=False),
        replace(MEMBER_KEY, comment="Member logged in on the machine"),
        Column("machine_id", STRING, "Machine: <site>-<machine code>-<unit>, e.g. BKN-TRD-03", nullable=False),
        Column("machine_type", STRING, ", ".join(MACHINE_TYPES), nullable=False),
        Column("location_id", STRING, "Location of the machine: the site part of machine_id", nullable=False),
        Column("started_at", TIMESTAMP, "Instant the session started (UTC)", nullable=False),
        Column("started_local_date", DATE, "Date at the site when the session started", nullable=False),
        Column("duration_seconds", INT, "Seconds on the machine", nullable=False),
        Column("reps", INT, "Repetitions (strength machines; 0 on cardio)"),
        Column("distance_m", INT, "Metres covered (cardio machines; 0 on strength)"),
        Column("kcal", decimal(7, 1), "Energy the machine estimates was burned, kcal"),
        *ROW_LINEAGE,
    ),
    keys=("session_id",),
    # Ranges a real session stays in: four hours on one machine, a marathon's distance, a day's energy.
    expectations=(
        in_set("machine_type", MACHINE_TYPES),
        between("duration_seconds", 1, 4 * 3600),
        between("reps", 0, 2000),
        between("distance_m", 0, 42195),
        between("kcal", 0, 5000),
    ),
    foreign_keys=(references("member_key", "silver.members"), references("location_id", "silver.locations")),
    parse_rules=(
        not_null("machine_id"),
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        known("location_id", "site_timezone", "silver.locations", derived=("started_local_date",)),
        parsed("started_at"),
        parsed("duration_seconds"),
        parsed("reps"),
        parsed("distance_m"),
        parsed("kcal"),
    ),
    keep=FIRST_DELIVERY,
)

# Measures the vendor sends as whole numbers.
INTEGER_MEASURES = ("duration_seconds", "reps", "distance_m")

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER, site("timezone")))


def transform(equipment_sessions_raw: DataFrame, member_pii: DataFrame, locations: DataFrame) -> DataFrame:
    machine_id = text("machine_id")
    parsed_rows = from_bronze(
        equipment_sessions_raw,
        *texts("session_id", "member_id"),
        machine_id.alias("machine_id"),
        F.lower(text("machine_type")).alias("machine_type"),
        # The vendor names a machine <site>-<code>-<unit>: its site is the location.
        F.when(machine_id.contains("-"), F.substring_index(machine_id, "-", 1)).alias("location_id"),
        utc_iso_to_timestamp("started_at").alias("started_at"),
        *[to_int(c).alias(c) for c in INTEGER_MEASURES],
        to_decimal("kcal", 7, 1).alias("kcal"),
        *[text(c).alias(f"{c}_text") for c in ("started_at", *INTEGER_MEASURES, "kcal")],
    )
    with_site = lookup(
        with_member_key(parsed_rows, member_pii),
        locations,
        ("location_id", "location_id"),
        {"timezone": "site_timezone"},
    )
    typed = with_site.withColumn("started_local_date", F.to_date(utc_to_local(F.col("started_at"), "site_timezone")))
    # The first delivery of a session wins; later copies are re-sent lines.
    return conform(typed, CONTRACT)
