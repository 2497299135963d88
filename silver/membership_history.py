"""Membership history: every state a membership has been in (plan, fee, status, consents), SCD type 2.

Each exported state that changes a tracked attribute opens a version valid from its export until the
next one; fitlake.scd2 merges new versions in with a Delta MERGE, so history is never rewritten.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BOOLEAN, TIMESTAMP, Column, TableContract
from fitlake.privacy import Secrets
from fitlake.quality import QUARANTINE_REASON
from fitlake.scd2 import ScdType2
from silver import members

INPUTS = members.INPUTS

TRACKED = ("home_location_id", "plan", "billing_period", "monthly_fee", "status", "cancel_date",
           "marketing_consent", "research_consent")  # fmt: skip
HISTORY = ScdType2(key="member_key", tracked=TRACKED)

CONTRACT = TableContract(
    name="silver.membership_history",
    comment="One row per version of a membership: valid from one export of a changed state to the next.",
    columns=(
        members.MEMBER_KEY,
        *members.CONTRACT.pick(*TRACKED),
        Column("valid_from", TIMESTAMP, "Export that first showed this state (UTC)", nullable=False),
        Column("valid_to", TIMESTAMP, "Export that showed the next state (UTC); NULL for the current one"),
        Column("is_current", BOOLEAN, "This is the member's current version", nullable=False),
        *members.CONTRACT.pick("_source_file", "_line_number", "_batch_id"),
    ),
    keys=("member_key", "valid_from"),
)


def transform(members_raw: DataFrame, *, secrets: Secrets) -> DataFrame:
    """Every valid exported state (the ones silver.members accepts), one per member and export time."""
    flagged = members.transform(members_raw, secrets=secrets)
    valid = flagged.filter(F.col(QUARANTINE_REASON).isNull())
    states = valid.withColumnRenamed("exported_at", "valid_from").select(
        "member_key", *TRACKED, "valid_from", "_source_file", "_line_number", "_batch_id"
    )
    # Two copies of one export (a re-sent file) are one state.
    return states.dropDuplicates(["member_key", "valid_from"])
