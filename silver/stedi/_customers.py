"""Who a STEDI customer is, shared by the trusted and curated tables: the pseudonym every table knows a
customer by, and which customers are curated (consented and with accelerometer readings)."""

from __future__ import annotations

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import STRING, Column
from fitlake.privacy import pseudonym

CUSTOMER_KEY = Column(
    "customer_key", STRING, "Pseudonym of the customer: salted sha2 of the e-mail address", nullable=False
)


def customer_key(email: SparkColumn, salt: str) -> SparkColumn:
    """The customer's pseudonym from their e-mail address, case and blanks ignored: the accelerometer's
    `user` and the customer record's `email` are the same address, however each system spelled it."""
    return pseudonym(F.lower(F.trim(email)), salt)


def curated_customers(customer_trusted: DataFrame, accelerometer_trusted: DataFrame) -> DataFrame:
    """Trusted customers with accelerometer readings, each with how many readings there are."""
    readings = accelerometer_trusted.groupBy("customer_key").agg(F.count(F.lit(1)).alias("accelerometer_readings"))
    return customer_trusted.join(readings, "customer_key")
