"""`ops.ingested_files`: the ledger of the landing files each Bronze table has taken, kept by fitlake.ingest."""

from __future__ import annotations

from fitlake.contracts import BIGINT, STRING, TIMESTAMP, Column, TableContract

CONTRACT = TableContract(
    name="ops.ingested_files",
    comment="Landing files each Bronze table has ingested; a file is ingested once.",
    columns=(
        Column("table_name", STRING, "Bronze table, as <schema>.<table>", nullable=False),
        Column("source_file", STRING, "Landing file, relative to the landing folder", nullable=False),
        Column("lines", BIGINT, "Data lines the file contributed", nullable=False),
        Column("batch_id", STRING, "Run that ingested the file", nullable=False),
        Column("ingested_at", TIMESTAMP, "When the file was ingested (UTC)", nullable=False),
    ),
    keys=("table_name", "source_file"),
)
