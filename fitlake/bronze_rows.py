"""Bronze rows from parsed landing lines, as a Bronze contract (bronze/_raw.py) declares them.

Each declared field goes to its column, from whichever of its spellings (its name or an alias) the line has;
undeclared fields go to `_rescued_data` as JSON, required fields the line has under no spelling to
`_missing_fields`, and the lineage of the line is added; in a source with personal data the PII fields, the
raw line and the rescued fields are encrypted (fitlake.privacy). A pure transformation: fitlake.ingest applies
it to the lines of new landing files (fitlake.landing) and writes the result.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from bronze._raw import RawContract, source_fields
from fitlake.contracts import MISSING_FIELDS, TableContract
from fitlake.privacy import Secrets, encrypt


def to_bronze(
    lines: DataFrame, contract: TableContract, batch_id: str, ingested_at: datetime, secrets: Secrets | None = None
) -> DataFrame:
    """Spread parsed fields into the contract's columns; keep undeclared fields in `_rescued_data`."""
    fields = source_fields(contract)
    spellings = {c: _spellings(contract, f) for c, f in fields.items()}
    known = [s for names in spellings.values() for s in names]
    undeclared = F.map_filter("_fields", lambda key, _value: ~key.isin(known))
    protected = set(contract.pii_columns)
    if protected and secrets is None:
        raise ValueError(f"{contract.name} holds personal data: to_bronze needs the secrets to encrypt it")

    def stored(column: SparkColumn, name: str) -> SparkColumn:
        return (encrypt(column, secrets.pii_key) if name in protected else column).alias(name)

    return lines.select(
        *[stored(F.coalesce(*[F.col("_fields").getItem(s) for s in spellings[c]]), c) for c in fields],
        stored(F.when(F.size(undeclared) > 0, F.to_json(undeclared)), "_rescued_data"),
        stored(F.col("_raw"), "_raw"),
        "_parse_error",
        _missing_fields(contract),
        "_source_file",
        "_line_number",
        F.lit(batch_id).alias("_batch_id"),
        F.lit(ingested_at).alias("_ingested_at"),
        F.to_date(F.lit(ingested_at)).alias("_ingest_date"),
    )


def _spellings(contract: TableContract, field: str) -> tuple[str, ...]:
    return contract.spellings(field) if isinstance(contract, RawContract) else (field,)


def _missing_fields(contract: TableContract) -> SparkColumn:
    """The required fields none of whose spellings is a key of the line's fields. An empty CSV value is a key with
    no value (fitlake.landing), so only a column the file's header lacks is missing; a line that did not parse has
    no fields and is reported as malformed instead."""
    required = contract.required if isinstance(contract, RawContract) else ()
    keys = F.map_keys("_fields")
    absent = [
        F.when(~F.arrays_overlap(keys, F.array(*[F.lit(s) for s in _spellings(contract, f)])), F.lit(f))
        for f in required
    ]
    if not absent:
        return F.lit(None).cast(MISSING_FIELDS.data_type).alias(MISSING_FIELDS.name)
    missing = F.filter(F.array(*absent), lambda f: f.isNotNull())
    return F.when(F.col("_fields").isNotNull() & (F.size(missing) > 0), missing).alias(MISSING_FIELDS.name)
