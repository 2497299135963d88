"""Sites of the gym, exported once by the studio management system as reference data (CSV)."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="locations", format="csv")

CONTRACT = raw_contract(
    "bronze.locations_raw",
    "Location CSV lines from the studio management system, as exported.",
    {
        "location_id": "Location code in the studio system, e.g. BKN",
        "name": "Name of the site",
        "city": "City the site is in",
        "timezone": "IANA time zone of the site, e.g. America/New_York",
        "facilities": "Wellness rooms members can book, joined by ';' (e.g. sauna;pool)",
    },
    required=("location_id", "timezone"),
)
