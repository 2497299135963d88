"""Cancellations: one row per membership cancellation request, its reason and the member's note.

The note is free text a person typed, so Bronze keeps it encrypted; here it is decrypted only to replace any
e-mail address or phone number in it with `[redacted]` (`note_redacted` says so). The studio system's
cancellation number is `CX` + the member number, which would undo the member's pseudonym, so it is
replaced by a salted pseudonym of its own. The export has no time zone: the request's local time converts
through the time zone of the member's home location.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    BOOLEAN,
    DATE,
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
    rule,
)
from fitlake.privacy import Secrets, decrypt, has_contact_details, pseudonym, redact_contact_details
from fitlake.quality import conform, from_bronze
from silver._lookups import MEMBER, known, lookup, site, with_member_key
from silver._parsing import local_to_utc, text, texts, to_code, to_date, to_timestamp
from silver.members import MEMBER_KEY

# The reasons the studio system offers when a membership is cancelled.
REASONS = ("not_using", "cost", "moving", "injury_or_health", "switching_gym", "schedule", "other")

INPUTS = ("bronze.cancellations_raw", "silver.member_pii", "silver.locations")

CONTRACT = TableContract(
    name="silver.cancellations",
    comment="One row per cancellation request, deduplicated; request in UTC; contact details redacted from notes.",
    columns=(
        Column("cancellation_key", STRING, "Pseudonym of the cancellation: salted sha2 of its number", nullable=False),
        replace(MEMBER_KEY, comment="Member asking to cancel"),
        Column("location_id", STRING, "Member's home location", nullable=False),
        Column("requested_at", TIMESTAMP, "Instant of the request (UTC)", nullable=False),
        Column("requested_local_date", DATE, "Date of the request at the home location", nullable=False),
        Column("effective_date", DATE, "Date the membership ends", nullable=False),
        Column("reason", STRING, f"Reason for cancelling: {', '.join(REASONS)}", nullable=False),
        Column("note", STRING, "Free-text note, with e-mail addresses and phone numbers replaced by [redacted]"),
        Column("note_redacted", BOOLEAN, "Contact details were removed from the note", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("cancellation_key",),
    expectations=(
        in_set("reason", REASONS),
        rule("effective_not_before_request", "effective_date IS NULL OR effective_date >= requested_local_date"),
    ),
    foreign_keys=(
        references("member_key", "silver.members"),
        references("location_id", "silver.locations"),
    ),
    parse_rules=(
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        known("location_id", "known_location_id", "silver.locations", derived=("requested_at",)),
        parsed("requested_local_time", raw="requested_at_text"),
        parsed("effective_date"),
    ),
    keep=FIRST_DELIVERY,
)

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER, site("timezone")))


def transform(
    cancellations_raw: DataFrame, member_pii: DataFrame, locations: DataFrame, *, secrets: Secrets
) -> DataFrame:
    note = text("note_text")
    parsed_rows = from_bronze(
        cancellations_raw.withColumn("note_text", decrypt("notes", secrets.pii_key)),
        pseudonym(text("cancellation_id"), secrets.pseudonym_salt).alias("cancellation_key"),
        *texts("member_id", "location_id"),
        to_timestamp("requested_at").alias("requested_local_time"),
        to_date("effective_date").alias("effective_date"),
        to_code("reason").alias("reason"),
        redact_contact_details(note).alias("note"),
        F.coalesce(has_contact_details(note), F.lit(False)).alias("note_redacted"),
        *[text(c).alias(f"{c}_text") for c in ("requested_at", "effective_date")],
    )
    resolved = lookup(
        with_member_key(parsed_rows, member_pii),
        locations,
        ("location_id", "location_id"),
        {"location_id": "known_location_id", "timezone": "site_timezone"},
    )
    typed = resolved.select(
        "*",
        local_to_utc(F.col("requested_local_time"), "site_timezone").alias("requested_at"),
        F.to_date("requested_local_time").alias("requested_local_date"),
    )
    return conform(typed, CONTRACT)
