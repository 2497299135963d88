"""STEDI accelerometer readings of trusted customers, known by `customer_key` instead of the e-mail `user`.

A reading whose user is not a trusted customer (no research consent, or no customer record at all) is
withheld: without consent on record it is not looked at. A phone takes several readings in the same
millisecond, so a reading is a duplicate only when user, instant and all three axes repeat.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import DOUBLE, FIRST_DELIVERY, ROW_LINEAGE, TIMESTAMP, Column, Expectation, TableContract, parsed
from fitlake.privacy import Secrets, decrypt
from fitlake.quality import conform, from_bronze
from silver._lookups import lookup
from silver._parsing import text
from silver.stedi._customers import CUSTOMER_KEY, customer_key
from silver.stedi._parsing import epoch_millis, number

INPUTS = ("bronze.stedi_accelerometer_landing", "silver.stedi_customer_trusted")
RESEARCH_DATA = True

AXES = ("x", "y", "z")

CONTRACT = TableContract(
    name="silver.stedi_accelerometer_trusted",
    comment="Accelerometer readings of STEDI customers who share their data for research.",
    columns=(
        CUSTOMER_KEY,
        Column("reading_at", TIMESTAMP, "When the phone took the reading (UTC, millisecond precision)", nullable=False),
        *[Column(axis, DOUBLE, f"Acceleration along {axis}", nullable=False) for axis in AXES],
        *ROW_LINEAGE,
    ),
    keys=("customer_key", "reading_at", *AXES),
    parse_rules=(
        Expectation("not_null(user)", "customer_key IS NOT NULL", columns=("customer_key",)),
        parsed("reading_at", raw="timestamp_text"),
        *[parsed(axis) for axis in AXES],
    ),
    keep=FIRST_DELIVERY,
)


def transform(accelerometer_landing: DataFrame, customer_trusted: DataFrame, *, secrets: Secrets) -> DataFrame:
    typed = from_bronze(
        accelerometer_landing,
        customer_key(decrypt("user", secrets.pii_key), secrets.pseudonym_salt).alias("customer_key"),
        epoch_millis("timestamp").alias("reading_at"),
        text("timestamp").alias("timestamp_text"),
        *[number(axis, "double").alias(axis) for axis in AXES],
        *[text(axis).alias(f"{axis}_text") for axis in AXES],
    )
    trusted = customer_trusted.select("customer_key", F.lit(True).alias("is_trusted"))
    with_consent = lookup(typed, trusted, ("customer_key", "customer_key"), {"is_trusted": "_consented"})
    return conform(with_consent, CONTRACT, consented=F.col("_consented"))
