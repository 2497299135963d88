"""Members snapshot exported by the studio management system (Mindbody-style CSV).

The first day holds every member; later days hold members who joined or changed that day.
"""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="members", format="csv")

CONTRACT = raw_contract(
    "bronze.members_raw",
    "Members snapshot CSV lines from the studio management system, as exported.",
    {
        "member_id": "Member number in the studio system",
        "first_name": "Given name",
        "last_name": "Family name",
        "email": "E-mail address",
        "phone": "Phone number",
        "home_location_id": "Location the member signed up at",
        "plan": "Membership plan: basic, plus or elite",
        "billing_period": "monthly or annual",
        "monthly_fee": "Fee per month in USD",
        "join_date": "Date the membership started, yyyy-MM-dd",
        "status": "active, frozen or cancelled",
        "cancel_date": "Date the membership ended, yyyy-MM-dd, when cancelled",
        "exported_at": "When the studio system exported the record, yyyy-MM-dd HH:mm:ss UTC",
        "marketing_consent": "true when the member agreed to marketing e-mail",
        "research_consent": "true while the member lets wearable and workout data be used for research",
        "research_consent_date": "Date research consent was given, yyyy-MM-dd, while it holds",
        "wearable_device_id": "Fitbit user id of the member's linked wearable, if any",
    },
    # A device id identifies its wearer as surely as a phone number does.
    pii=("first_name", "last_name", "email", "phone", "wearable_device_id"),
    required=("member_id", "exported_at"),
)
