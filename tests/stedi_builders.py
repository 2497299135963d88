"""Hand-built STEDI rows: made-up customers and readings (never the licensed data set), as landing
records (text fields) or as rows of the trusted tables, so a test states only what it is about."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from pyspark.sql import DataFrame, SparkSession

from silver.stedi.accelerometer_trusted import CONTRACT as ACCELEROMETER_TRUSTED
from silver.stedi.customer_trusted import CONTRACT as CUSTOMER_TRUSTED
from silver.stedi.step_trainer_trusted import CONTRACT as STEP_TRAINER_TRUSTED
from tests.builders import SECRETS

# An instant of the exercise's day; tests add seconds to it.
T0 = datetime(2022, 6, 18, 14, 20)
LINEAGE = {"_source_file": "test/landing/part.json", "_line_number": 1, "_batch_id": "batch-1"}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def millis(instant: datetime) -> str:
    """An instant as the epoch-millisecond text STEDI exports."""
    return str(round(instant.replace(tzinfo=UTC).timestamp() * 1000))


def days_later(value: str | None, case: int) -> str | None:
    """An epoch-millisecond text moved `case` days on (for tests.builders.apart), so cases that share a device or a
    customer never share an instant; any other text (a broken stamp) stays as it is."""
    return str(int(value) + case * 86_400_000) if value is not None and value.isdigit() else value


def key(email: str) -> str:
    """The customer's pseudonym, computed apart from Spark: sha2-256 of salt and lower-case e-mail, as hex."""
    return hashlib.sha256((SECRETS.pseudonym_salt + email.strip().lower()).encode()).hexdigest()


def customer(
    email: str | None, serial: str | None, research: datetime | None = T0, updated: datetime = T0, **fields
) -> dict:
    """A customer landing record; `research=None` is a customer who has not consented."""
    name = (email or "Nobody").split("@")[0].replace(".", " ")
    record = {
        "customerName": name,
        "email": email,
        "phone": "8015550100",
        "birthDay": "1990-01-01",
        "serialNumber": serial,
        "registrationDate": millis(T0),
        "lastUpdateDate": millis(updated),
        "shareWithResearchAsOfDate": millis(research) if research else None,
        "shareWithPublicAsOfDate": None,
        "shareWithFriendsAsOfDate": None,
    }
    return {**record, **fields}


def _rows(spark: SparkSession, contract, records: list[dict]) -> DataFrame:
    rows = [tuple({**LINEAGE, **r}.get(c) for c in contract.column_names) for r in records]
    return spark.createDataFrame(rows, contract.spark_schema)


def customer_trusted_rows(spark: SparkSession, owners: list[tuple[str, str]]) -> DataFrame:
    """silver.stedi_customer_trusted with one consenting customer per (e-mail, serial number)."""
    common = {"registered_at": T0, "last_updated_at": T0, "share_with_research_since": T0}
    return _rows(spark, CUSTOMER_TRUSTED, [{"customer_key": key(e), "serial_number": s, **common} for e, s in owners])


Reading = tuple[str, datetime, float, float, float]


def accelerometer_trusted_rows(spark: SparkSession, readings: list[Reading]) -> DataFrame:
    """silver.stedi_accelerometer_trusted from (e-mail, instant, x, y, z)."""
    return _rows(
        spark,
        ACCELEROMETER_TRUSTED,
        [{"customer_key": key(e), "reading_at": t, "x": x, "y": y, "z": z} for e, t, x, y, z in readings],
    )


def step_trainer_trusted_rows(spark: SparkSession, readings: list[tuple[str, datetime, int]]) -> DataFrame:
    """silver.stedi_step_trainer_trusted from (serial number, instant, distance)."""
    return _rows(
        spark,
        STEP_TRAINER_TRUSTED,
        [{"serial_number": s, "sensor_reading_at": t, "distance_from_object": d} for s, t, d in readings],
    )
