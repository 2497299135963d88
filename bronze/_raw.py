"""What every Bronze table shares: declared source fields as text, plus lineage of each line."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BATCH_ID, DATE, LINE_NUMBER, RAW, SOURCE_FILE, STRING, TIMESTAMP, Column, TableContract

LINEAGE = (
    Column("_rescued_data", STRING, "Fields in the file that the contract does not declare, as JSON"),
    replace(RAW, nullable=False),  # in Bronze every row has its line
    Column("_parse_error", STRING, "Why the line did not parse as a record; NULL when it did"),
    SOURCE_FILE,
    LINE_NUMBER,
    BATCH_ID,
    Column("_ingested_at", TIMESTAMP, "When the line was ingested (UTC)", nullable=False),
    Column("_ingest_date", DATE, "UTC date of ingestion; the partition column", nullable=False),
)


def raw_contract(name: str, comment: str, fields: dict[str, str]) -> TableContract:
    """A Bronze contract: each source field (name -> description) as nullable text, then lineage."""
    declared = tuple(Column(field, STRING, description) for field, description in fields.items())
    return TableContract(name=name, comment=comment, columns=declared + LINEAGE, partition_by=("_ingest_date",))


def to_bronze(lines: DataFrame, contract: TableContract, batch_id: str, ingested_at: datetime) -> DataFrame:
    """Spread parsed fields into the contract's columns; keep undeclared fields in `_rescued_data`."""
    declared = [c.name for c in contract.columns if not c.name.startswith("_")]
    undeclared = F.map_filter("_fields", lambda key, _value: ~key.isin(declared))
    return lines.select(
        *[F.col("_fields").getItem(name).alias(name) for name in declared],
        F.when(F.size(undeclared) > 0, F.to_json(undeclared)).alias("_rescued_data"),
        "_raw",
        "_parse_error",
        "_source_file",
        "_line_number",
        F.lit(batch_id).alias("_batch_id"),
        F.lit(ingested_at).alias("_ingested_at"),
        F.to_date(F.lit(ingested_at)).alias("_ingest_date"),
    )
