"""Stand-ins for the Silver tables research data is resolved against: members with their consent, sites."""

from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession

from tests.builders import member_key

LOCATIONS_SCHEMA = (
    "location_id string not null, name string, city string, timezone string not null, facilities array<string>"
)


def members_rows(spark: SparkSession, consents: dict[str, tuple[bool, date | None, str]]) -> DataFrame:
    """silver.members' columns research data reads: member number -> (research consent, since, home site)."""
    rows = [(member_key(spark, m), home, given, since) for m, (given, since, home) in consents.items()]
    schema = "member_key string, home_location_id string, research_consent boolean, research_consent_date date"
    return spark.createDataFrame(rows, schema)


def locations_rows(spark: SparkSession) -> DataFrame:
    """silver.locations: one site per coast."""
    rows = [
        ("BKN", "Brooklyn Heights", "New York", "America/New_York", ["sauna", "pool"]),
        ("SFO", "SoMa San Francisco", "San Francisco", "America/Los_Angeles", ["sauna"]),
    ]
    return spark.createDataFrame(rows, LOCATIONS_SCHEMA)
