"""Member PII: the one table holding a member's number, name, e-mail, phone and device id in the clear.

Built from the same conformed exports as silver.members (same quarantine, same latest state), so the two
always hold the same members. Analysts have no grant on it (terraform/grants.tf); pipelines use it to
turn a source's member number or device id into the member's pseudonym.
"""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import ROW_LINEAGE, STRING, TIMESTAMP, Column, TableContract
from fitlake.privacy import Secrets
from silver import members

INPUTS = members.INPUTS

CONTRACT = TableContract(
    name="silver.member_pii",
    comment="Member number and contact details per member pseudonym. Restricted: personal data.",
    columns=(
        members.MEMBER_KEY,
        Column("member_id", STRING, "Member number in the studio system", nullable=False, pii=True),
        Column("first_name", STRING, "Given name", pii=True),
        Column("last_name", STRING, "Family name", pii=True),
        Column("email", STRING, "E-mail address", pii=True),
        Column("phone", STRING, "Phone number as typed", pii=True),
        Column("wearable_device_id", STRING, "Fitbit user id of the member's linked wearable", pii=True),
        Column("exported_at", TIMESTAMP, "When the studio system exported these details (UTC)", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("member_key",),
    judged_by=members.CONTRACT.name,
)


def transform(members_raw: DataFrame, *, secrets: Secrets) -> DataFrame:
    return members.transform(members_raw, secrets=secrets)
