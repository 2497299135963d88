"""Post-class survey answers (CSV, local time at the class's site) with a free-text comment."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="class_feedback", format="csv")

CONTRACT = raw_contract(
    "bronze.class_feedback_raw",
    "Post-class survey answer CSV lines from the studio management system, as exported.",
    {
        "response_id": "Answer number in the survey tool, FB<yyyymmdd><number in the day>",
        "session_id": "Class session the survey was about, <location>-<yyyymmdd>-<hhmm>",
        "member_id": "Member who answered",
        "rating": "Stars given, 1 to 5",
        "comment": "Free text the member typed; may be empty",
        "submitted_at": "Local wall-clock time of the answer at the class's site, yyyy-MM-dd HH:mm:ss",
        "site_timezone": "IANA time zone of the class's site, e.g. America/New_York",
    },
    pii=("comment",),
    required=("response_id", "session_id", "member_id", "rating", "submitted_at"),
)
