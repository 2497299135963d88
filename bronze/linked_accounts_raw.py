"""Linked accounts exported by the studio management system (CSV): which member linked which Fitbit or MapMyRun
account, from when and until when.

The first day holds every account linked by then; later days hold the links made or ended that day.
"""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="linked_accounts", format="csv")

CONTRACT = raw_contract(
    "bronze.linked_accounts_raw",
    "Linked account CSV lines from the studio management system, as exported.",
    {
        "member_id": "Member number in the studio system",
        "provider": "Service the account is on: fitbit or mapmyrun",
        "account_id": "The member's account there: the Fitbit user id of their device, or their MapMyRun user id",
        "linked_date": "Date the member linked the account, yyyy-MM-dd",
        "unlinked_date": "Date the account was unlinked, yyyy-MM-dd; empty while it is linked",
    },
    # An account id identifies its holder as surely as a phone number does (as wearable_device_id in
    # bronze.members_raw).
    pii=("account_id",),
)
