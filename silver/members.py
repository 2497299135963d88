"""Members: the latest exported state of each member, known by a pseudonym.

The studio system's member number, name, e-mail and phone go to `silver.member_pii` only; every other
table knows a member by `member_key`, a salted sha2 of the member number (fitlake.privacy).
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    BOOLEAN,
    DATE,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
    between,
    decimal,
    in_set,
    latest_by,
    parsed,
    rule,
)
from fitlake.privacy import Secrets, decrypt, pseudonym
from fitlake.quality import conform, from_bronze
from silver._parsing import text, texts, to_boolean, to_date, to_decimal, to_timestamp

PLANS = ("basic", "plus", "elite")
BILLING_PERIODS = ("monthly", "annual")
STATUSES = ("active", "frozen", "cancelled")

INPUTS = ("bronze.members_raw",)

MEMBER_KEY = Column("member_key", STRING, "Pseudonym of the member: salted sha2 of the member number", nullable=False)

CONTRACT = TableContract(
    name="silver.members",
    comment="One row per member: the most recently exported state. No member number, name, e-mail or phone.",
    columns=(
        MEMBER_KEY,
        Column("home_location_id", STRING, "Location the member signed up at", nullable=False),
        Column("plan", STRING, "Membership plan: basic, plus or elite", nullable=False),
        Column("billing_period", STRING, "monthly or annual", nullable=False),
        Column("monthly_fee", decimal(8, 2), "Fee per month in USD", nullable=False),
        Column("join_date", DATE, "Date the membership started", nullable=False),
        Column("status", STRING, "active, frozen or cancelled", nullable=False),
        Column("cancel_date", DATE, "Date the membership ended; NULL while active"),
        Column("marketing_consent", BOOLEAN, "The member agreed to marketing e-mail", nullable=False),
        Column("research_consent", BOOLEAN, "The member lets wearable and workout data be used", nullable=False),
        Column("research_consent_date", DATE, "Date research consent was given, while it holds"),
        Column("has_wearable", BOOLEAN, "A wearable device is linked to the membership", nullable=False),
        Column("exported_at", TIMESTAMP, "When the studio system exported this state (UTC)", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("member_key",),
    expectations=(
        in_set("plan", PLANS),
        in_set("billing_period", BILLING_PERIODS),
        in_set("status", STATUSES),
        between("monthly_fee", 0, 1000),
        rule("cancel_date_iff_cancelled", "(status = 'cancelled') = (cancel_date IS NOT NULL)"),
        rule("cancel_date_not_before_join_date", "cancel_date IS NULL OR cancel_date >= join_date"),
        rule("research_consent_date_iff_consent", "research_consent = (research_consent_date IS NOT NULL)"),
    ),
    parse_rules=(
        parsed("monthly_fee"),
        parsed("join_date"),
        parsed("cancel_date"),
        parsed("exported_at"),
        parsed("marketing_consent"),
        parsed("research_consent"),
        parsed("research_consent_date"),
    ),
    # A member appears in every export that changed them: the latest export is their current state.
    keep=latest_by("exported_at", "the latest export of a member is their current state"),
)


TYPED_FROM_TEXT = {
    "monthly_fee": lambda c: to_decimal(c, 8, 2),
    "join_date": to_date,
    "cancel_date": to_date,
    "exported_at": to_timestamp,
    "marketing_consent": to_boolean,
    "research_consent": to_boolean,
    "research_consent_date": to_date,
}


def snapshots(members_raw: DataFrame, secrets: Secrets) -> DataFrame:
    """Every exported state, typed, with the member's contact details decrypted (for silver.member_pii)."""
    member_id = text("member_id")
    return from_bronze(
        members_raw,
        pseudonym(member_id, secrets.pseudonym_salt).alias("member_key"),
        member_id.alias("member_id"),
        *[F.trim(decrypt(c, secrets.pii_key)).alias(c) for c in ("first_name", "last_name", "email", "phone")],
        F.trim(decrypt("wearable_device_id", secrets.pii_key)).alias("wearable_device_id"),
        *texts("home_location_id"),
        F.lower(text("plan")).alias("plan"),
        F.lower(text("billing_period")).alias("billing_period"),
        F.lower(text("status")).alias("status"),
        *[parse(c).alias(c) for c, parse in TYPED_FROM_TEXT.items()],
        *[text(c).alias(f"{c}_text") for c in TYPED_FROM_TEXT],
        F.col("wearable_device_id").isNotNull().alias("has_wearable"),
    )


def transform(members_raw: DataFrame, *, secrets: Secrets) -> DataFrame:
    return conform(snapshots(members_raw, secrets), CONTRACT)
