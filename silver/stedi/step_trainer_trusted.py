"""STEDI step-trainer readings of the devices of curated customers (consented, with accelerometer data).

A device is known by its serial number. Several customers may have been sold the same serial number (a
known defect of the fulfilment data): a reading is kept once however many curated customers share its
device, and the machine-learning table settles whose it was. Readings of other devices are withheld.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    FIRST_DELIVERY,
    INT,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
    not_null,
    parsed,
    rule,
)
from fitlake.quality import conform, from_bronze
from silver._parsing import text
from silver.stedi._customers import curated_customers
from silver.stedi._parsing import epoch_millis, number

INPUTS = (
    "bronze.stedi_step_trainer_landing",
    "silver.stedi_customer_trusted",
    "silver.stedi_accelerometer_trusted",
)
RESEARCH_DATA = True

CONTRACT = TableContract(
    name="silver.stedi_step_trainer_trusted",
    comment="Step-trainer readings of the devices of STEDI customers who share their data for research and "
    "have accelerometer readings.",
    columns=(
        Column("serial_number", STRING, "Serial number of the device", nullable=False),
        Column("sensor_reading_at", TIMESTAMP, "When the device took the reading (UTC, milliseconds)", nullable=False),
        Column("distance_from_object", INT, "Distance the sensor measured to the object ahead", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("serial_number", "sensor_reading_at"),
    expectations=(rule("distance_not_negative", "distance_from_object >= 0"),),
    parse_rules=(
        not_null("serial_number"),  # a reading of no device: broken, not merely of a device without consent
        parsed("sensor_reading_at", raw="sensorReadingTime_text"),
        parsed("distance_from_object", raw="distanceFromObject_text"),
    ),
    keep=FIRST_DELIVERY,
)


def transform(
    step_trainer_landing: DataFrame, customer_trusted: DataFrame, accelerometer_trusted: DataFrame
) -> DataFrame:
    typed = from_bronze(
        step_trainer_landing,
        text("serialNumber").alias("serial_number"),
        epoch_millis("sensorReadingTime").alias("sensor_reading_at"),
        number("distanceFromObject", "int").alias("distance_from_object"),
        text("sensorReadingTime").alias("sensorReadingTime_text"),
        text("distanceFromObject").alias("distanceFromObject_text"),
    )
    # distinct(): a serial number shared by several curated customers must not multiply its readings.
    curated_devices = (
        curated_customers(customer_trusted, accelerometer_trusted)
        .select(F.col("serial_number").alias("_curated_serial"), F.lit(True).alias("_consented"))
        .distinct()
    )
    with_consent = typed.join(curated_devices, F.col("serial_number") == F.col("_curated_serial"), "left")
    return conform(with_consent, CONTRACT, consented=F.col("_consented"))
