"""Workouts: one row per logged workout in metric units, for consenting members only.

MapMyRun exports miles or km as the account is set (`Distance (mi)` or `Distance (km)`, paces per mile or per km),
dates as "Jan. 5, 2025", through Garmin's connector durations as h:mm:ss, and 0 for a measure it has no data for
(the pace and speed of an indoor workout, a heart rate without a monitor, the time of a workout logged by hand).
Each measure becomes one column in one unit whatever the file's: km, min/km, km/h, kcal, bpm; 0 for "no data"
becomes NULL, not a value and not a violation. Members type their e-mail or phone into notes: the note is kept
with them redacted.

A workout is known by a pseudonym of its MapMyRun number (`workout_key`, salted like `member_key`), never by
the number: the number is the end of the workout's public URL, which opens the member's route map, the very
link Bronze encrypts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    BOOLEAN,
    DATE,
    DOUBLE,
    FIRST_DELIVERY,
    INT,
    ROW_LINEAGE,
    STRING,
    Column,
    TableContract,
    between,
    parsed,
    references,
    rule,
)
from fitlake.privacy import Secrets, decrypt, has_contact_details, pseudonym, redact_contact_details
from fitlake.quality import conform, from_bronze
from silver._lookups import lookup
from silver._parsing import (
    bytes_literal_text,
    text,
    texts,
    to_date_with_month_name,
    to_double,
    to_duration_seconds,
    to_int,
)
from silver._research import (
    CONSENT,
    account_holders,
    has_consent,
    known_account,
    research_subjects,
    with_account_holder,
)
from silver.members import MEMBER_KEY

RESEARCH_DATA = True

KM_PER_MILE = 1.609344
# The workout id is the last path segment of the workout's URL: .../workout/3925200001
WORKOUT_URL = r"/workout/([0-9]{1,18})/?$"

# (from km, min/km): just under the fastest average pace ever run on foot over that distance or more: the mile
# (2.32 min/km; shorter sprints are no workouts), 10 km (2.62), half marathon (2.72), 25 km to marathon (2.85+).
RECORD_PACE = ((25, 2.8), (21, 2.7), (10, 2.6), (0, 2.3))  # longest first

# Activity types (as the app wrote them, lower case) done on foot: run, walk, hike, jog, treadmill, in any of the
# app's names ("Indoor Run / Jog", "Dog Walk", "Trail Run"). Only these are judged by running paces, here and in
# gold.workout_classification; a bike ride at 25 km/h is a ride, not a world-record run.
ON_FOOT = r"(^|[^a-z])(run|running|jog|jogging|walk|walking|hike|hiking|treadmill)([^a-z]|$)"

SECONDS_PER_DAY = 86_400

INPUTS = ("bronze.workouts_raw", "silver.member_pii", "silver.members", "silver.linked_accounts")

# A MapMyRun export as people download it has no member id: `fitlake import mapmyrun` names its landing file after
# the member or the MapMyRun account it is of (fitlake/mapmyrun_import.py), `mapmyrun-member-M000042-<hash>.csv` or
# `mapmyrun-account-<account_key>-<hash>.csv`: the account by its pseudonym (silver.linked_accounts' account_key),
# since the file name is the `_source_file` lineage of every row, and an account id would identify its holder.
IMPORTED_EXPORT = r"(^|/)mapmyrun-(member|account)-([^/]+)-[0-9a-f]{16}\.[A-Za-z0-9]+$"


def imported_export_stem(kind: str, owner: str) -> str:
    """The stem `fitlake import mapmyrun` names a landing file by (landing_import adds the hash): `kind` member and a
    member id, or account and an account_key; IMPORTED_EXPORT reads them back."""
    return f"mapmyrun-{kind}-{owner}"


# Typed column -> the Bronze columns it is read from (the text kept as `<column>_text` for the parse rules).
SOURCE_FIELDS = {
    "workout_key": ("Link",),
    "workout_date": ("workout_date",),
    "submitted_date": ("date_submitted",),
    "duration_seconds": ("workout_time_seconds",),
    "distance_km": ("distance_km", "distance_mi"),
    "avg_pace_min_per_km": ("avg_pace_min_km", "avg_pace_min_mi"),
    "max_pace_min_per_km": ("max_pace_min_km", "max_pace_min_mi", "max_pace"),
    "avg_speed_kmh": ("avg_speed_km_h", "avg_speed_mi_h"),
    "max_speed_kmh": ("max_speed_km_h", "max_speed_mi_h", "max_speed"),
    "calories": ("calories_burned_kcal",),
    "avg_heart_rate": ("avg_heart_rate",),
    "steps": ("Steps",),
}
# Measures for which MapMyRun writes 0 when it has no data: read into `<column>_read`, then 0 becomes NULL.
NO_DATA_AS_ZERO = ("duration_seconds", "avg_pace_min_per_km", "max_pace_min_per_km", "avg_speed_kmh", "max_speed_kmh",
                   "avg_heart_rate")  # fmt: skip

CONTRACT = TableContract(
    name="silver.workouts",
    comment="One row per logged workout (runs, walks, rides, ...), deduplicated on workout_key, in metric units: km, "
    "min/km, km/h, kcal, bpm. Research data: only workouts on or after the member's research consent date, while "
    "consent holds.",
    columns=(
        Column(
            "workout_key",
            STRING,
            "Workout pseudonym: sha2 of the pseudonym salt and the MapMyRun workout number (the number itself "
            "would rebuild the workout's public URL, with its route map)",
            nullable=False,
        ),
        replace(MEMBER_KEY, comment="Member who logged the workout"),
        Column("workout_date", DATE, "Date of the workout", nullable=False),
        Column("submitted_date", DATE, "Date the workout was uploaded", nullable=False),
        Column(
            "activity_type",
            STRING,
            "Activity the member picked, as the app wrote it in lower case, e.g. run, walk, bike ride, dog walk",
            nullable=False,
        ),
        Column(
            "on_foot",
            BOOLEAN,
            "The activity is done on foot (a run, jog, walk, hike or treadmill workout): only these are judged by "
            "running paces",
            nullable=False,
        ),
        Column("duration_seconds", INT, "Duration of the workout, seconds; NULL when none was recorded (exported 0)"),
        Column("distance_km", DOUBLE, "Distance, km; 0 for an indoor workout"),
        Column("avg_pace_min_per_km", DOUBLE, "Average pace, min/km; NULL without a distance or a duration"),
        Column(
            "max_pace_min_per_km",
            DOUBLE,
            "Fastest pace, min/km (the smallest value), as the app measured it: GPS spikes included; NULL without data",
        ),
        Column("avg_speed_kmh", DOUBLE, "Average speed, km/h; NULL without a distance or a duration"),
        Column(
            "max_speed_kmh", DOUBLE, "Top speed, km/h, as the app measured it: GPS spikes included; NULL without data"
        ),
        Column("calories", INT, "Energy spent, kcal"),
        Column("avg_heart_rate", INT, "Average heart rate, bpm; NULL without a monitor (exported 0 or empty)"),
        Column("steps", INT, "Steps in the workout"),
        Column("note", STRING, "Free text the member typed, e-mail addresses and phone numbers redacted"),
        Column("note_redacted", BOOLEAN, "Contact details were removed from the note", nullable=False),
        Column("source", STRING, "App or connector that recorded the workout, e.g. Garmin Connect"),
        *ROW_LINEAGE,
    ),
    keys=("workout_key",),
    expectations=(
        # The app left running for a day or more: no workout lasts that long (ultra races are shorter).
        rule("lasts_under_a_day", f"duration_seconds IS NULL OR duration_seconds < {SECONDS_PER_DAY}"),
        between("distance_km", 0, 300),
        between("avg_heart_rate", 25, 250),
        between("calories", 0, 15_000),
        between("steps", 0, 250_000),
        rule("workout_not_after_submission", "workout_date <= submitted_date"),
        # Holds on every row of the three real exports (1,597 workouts), where it is measured at all. The fastest
        # pace itself has no bound: real ones of 0.48 min/km (125 km/h) are one GPS jump in a good run, and judging
        # them would lose the run for a number nobody uses.
        rule(
            "max_pace_not_slower_than_avg",
            "max_pace_min_per_km IS NULL OR avg_pace_min_per_km IS NULL OR max_pace_min_per_km <= avg_pace_min_per_km",
        ),
        # On foot, faster than the world record for the distance is a GPS glitch or a car ride logged as a run.
        rule(
            "pace_humanly_possible",
            "NOT on_foot OR avg_pace_min_per_km IS NULL OR distance_km IS NULL OR avg_pace_min_per_km >= CASE "
            + " ".join(f"WHEN distance_km >= {km} THEN {pace}" for km, pace in RECORD_PACE[:-1])
            + f" ELSE {RECORD_PACE[-1][1]} END",
        ),
    ),
    foreign_keys=(references("member_key", "silver.members"),),
    # Data of an account nobody held that day is quarantined: withheld means a known member who has not consented.
    # A member number silver.member_pii lacks is still withheld: it may be a member whose record is quarantined.
    parse_rules=(
        rule("owner_named", "member_id IS NOT NULL OR account_key IS NOT NULL"),
        known_account("account_key", "workout_date"),
        *[parsed(c, read=f"{c}_read" if c in NO_DATA_AS_ZERO else None) for c in SOURCE_FIELDS],
    ),
    keep=FIRST_DELIVERY,
)


def _miles_to_km(value: SparkColumn) -> SparkColumn:
    return value * KM_PER_MILE


def _per_mile_to_per_km(value: SparkColumn) -> SparkColumn:
    return value / KM_PER_MILE


def _in_metric(km: str, mi: str, from_miles: Callable[[SparkColumn], SparkColumn], unitless: str = "") -> SparkColumn:
    """A measure from whichever column the file has: its km column, its miles column converted, or (the 2017
    header's `Max Pace`, `Max Speed`) its unit-less one. That one is read in the unit of the row's distance: the
    only header known to write it is imperial, and there 60 / Max Pace equals Max Speed and both sit beside the
    miles columns on every row (a Max Pace of 5.84 beside an Avg Pace of 8.00 min/mi), so they are min/mi and mi/h;
    a metric file writing it would put it beside km."""
    read = [to_double(km), from_miles(to_double(mi))]
    if unitless:
        value = to_double(unitless)
        read.append(F.when(F.col("distance_km").isNotNull(), value).otherwise(from_miles(value)))
    return F.coalesce(*read)


def _measured(column: str, digits: int, moving: SparkColumn | None = None) -> SparkColumn:
    """A measure read as `<column>_read`, NULL where the app wrote 0 for no data (or, for a pace or speed, where
    the workout has no distance or no duration to have one)."""
    value = F.col(f"{column}_read")
    present = value > 0 if moving is None else (value > 0) & moving
    return F.when(present, F.round(value, digits) if digits else value).alias(column)


def named_in_file(kind: str) -> SparkColumn:
    """The member id (`kind` member) or MapMyRun account pseudonym (account) an imported export's file name gives."""
    return F.when(
        F.regexp_extract("_source_file", IMPORTED_EXPORT, 2) == kind,
        F.regexp_extract("_source_file", IMPORTED_EXPORT, 3),
    )


def with_owner(rows: DataFrame, member_pii: DataFrame, members: DataFrame, linked_accounts: DataFrame) -> DataFrame:
    """The member a workout is of, with their research consent: by its member id (the app connector's, or the one
    its file name gives), else by the MapMyRun account its file name gives (`account_key`, kept for the rules), held
    by the member on the workout's date."""
    named = rows.withColumn("member_id", F.coalesce("member_id", named_in_file("member")))
    named = named.withColumn("account_key", F.when(F.col("member_id").isNull(), named_in_file("account")))
    resolved = ("member_key", *CONSENT)
    subjects = research_subjects(member_pii, members, "member_id")
    by_member = lookup(named, subjects, ("member_id", "member_id"), {c: c for c in resolved})
    holders = account_holders(linked_accounts, members, "mapmyrun")
    by_account = with_account_holder(
        by_member, holders, F.col("account_key"), F.col("workout_date"), {c: f"_account_{c}" for c in resolved}
    )
    return by_account.select(*named.columns, *[F.coalesce(c, f"_account_{c}").alias(c) for c in resolved])


def transform(
    workouts_raw: DataFrame,
    member_pii: DataFrame,
    members: DataFrame,
    linked_accounts: DataFrame,
    *,
    secrets: Secrets,
) -> DataFrame:
    # Decrypted once, in their own columns: every use of an expression may evaluate it again.
    clear = workouts_raw.withColumns({c: decrypt(c, secrets.pii_key) for c in ("Link", "Notes")})
    link = text("Link")
    parsed_rows = from_bronze(
        clear,
        *texts("member_id"),
        # Read as a number (no leading zeros), so a re-sent workout gets the same pseudonym.
        F.when(link.rlike(WORKOUT_URL), F.regexp_extract(link, WORKOUT_URL, 1).try_cast("bigint")).alias(
            "workout_number"
        ),
        to_date_with_month_name("workout_date").alias("workout_date"),
        to_date_with_month_name("date_submitted").alias("submitted_date"),
        F.lower(text("activity_type")).alias("activity_type"),
        to_duration_seconds("workout_time_seconds").alias("duration_seconds_read"),
        F.round(_in_metric("distance_km", "distance_mi", _miles_to_km), 3).alias("distance_km"),
        _in_metric("avg_pace_min_km", "avg_pace_min_mi", _per_mile_to_per_km).alias("avg_pace_min_per_km_read"),
        _in_metric("max_pace_min_km", "max_pace_min_mi", _per_mile_to_per_km, "max_pace").alias(
            "max_pace_min_per_km_read"
        ),
        _in_metric("avg_speed_km_h", "avg_speed_mi_h", _miles_to_km).alias("avg_speed_kmh_read"),
        _in_metric("max_speed_km_h", "max_speed_mi_h", _miles_to_km, "max_speed").alias("max_speed_kmh_read"),
        to_int("calories_burned_kcal").alias("calories"),
        to_int("avg_heart_rate").alias("avg_heart_rate_read"),
        to_int("Steps").alias("steps"),
        bytes_literal_text("Notes").alias("clear_note"),
        text("Source").alias("source"),
        *[F.coalesce(*[text(f) for f in fields]).alias(f"{c}_text") for c, fields in SOURCE_FIELDS.items()],
    )
    # A pace or a speed needs a distance and a time: an indoor workout (0 km) has neither, whatever was exported.
    moving = (F.col("distance_km") > 0) & (F.col("duration_seconds_read") > 0)
    typed = with_owner(parsed_rows, member_pii, members, linked_accounts).select(
        "*",
        pseudonym(F.col("workout_number").cast("string"), secrets.pseudonym_salt).alias("workout_key"),
        F.coalesce(F.col("activity_type").rlike(ON_FOOT), F.lit(False)).alias("on_foot"),
        _measured("duration_seconds", 0),
        _measured("avg_pace_min_per_km", 3, moving),
        _measured("max_pace_min_per_km", 3, moving),
        _measured("avg_speed_kmh", 2, moving),
        _measured("max_speed_kmh", 2, moving),
        _measured("avg_heart_rate", 0),
        redact_contact_details("clear_note").alias("note"),
        F.coalesce(has_contact_details("clear_note"), F.lit(False)).alias("note_redacted"),
    )
    # A connector re-sends workouts it already sent, a member downloads the same history again: the first delivery
    # wins, and a bad row sent again is a duplicate of the one already in quarantine (fitlake.quality).
    return conform(typed, CONTRACT, consented=has_consent(F.col("workout_date")))
