"""Members snapshot exported by the studio management system (Mindbody-style CSV).

The first day holds every member; later days hold members who joined or changed that day.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import DataFrame

from bronze._raw import raw_contract, to_bronze
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="members", format="csv")

CONTRACT = raw_contract(
    "bronze.members_raw",
    "Members snapshot CSV lines from the studio management system, as exported.",
    {
        "member_id": "Member number in the studio system",
        "first_name": "Given name (PII)",
        "last_name": "Family name (PII)",
        "email": "E-mail address (PII)",
        "phone": "Phone number (PII)",
        "home_location_id": "Location the member signed up at",
        "plan": "Membership plan: basic, plus or elite",
        "billing_period": "monthly or annual",
        "monthly_fee": "Fee per month in USD",
        "join_date": "Date the membership started, yyyy-MM-dd",
        "status": "active, frozen or cancelled",
        "cancel_date": "Date the membership ended, yyyy-MM-dd, when cancelled",
        "exported_at": "When the studio system exported the record, yyyy-MM-dd HH:mm:ss UTC",
    },
)


def transform(lines: DataFrame, batch_id: str, ingested_at: datetime) -> DataFrame:
    return to_bronze(lines, CONTRACT, batch_id, ingested_at)
