"""Workouts: one row per logged outdoor workout in metric units, for consenting members only.

MapMyRun exports miles and minutes per mile, dates as "Jan. 5, 2025", and, through Garmin's connector,
durations as h:mm:ss. Members type their e-mail or phone into notes: the note is kept with them redacted.

A workout is known by a pseudonym of its MapMyRun number (`workout_key`, salted like `member_key`), never by
the number: the number is the end of the workout's public URL, which opens the member's route map, the very
link Bronze encrypts.
"""

from __future__ import annotations

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
from silver._parsing import text, texts, to_date_with_month_name, to_double, to_duration_seconds, to_int
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

INPUTS = ("bronze.workouts_raw", "silver.member_pii", "silver.members", "silver.linked_accounts")

# A MapMyRun export as people download it has no member id: `fitlake import mapmyrun` names its landing file after
# the member or the MapMyRun account it is of (fitlake/landing_import.py), `mapmyrun-member-M000042-<hash>.csv` or
# `mapmyrun-account-123456789-<hash>.csv`.
IMPORTED_EXPORT = r"(^|/)mapmyrun-(member|account)-([^/]+)-[0-9a-f]{16}\.[A-Za-z0-9]+$"

# Typed column -> the MapMyRun field it is read from (kept as `<column>_text` for the parse rules).
SOURCE_FIELDS = {
    "workout_key": "Link",
    "workout_date": "workout_date",
    "submitted_date": "date_submitted",
    "duration_seconds": "workout_time_seconds",
    "distance_mi": "distance_mi",
    "avg_pace_min_mi": "avg_pace_min_mi",
    "max_pace_min_mi": "max_pace_min_mi",
    "avg_speed_mi_h": "avg_speed_mi_h",
    "calories": "calories_burned_kcal",
    "avg_heart_rate": "avg_heart_rate",
    "steps": "Steps",
}

CONTRACT = TableContract(
    name="silver.workouts",
    comment="One row per logged outdoor workout, deduplicated on workout_key, in metric units. Research data: "
    "only workouts on or after the member's research consent date, while consent holds.",
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
        Column("activity_type", STRING, "Activity the member picked, lower case, e.g. run, walk", nullable=False),
        Column("duration_seconds", INT, "Duration of the workout, seconds", nullable=False),
        Column("distance_km", DOUBLE, "Distance, km"),
        Column("avg_pace_min_per_km", DOUBLE, "Average pace, minutes per km"),
        Column("max_pace_min_per_km", DOUBLE, "Fastest pace, minutes per km (the smallest value)"),
        Column("avg_speed_kmh", DOUBLE, "Average speed, km/h"),
        Column("calories", INT, "Energy spent, kcal"),
        Column("avg_heart_rate", INT, "Average heart rate, bpm"),
        Column("steps", INT, "Steps in the workout"),
        Column("note", STRING, "Free text the member typed, e-mail addresses and phone numbers redacted"),
        Column("note_redacted", BOOLEAN, "Contact details were removed from the note", nullable=False),
        Column("source", STRING, "App or connector that recorded the workout, e.g. Garmin Connect"),
        *ROW_LINEAGE,
    ),
    keys=("workout_key",),
    expectations=(
        # A workout the app was left running for a whole day is not a workout; ultra races are shorter.
        between("duration_seconds", 1, 86_400),
        between("distance_km", 0, 300),
        between("avg_heart_rate", 25, 250),
        between("calories", 0, 15_000),
        between("steps", 0, 250_000),
        rule("workout_not_after_submission", "workout_date <= submitted_date"),
        rule("max_pace_not_slower_than_avg", "max_pace_min_per_km <= avg_pace_min_per_km"),
        # Faster than the world record for the distance is a GPS glitch or a car ride logged as a run, never a run.
        rule(
            "pace_humanly_possible",
            "avg_pace_min_per_km IS NULL OR distance_km IS NULL OR avg_pace_min_per_km >= CASE "
            + " ".join(f"WHEN distance_km >= {km} THEN {pace}" for km, pace in RECORD_PACE[:-1])
            + f" ELSE {RECORD_PACE[-1][1]} END",
        ),
    ),
    foreign_keys=(references("member_key", "silver.members"),),
    # Data of an account nobody held that day is quarantined: withheld means a known member who has not consented.
    # A member number silver.member_pii lacks is still withheld: it may be a member whose record is quarantined.
    parse_rules=(
        rule("owner_named", "member_id IS NOT NULL OR account_id IS NOT NULL"),
        known_account("account_id", "workout_date"),
        *[parsed(c) for c in SOURCE_FIELDS],
    ),
    keep=FIRST_DELIVERY,
)


def named_in_file(kind: str) -> SparkColumn:
    """The member id (`kind` member) or MapMyRun account id (account) an imported export's file name gives."""
    return F.when(
        F.regexp_extract("_source_file", IMPORTED_EXPORT, 2) == kind,
        F.regexp_extract("_source_file", IMPORTED_EXPORT, 3),
    )


def with_owner(
    rows: DataFrame, member_pii: DataFrame, members: DataFrame, linked_accounts: DataFrame, secrets: Secrets
) -> DataFrame:
    """The member a workout is of, with their research consent: by its member id (the app connector's, or the one
    its file name gives), else by the MapMyRun account its file name gives (`account_id`, kept for the rules), held
    by the member on the workout's date."""
    named = rows.withColumn("member_id", F.coalesce("member_id", named_in_file("member")))
    named = named.withColumn("account_id", F.when(F.col("member_id").isNull(), named_in_file("account")))
    resolved = ("member_key", *CONSENT)
    subjects = research_subjects(member_pii, members, "member_id")
    by_member = lookup(named, subjects, ("member_id", "member_id"), {c: c for c in resolved})
    holders = account_holders(linked_accounts, members, "mapmyrun")
    account = pseudonym("account_id", secrets.pseudonym_salt)
    by_account = with_account_holder(
        by_member, holders, account, F.col("workout_date"), {c: f"_account_{c}" for c in resolved}
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
        to_duration_seconds("workout_time_seconds").alias("duration_seconds"),
        *[to_double(c).alias(c) for c in ("distance_mi", "avg_pace_min_mi", "max_pace_min_mi", "avg_speed_mi_h")],
        to_int("calories_burned_kcal").alias("calories"),
        to_int("avg_heart_rate").alias("avg_heart_rate"),
        to_int("Steps").alias("steps"),
        text("Notes").alias("clear_note"),
        text("Source").alias("source"),
        *[text(field).alias(f"{c}_text") for c, field in SOURCE_FIELDS.items()],
    )
    typed = with_owner(parsed_rows, member_pii, members, linked_accounts, secrets).select(
        "*",
        pseudonym(F.col("workout_number").cast("string"), secrets.pseudonym_salt).alias("workout_key"),
        F.round(F.col("distance_mi") * KM_PER_MILE, 3).alias("distance_km"),
        F.round(F.col("avg_pace_min_mi") / KM_PER_MILE, 3).alias("avg_pace_min_per_km"),
        F.round(F.col("max_pace_min_mi") / KM_PER_MILE, 3).alias("max_pace_min_per_km"),
        F.round(F.col("avg_speed_mi_h") * KM_PER_MILE, 2).alias("avg_speed_kmh"),
        redact_contact_details("clear_note").alias("note"),
        F.coalesce(has_contact_details("clear_note"), F.lit(False)).alias("note_redacted"),
    )
    # A connector re-sends workouts it already sent: the first delivery wins.
    return conform(typed, CONTRACT, consented=has_consent(F.col("workout_date")))
