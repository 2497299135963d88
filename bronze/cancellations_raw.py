"""Membership cancellation requests (CSV, local time of the member's home site) with a free-text note."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="cancellations", format="csv")

CONTRACT = raw_contract(
    "bronze.cancellations_raw",
    "Cancellation request CSV lines from the studio management system, as exported.",
    {
        "cancellation_id": "Cancellation number in the studio system (CX followed by the member number)",
        "member_id": "Member asking to cancel",
        "location_id": "Member's home location, whose local time requested_at is in",
        "requested_at": "Local wall-clock time of the request at the site, yyyy-MM-dd HH:mm:ss",
        "effective_date": "Date the membership ends, yyyy-MM-dd",
        "reason": "Reason picked from the studio system's list, e.g. cost, moving",
        "notes": "Free text the member or desk typed",
    },
    pii=("notes",),
    required=("cancellation_id", "member_id", "requested_at", "effective_date"),
)
