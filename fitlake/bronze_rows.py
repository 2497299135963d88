"""Bronze rows from parsed landing lines, as a Bronze contract (bronze/_raw.py) declares them.

Each declared field goes to its column, undeclared fields to `_rescued_data` as JSON, and the lineage of
the line is added; in a source with personal data the PII fields, the raw line and the rescued fields are
encrypted (fitlake.privacy). A pure transformation: fitlake.ingest applies it to the lines of new landing
files (fitlake.landing) and writes the result.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from bronze._raw import source_fields
from fitlake.contracts import TableContract
from fitlake.privacy import Secrets, encrypt


def to_bronze(
    lines: DataFrame, contract: TableContract, batch_id: str, ingested_at: datetime, secrets: Secrets | None = None
) -> DataFrame:
    """Spread parsed fields into the contract's columns; keep undeclared fields in `_rescued_data`."""
    fields = source_fields(contract)
    undeclared = F.map_filter("_fields", lambda key, _value: ~key.isin(list(fields.values())))
    protected = set(contract.pii_columns)
    if protected and secrets is None:
        raise ValueError(f"{contract.name} holds personal data: to_bronze needs the secrets to encrypt it")

    def stored(column: SparkColumn, name: str) -> SparkColumn:
        return (encrypt(column, secrets.pii_key) if name in protected else column).alias(name)

    return lines.select(
        *[stored(F.col("_fields").getItem(field), column) for column, field in fields.items()],
        stored(F.when(F.size(undeclared) > 0, F.to_json(undeclared)), "_rescued_data"),
        stored(F.col("_raw"), "_raw"),
        "_parse_error",
        "_source_file",
        "_line_number",
        F.lit(batch_id).alias("_batch_id"),
        F.lit(ingested_at).alias("_ingested_at"),
        F.to_date(F.lit(ingested_at)).alias("_ingest_date"),
    )
