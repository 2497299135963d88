"""`ops.ingested_files`: the ledger of the landing files each Bronze table has taken or refused, kept by fitlake.ingest.

A file is known by its content, not its name: one row per version of a file (its size and SHA-256 when read), so a
file rewritten or appended to after it was ingested is read again as a version of its own (the rule is in
fitlake/ingest.py).
"""

from __future__ import annotations

from fitlake.contracts import BIGINT, INT, STRING, TIMESTAMP, Column, TableContract, in_set

INGESTED, REJECTED = "ingested", "rejected"

CONTRACT = TableContract(
    name="ops.ingested_files",
    comment="One row per version of a landing file a Bronze table has ingested or rejected; a version is read once.",
    columns=(
        Column("table_name", STRING, "Bronze table, as <schema>.<table>", nullable=False),
        Column("source_file", STRING, "Landing file, relative to the landing folder", nullable=False),
        Column("status", STRING, "ingested, or rejected whole (why: ops.rejected_files)", nullable=False),
        Column("lines", BIGINT, "Data lines this version contributed to Bronze (0 when rejected)", nullable=False),
        Column(
            "first_line",
            INT,
            "First line read: 1, or the line after the previous version's last when only an appended tail was read",
            nullable=False,
        ),
        Column("last_line", INT, "Lines in the file at this version", nullable=False),
        Column("size_bytes", BIGINT, "Size of the whole file at this version", nullable=False),
        Column("sha256", STRING, "SHA-256 of the whole file at this version, in hex", nullable=False),
        Column(
            "modified_at",
            TIMESTAMP,
            "The file's modification time when last seen with this content (UTC); with the size, the cheap check",
            nullable=False,
        ),
        Column("batch_id", STRING, "Run that read this version", nullable=False),
        Column("ingested_at", TIMESTAMP, "When this version was read (UTC)", nullable=False),
    ),
    keys=("table_name", "source_file", "batch_id"),
    expectations=(in_set("status", (INGESTED, REJECTED)),),
)
