"""STEDI step-trainer readings sent by each device over the IoT network."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="step_trainer", format="jsonl", pattern="landing/*.json")

CONTRACT = raw_contract(
    "bronze.stedi_step_trainer_landing",
    "STEDI step-trainer JSON lines from the devices, as sent.",
    {
        "sensorReadingTime": "When the device took the reading, epoch milliseconds",
        "serialNumber": "Serial number of the device",
        "distanceFromObject": "Distance the device's sensor measured to the object in front of it",
    },
)
