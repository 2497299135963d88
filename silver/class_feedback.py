"""Class feedback: one row per answer to the post-class survey, its stars and comment, about one class session.

An answer whose member the attendance export does not show at the class is kept and flagged
(`attendance_on_record` false), not quarantined. The answer itself is sound: a known member, a known session,
a rating on the scale. Attendance is another export, which lands late, loses lines to truncated files and has
its damaged lines quarantined; quarantining here would make the survey depend on that export's defects, and
the rebuild after a late file would take the answer back anyway. The flag lets Gold and analysts count it
either way.

The comment is free text a member typed, so Bronze keeps it encrypted; here it is decrypted only to replace any
e-mail address or phone number in it with `[redacted]` (`comment_redacted` says so).
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    BOOLEAN,
    DATE,
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
)
from fitlake.privacy import Secrets, decrypt, has_contact_details, redact_contact_details
from fitlake.quality import conform, from_bronze
from silver._lookups import known, with_known_session, with_member_key
from silver._parsing import known_timezone, local_to_utc, text, texts, to_int, to_timestamp
from silver.members import MEMBER_KEY

INPUTS = ("bronze.class_feedback_raw", "silver.member_pii", "silver.class_sessions", "silver.booking_events")

CONTRACT = TableContract(
    name="silver.class_feedback",
    comment="One row per post-class survey answer, deduplicated on response_id; submitted in UTC; contact details "
    "redacted from comments.",
    columns=(
        Column("response_id", STRING, "Answer number in the survey tool", nullable=False),
        Column("session_id", STRING, "Class session the answer is about", nullable=False),
        replace(MEMBER_KEY, comment="Member who answered"),
        Column("rating", INT, "Stars given: 1 (worst) to 5 (best)", nullable=False),
        Column("comment", STRING, "Free-text comment, with e-mail addresses and phone numbers replaced by [redacted]"),
        Column("comment_redacted", BOOLEAN, "Contact details were removed from the comment", nullable=False),
        Column("submitted_at", TIMESTAMP, "Instant the answer was submitted (UTC)", nullable=False),
        Column("submitted_local_date", DATE, "Date of the answer at the class's site", nullable=False),
        Column("site_timezone", STRING, "IANA time zone of the class's site", nullable=False),
        Column(
            "attendance_on_record",
            BOOLEAN,
            "silver.booking_events has the member attending the session; an answer without is kept all the same",
            nullable=False,
        ),
        *ROW_LINEAGE,
    ),
    keys=("response_id",),
    expectations=(between("rating", 1, 5),),
    foreign_keys=(
        references("member_key", "silver.members"),
        references("session_id", "silver.class_sessions"),
    ),
    parse_rules=(
        not_null("member_id"),
        known("member_id", "member_key", "silver.members"),
        known("session_id", "known_session_id", "silver.class_sessions"),
        parsed("rating"),
        parsed("submitted_local_time", raw="submitted_at_text"),
        known_timezone("site_timezone"),
    ),
    keep=FIRST_DELIVERY,
)


def _attended(booking_events: DataFrame) -> DataFrame:
    """(session, member) pairs with an attendance on record; a member booked twice into a class counts once."""
    came = booking_events.filter(F.col("status") == "attended")
    return came.select("session_id", "member_key", F.lit(True).alias("attendance_on_record")).distinct()


def transform(
    class_feedback_raw: DataFrame,
    member_pii: DataFrame,
    class_sessions: DataFrame,
    booking_events: DataFrame,
    *,
    secrets: Secrets,
) -> DataFrame:
    comment = text("comment_text")
    parsed_rows = from_bronze(
        class_feedback_raw.withColumn("comment_text", decrypt("comment", secrets.pii_key)),
        *texts("response_id", "session_id", "member_id", "site_timezone"),
        to_int("rating").alias("rating"),
        redact_contact_details(comment).alias("comment"),
        F.coalesce(has_contact_details(comment), F.lit(False)).alias("comment_redacted"),
        to_timestamp("submitted_at").alias("submitted_local_time"),
        *[text(c).alias(f"{c}_text") for c in ("rating", "submitted_at")],
    )
    resolved = with_known_session(with_member_key(parsed_rows, member_pii), class_sessions)
    typed = resolved.join(_attended(booking_events), ["session_id", "member_key"], "left").select(
        *resolved.columns,
        F.coalesce("attendance_on_record", F.lit(False)).alias("attendance_on_record"),
        local_to_utc(F.col("submitted_local_time"), "site_timezone").alias("submitted_at"),
        F.to_date("submitted_local_time").alias("submitted_local_date"),
    )
    return conform(typed, CONTRACT)
