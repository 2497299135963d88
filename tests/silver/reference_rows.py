"""Silver reference tables as lookups see them (only valid rows, lineage by default), for the studio tests."""

from __future__ import annotations

from datetime import datetime

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from fitlake.contracts import TableContract
from silver import class_sessions, instructors, locations

LINEAGE = {"_source_file": "ref/2025-01-01/part-00000.csv", "_line_number": 2, "_batch_id": "batch-0"}


def silver_rows(spark: SparkSession, contract: TableContract, records: list[dict]) -> DataFrame:
    rows = [tuple({**LINEAGE, **r}.get(c) for c in contract.column_names) for r in records]
    return spark.createDataFrame(rows, contract.spark_schema)


def assert_same_rows_by_line(actual: DataFrame, expected: DataFrame) -> None:
    """tests.builders.assert_same_rows for tables with array columns: Sail cannot hash arrays to compare rows
    in any order, so both sides are put in line order."""
    assert_df_equality(
        actual.orderBy("_source_file", "_line_number"),
        expected.orderBy("_source_file", "_line_number"),
        ignore_nullable=True,
        ignore_metadata=True,
    )


def location_rows(spark: SparkSession, zones: dict[str, str]) -> DataFrame:
    """silver.locations with these location ids and time zones."""
    return silver_rows(spark, locations.CONTRACT, [{"location_id": i, "timezone": z} for i, z in zones.items()])


def instructor_rows(spark: SparkSession, ids: list[str]) -> DataFrame:
    return silver_rows(spark, instructors.CONTRACT, [{"instructor_id": i, "location_id": "BKN"} for i in ids])


def session_rows(spark: SparkSession, ids: list[str]) -> DataFrame:
    return silver_rows(
        spark,
        class_sessions.CONTRACT,
        [
            {"session_id": i, "location_id": "BKN", "class_type": "yoga", "instructor_id": "I0001",
             "starts_at": datetime(2025, 1, 6, 11), "start_local_date": datetime(2025, 1, 6).date(),
             "start_local_hour": 6, "duration_minutes": 60, "capacity": 20, "site_timezone": "America/New_York"}
            for i in ids
        ],
    )  # fmt: skip
