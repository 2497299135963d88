"""What every Bronze table shares: declared source fields as text, plus lineage of each line.

A source with personal data declares its PII fields; those fields, the raw line and any undeclared
fields are stored encrypted, so Bronze keeps every line without holding PII in the clear. These are
declarations: fitlake.bronze_rows turns parsed lines into such rows, encrypting as declared, and fitlake.ingest
writes them.

A field keeps its exported name as its column name unless Delta refuses it: spaces, commas, semicolons,
braces, parentheses, newlines, tabs and '=' need column mapping, which not every reader of a Delta table
supports. Such a field (`Calories Burned (kCal)`) becomes snake_case (`calories_burned_kcal`), and the
contract remembers each column's exported field.

Exports drift between app versions: a field may come under other spellings with the same meaning and unit
(`Calories Burned (kcal)` for `Calories Burned (kCal)`), its `aliases`; the column is filled from whichever the
file has. A field in another unit is another field, never an alias. A `required` field is one the source's rows
mean nothing without (ids, dates): a line whose file has it under no spelling lists it in `_missing_fields`, and
Silver quarantines the line as `missing_column(<field>)` rather than read the field as an empty value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fitlake.contracts import (
    BATCH_ID,
    DATE,
    LINE_NUMBER,
    MISSING_FIELDS,
    RAW,
    SOURCE_FILE,
    STRING,
    TIMESTAMP,
    Column,
    TableContract,
)

LINEAGE = (
    Column("_rescued_data", STRING, "Fields in the file that the contract does not declare, as JSON"),
    replace(RAW, nullable=False),  # in Bronze every row has its line
    Column("_parse_error", STRING, "Why the line did not parse as a record; NULL when it did"),
    MISSING_FIELDS,
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
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (exported field, its other spellings)
    required: tuple[str, ...] = ()  # exported fields a line means nothing without

    def spellings(self, field: str) -> tuple[str, ...]:
        """The names a file may give `field`: its own first, then its aliases."""
        return (field, *dict(self.aliases).get(field, ()))


# Characters Delta refuses in a column name unless the table uses column mapping.
NOT_IN_DELTA_NAMES = re.compile(r"[ ,;{}()\n\t=]")


def column_name(field: str) -> str:
    """The column for an exported field: its own name, or its words in snake_case where Delta refuses it."""
    if not NOT_IN_DELTA_NAMES.search(field):
        return field
    return re.sub(r"[^a-z0-9]+", "_", field.lower()).strip("_")


def _described(description: str, encrypted: bool, required: bool, aliases: tuple[str, ...]) -> str:
    """A field's comment: what it holds, then how it is stored and read, so DDL and the data dictionary say it."""
    notes = ["encrypted"] if encrypted else []
    notes += ["required"] if required else []
    notes += [f"also read from {', '.join(repr(a) for a in aliases)}"] if aliases else []
    return f"{description} ({'; '.join(notes)})" if notes else description


def raw_contract(
    name: str,
    comment: str,
    fields: dict[str, str],
    pii: tuple[str, ...] = (),
    aliases: dict[str, tuple[str, ...]] | None = None,
    required: tuple[str, ...] = (),
    records_per_line: int = 1,
) -> RawContract:
    """A Bronze contract: each exported field (name -> description) as nullable text, then lineage.

    `pii` names the fields holding personal data; in such a source the raw line and rescued fields are
    personal data too. `aliases` maps a field to its other spellings (same meaning, same unit); `required`
    names the fields without which a line is quarantined in Silver as `missing_column(<field>)`.
    """
    aliases = aliases or {}
    for what, named in (("PII", set(pii)), ("required", set(required)), ("aliased", set(aliases))):
        unknown = named - set(fields)
        if unknown:
            raise ValueError(f"{name}: {what} fields {sorted(unknown)} are not declared")
    spelled = [a for f in aliases for a in aliases[f]]
    clashing = {a for a in spelled if a in fields or spelled.count(a) > 1}
    if clashing:
        raise ValueError(f"{name}: aliases {sorted(clashing)} name a declared field or two fields")
    columns = {f: column_name(f) for f in fields}
    if len(set(columns.values())) != len(columns):
        raise ValueError(f"{name}: two fields share a column name: {columns}")
    declared = tuple(
        Column(columns[f], STRING, _described(d, f in pii, f in required, aliases.get(f, ())), pii=f in pii)
        for f, d in fields.items()
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
        aliases=tuple((f, tuple(a)) for f, a in aliases.items()),
        required=tuple(required),
    )


def source_fields(contract: TableContract) -> dict[str, str]:
    """Declared column -> exported field name."""
    if isinstance(contract, RawContract):
        return dict(contract.source_fields)
    return {c.name: c.name for c in contract.columns if not c.name.startswith("_")}


# Lineage that can hold any field of the line, so it is encrypted when the source has personal data.
ENCRYPTED_LINEAGE = ("_raw", "_rescued_data")
