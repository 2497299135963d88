"""Hand-built rows for tests: Bronze rows with default lineage, so a test states only what it is about."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from fitlake.contracts import TableContract

INGESTED_AT = datetime(2025, 1, 2, 6, 0, tzinfo=UTC)


def bronze_rows(spark: SparkSession, contract: TableContract, records: list[dict]) -> DataFrame:
    """Bronze rows from dicts of source fields; lineage defaults to line i+1 of one file."""
    rows = []
    for i, record in enumerate(records):
        lineage = {
            "_rescued_data": None,
            "_raw": str(record),
            "_parse_error": None,
            "_source_file": "test/2025-01-01/part-00000",
            "_line_number": i + 1,
            "_batch_id": "batch-1",
            "_ingested_at": INGESTED_AT,
            "_ingest_date": date(2025, 1, 2),
        }
        merged = {**lineage, **record}
        rows.append(tuple(merged.get(name) for name in contract.column_names))
    return spark.createDataFrame(rows, contract.spark_schema)


def column_comments(spark: SparkSession, table: str) -> dict[str, str | None]:
    """Column comments as the engine reports them in DESCRIBE TABLE."""
    return {r.col_name: r.comment for r in spark.sql(f"DESCRIBE TABLE {table}").collect()}


def assert_same_rows(actual: DataFrame, expected: DataFrame) -> None:
    """Same columns, types and rows, in any row order; nullability and comments are the contract's job."""
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True, ignore_metadata=True)


def quarantine_reasons(flagged: DataFrame) -> dict[int, str]:
    """Line number -> quarantine reason, for the rows a transform flagged."""
    return {r._line_number: r._quarantine_reason for r in flagged.filter("_quarantine_reason IS NOT NULL").collect()}
