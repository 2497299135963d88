"""STEDI customers who share their data for research and have accelerometer readings.

One row per customer, so the customer is known by `customer_key` (a pseudonym): a serial number cannot
be the key, since the fulfilment data sold one serial number to several customers.
"""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import BIGINT, Column, TableContract
from silver.stedi._customers import curated_customers
from silver.stedi.customer_trusted import CONTRACT as CUSTOMER_TRUSTED

INPUTS = ("silver.stedi_customer_trusted", "silver.stedi_accelerometer_trusted")

TRUSTED_COLUMNS = {c.name: c for c in CUSTOMER_TRUSTED.columns}
FROM_TRUSTED = (
    "customer_key",
    "serial_number",
    "registered_at",
    "share_with_research_since",
    "share_with_public_since",
    "share_with_friends_since",
)

CONTRACT = TableContract(
    name="gold.stedi_customers_curated",
    comment="STEDI customers who share their data for research and have accelerometer readings. No personal data.",
    columns=(
        *[TRUSTED_COLUMNS[name] for name in FROM_TRUSTED],
        Column("accelerometer_readings", BIGINT, "Accelerometer readings of the customer", nullable=False),
    ),
    keys=("customer_key",),
)


def transform(customer_trusted: DataFrame, accelerometer_trusted: DataFrame) -> DataFrame:
    return curated_customers(customer_trusted, accelerometer_trusted).select(*CONTRACT.column_names)
