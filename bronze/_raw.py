"""What every Bronze table shares: declared source fields as text, plus lineage of each line.

A source with personal data declares its PII fields; those fields, the raw line and any undeclared
fields are stored encrypted, so Bronze keeps every line without holding PII in the clear. These are
declarations: fitlake.bronze_rows turns parsed lines into such rows, encrypting as declared, and fitlake.ingest
writes them.

A field keeps its exported name as its column name unless Delta refuses it: spaces, commas, semicolons,
braces, parentheses, newlines, tabs and '=' need column mapping, which not every reader of a Delta table
supports. Such a field (`Calories Burned (kCal)`) becomes snake_case (`calories_burned_kcal`), and the
contract remembers each column's exported field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class RawContract(TableContract):
    """A Bronze contract that also knows the exported field behind each declared column."""

    source_fields: tuple[tuple[str, str], ...] = ()  # (column, exported field name), in declaration order
    # Records a line that parsed holds: 1, or 60 for a Wide minute export (one line per hour, a field per minute).
    # Reconciliation counts Bronze in records, so a Silver table of minutes balances against lines of hours.
    records_per_line: int = 1


# Characters Delta refuses in a column name unless the table uses column mapping.
NOT_IN_DELTA_NAMES = re.compile(r"[ ,;{}()\n\t=]")


def column_name(field: str) -> str:
    """The column for an exported field: its own name, or its words in snake_case where Delta refuses it."""
    if not NOT_IN_DELTA_NAMES.search(field):
        return field
    return re.sub(r"[^a-z0-9]+", "_", field.lower()).strip("_")


def raw_contract(
    name: str, comment: str, fields: dict[str, str], pii: tuple[str, ...] = (), records_per_line: int = 1
) -> RawContract:
    """A Bronze contract: each exported field (name -> description) as nullable text, then lineage.

    `pii` names the fields holding personal data; in such a source the raw line and rescued fields are
    personal data too.
    """
    unknown = set(pii) - set(fields)
    if unknown:
        raise ValueError(f"{name}: PII fields {sorted(unknown)} are not declared")
    columns = {f: column_name(f) for f in fields}
    if len(set(columns.values())) != len(columns):
        raise ValueError(f"{name}: two fields share a column name: {columns}")
    declared = tuple(
        Column(columns[f], STRING, f"{d} (encrypted)" if f in pii else d, pii=f in pii) for f, d in fields.items()
    )
    lineage = tuple(
        replace(c, comment=f"{c.comment} (encrypted)", pii=True) if pii and c.name in ENCRYPTED_LINEAGE else c
        for c in LINEAGE
    )
    return RawContract(
        name=name,
        comment=comment,
        columns=declared + lineage,
        partition_by=("_ingest_date",),
        source_fields=tuple((c, f) for f, c in columns.items()),
        records_per_line=records_per_line,
    )


def source_fields(contract: TableContract) -> dict[str, str]:
    """Declared column -> exported field name."""
    if isinstance(contract, RawContract):
        return dict(contract.source_fields)
    return {c.name: c.name for c in contract.columns if not c.name.startswith("_")}


# Lineage that can hold any field of the line, so it is encrypted when the source has personal data.
ENCRYPTED_LINEAGE = ("_raw", "_rescued_data")
