"""STEDI customers as the fulfilment website exported them: contact details, device and consent dates.

Instants are epoch milliseconds; a share* field is null (or absent) while the customer has not consented.
Name, e-mail, phone and birthday are personal data, stored encrypted with the raw line.
"""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="customer", format="jsonl", pattern="landing/*.json")

CONTRACT = raw_contract(
    "bronze.stedi_customer_landing",
    "STEDI customer JSON lines from the fulfilment website, as exported.",
    {
        "customerName": "Full name",
        "email": "E-mail address; the accelerometer's `user`",
        "phone": "Phone number",
        "birthDay": "Date of birth, yyyy-MM-dd",
        "serialNumber": "Serial number of the step trainer sold to the customer",
        "registrationDate": "When the customer registered, epoch milliseconds",
        "lastUpdateDate": "When the record last changed, epoch milliseconds",
        "shareWithResearchAsOfDate": "Since when the customer lets their data be used for research, epoch ms",
        "shareWithPublicAsOfDate": "Since when the customer shares their data publicly, epoch ms",
        "shareWithFriendsAsOfDate": "Since when the customer shares their data with friends, epoch ms",
    },
    pii=("customerName", "email", "phone", "birthDay"),
)
