"""`ops.reconciliation`: per Silver table and Bronze batch, the proof that no row was lost or invented, written by
fitlake.reconciliation."""

from __future__ import annotations

from fitlake.contracts import BIGINT, BOOLEAN, STRING, TIMESTAMP, Column, TableContract

CONTRACT = TableContract(
    name="ops.reconciliation",
    comment="Per Silver table and Bronze batch: bronze rows = silver + quarantined + duplicates + withheld + merged.",
    columns=(
        Column("table_name", STRING, "Silver table, as <schema>.<table>", nullable=False),
        Column("source_table", STRING, "Bronze tables it is built from, joined by ', '", nullable=False),
        Column("batch_id", STRING, "Bronze batch (ingestion run) the rows came in with", nullable=False),
        Column(
            "bronze_rows",
            BIGINT,
            "Records of the batch in the Bronze tables: a row each, 60 for a line of a Wide minute export (an hour)",
            nullable=False,
        ),
        Column("silver_rows", BIGINT, "Rows of the batch in the Silver table as written", nullable=False),
        Column("quarantined", BIGINT, "Rows of the batch in the quarantine table as written", nullable=False),
        Column("duplicates", BIGINT, "Rows removed as a later copy (or an older state) of a kept row", nullable=False),
        Column("withheld", BIGINT, "Research data left in Bronze for lack of the member's consent", nullable=False),
        Column(
            "merged",
            BIGINT,
            "Records whose values went into a row that another record of the batch carries (a device-minute's heart "
            "rate from one file, its steps from another)",
            nullable=False,
        ),
        Column(
            "balanced",
            BOOLEAN,
            "bronze_rows = silver_rows + quarantined + duplicates + withheld + merged",
            nullable=False,
        ),
        Column("run_id", STRING, "Run that built the Silver table and checked it", nullable=False),
        Column("checked_at", TIMESTAMP, "When the counts were taken (UTC)", nullable=False),
    ),
    keys=("table_name", "batch_id"),
    partition_by=("table_name",),
)
