"""STEDI machine-learning table: each step-trainer reading paired with its owner's accelerometer readings
taken in the same millisecond.

The pairing is by customer and instant: a device reading goes with the phone readings of a customer who
owns the device, at the same millisecond. Pairing on the instant alone (as the exercise's published
43,681 rows do) also matches other customers' phones that happened to record in that millisecond.

When several customers share the device's serial number (a defect of the fulfilment data) and more than
one of them has phone readings at that millisecond, whose step it was cannot be known, so the reading is
left out rather than guessed.

No customer key: a row is a device reading with the phone's acceleration, and the serial number already
groups rows by device; the table does not need to say who the customer is.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import TIMESTAMP, Column, TableContract
from silver.stedi.accelerometer_trusted import AXES
from silver.stedi.accelerometer_trusted import CONTRACT as ACCELEROMETER_TRUSTED
from silver.stedi.step_trainer_trusted import CONTRACT as STEP_TRAINER_TRUSTED

INPUTS = (
    "silver.stedi_step_trainer_trusted",
    "silver.stedi_accelerometer_trusted",
    "silver.stedi_customer_trusted",
)

STEP_TRAINER_COLUMNS = {c.name: c for c in STEP_TRAINER_TRUSTED.columns}
ACCELEROMETER_COLUMNS = {c.name: c for c in ACCELEROMETER_TRUSTED.columns}

CONTRACT = TableContract(
    name="gold.stedi_machine_learning_curated",
    comment="Step-trainer readings paired with the same customer's accelerometer readings at the same "
    "millisecond. No personal data.",
    columns=(
        STEP_TRAINER_COLUMNS["serial_number"],
        Column("reading_at", TIMESTAMP, "When both readings were taken (UTC, millisecond precision)", nullable=False),
        STEP_TRAINER_COLUMNS["distance_from_object"],
        *[ACCELEROMETER_COLUMNS[axis] for axis in AXES],
    ),
    keys=("serial_number", "reading_at", *AXES),
)


def transform(
    step_trainer_trusted: DataFrame, accelerometer_trusted: DataFrame, customer_trusted: DataFrame
) -> DataFrame:
    owners = customer_trusted.select("serial_number", "customer_key")
    phone_readings = accelerometer_trusted.select("customer_key", F.col("reading_at").alias("sensor_reading_at"), *AXES)
    pairs = step_trainer_trusted.join(owners, "serial_number").join(
        phone_readings, ["customer_key", "sensor_reading_at"]
    )
    same_device_reading = Window.partitionBy("serial_number", "sensor_reading_at")
    one_customer = F.min("customer_key").over(same_device_reading) == F.max("customer_key").over(same_device_reading)
    return (
        pairs.withColumn("_one_customer", one_customer)
        .filter("_one_customer")
        .select(
            "serial_number",
            F.col("sensor_reading_at").alias("reading_at"),
            "distance_from_object",
            *AXES,
        )
    )
