"""A silver.members stand-in for research data: each member's research consent and home site."""

from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession

from tests.builders import member_key


def members_rows(spark: SparkSession, consents: dict[str, tuple[bool, date | None, str]]) -> DataFrame:
    """silver.members' columns research data reads: member number -> (research consent, since, home site)."""
    rows = [(member_key(spark, m), home, given, since) for m, (given, since, home) in consents.items()]
    schema = "member_key string, home_location_id string, research_consent boolean, research_consent_date date"
    return spark.createDataFrame(rows, schema)
