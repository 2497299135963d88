"""Class sessions: one row per class on the timetable, its start in UTC and at the site, length and places.

The studio system exports each day's timetable; a session exported again (a substitute instructor, a
changed capacity) is taken in its latest state.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    DATE,
    INT,
    LATEST_DELIVERY,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
    between,
    parsed,
    references,
)
from fitlake.quality import conform, from_bronze
from silver._lookups import known, lookup
from silver._parsing import known_timezone, local_to_utc, text, texts, to_code, to_int, to_timestamp

# A class shorter than this or longer than this is a typing error in the timetable, not a class.
MIN_MINUTES, MAX_MINUTES = 10, 240
MAX_CAPACITY = 500

INPUTS = ("bronze.class_schedule_raw", "silver.locations", "silver.instructors")

CONTRACT = TableContract(
    name="silver.class_sessions",
    comment="One row per class session on the timetable: the latest exported state; start in UTC and at the site.",
    columns=(
        Column("session_id", STRING, "Class session id, <location>-<yyyymmdd>-<hhmm> in local time", nullable=False),
        Column("location_id", STRING, "Location the class runs at", nullable=False),
        Column("class_type", STRING, "Class type, lower case, e.g. spinning, yoga, hiit", nullable=False),
        Column("instructor_id", STRING, "Instructor teaching the class", nullable=False),
        Column("starts_at", TIMESTAMP, "Start of the class (UTC)", nullable=False),
        Column("start_local_date", DATE, "Date of the class at the site", nullable=False),
        Column("start_local_hour", INT, "Hour of day the class starts at the site, 0-23", nullable=False),
        Column("duration_minutes", INT, "Length of the class in minutes", nullable=False),
        Column("capacity", INT, "Places in the class", nullable=False),
        Column("site_timezone", STRING, "IANA time zone of the site", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("session_id",),
    expectations=(
        between("duration_minutes", MIN_MINUTES, MAX_MINUTES),
        between("capacity", 1, MAX_CAPACITY),
    ),
    foreign_keys=(
        references("location_id", "silver.locations"),
        references("instructor_id", "silver.instructors"),
    ),
    parse_rules=(
        known("location_id", "known_location_id", "silver.locations"),
        known("instructor_id", "known_instructor_id", "silver.instructors"),
        parsed("start_local_time", raw="start_time_text"),
        parsed("duration_minutes"),
        parsed("capacity"),
        known_timezone("site_timezone"),
    ),
    keep=LATEST_DELIVERY,
)


def transform(class_schedule_raw: DataFrame, locations: DataFrame, instructors: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        class_schedule_raw,
        *texts("session_id", "location_id", "instructor_id", "site_timezone"),
        to_code("class_type").alias("class_type"),
        to_timestamp("start_time").alias("start_local_time"),
        to_int("duration_minutes").alias("duration_minutes"),
        to_int("capacity").alias("capacity"),
        *[text(c).alias(f"{c}_text") for c in ("start_time", "duration_minutes", "capacity")],
    )
    at_location = lookup(parsed_rows, locations, ("location_id", "location_id"), {"location_id": "known_location_id"})
    resolved = lookup(
        at_location, instructors, ("instructor_id", "instructor_id"), {"instructor_id": "known_instructor_id"}
    )
    typed = resolved.select(
        "*",
        local_to_utc(F.col("start_local_time"), "site_timezone").alias("starts_at"),
        F.to_date("start_local_time").alias("start_local_date"),
        F.hour("start_local_time").alias("start_local_hour"),
    )
    return conform(typed, CONTRACT)
