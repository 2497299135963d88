"""STEDI mobile-app accelerometer readings: a customer's phone, several readings per millisecond."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="accelerometer", format="jsonl", pattern="landing/*.json")

CONTRACT = raw_contract(
    "bronze.stedi_accelerometer_landing",
    "STEDI accelerometer JSON lines from the mobile app, as exported.",
    {
        "user": "E-mail address of the customer whose phone took the reading",
        "timestamp": "When the reading was taken, epoch milliseconds",
        "x": "Acceleration along x",
        "y": "Acceleration along y",
        "z": "Acceleration along z",
    },
    pii=("user",),
)
