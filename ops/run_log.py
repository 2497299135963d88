"""`ops.run_log`: one row per table a pipeline task builds, written by fitlake.runlog."""

from __future__ import annotations

from fitlake.contracts import BIGINT, DOUBLE, STRING, TIMESTAMP, Column, TableContract

CONTRACT = TableContract(
    name="ops.run_log",
    comment="One row per table built by a pipeline task: row counts, duration and outcome.",
    columns=(
        Column("run_id", STRING, "Pipeline run that built the table", nullable=False),
        Column("task", STRING, "Workflow task, as named in workflows/", nullable=False),
        Column("table_name", STRING, "Table built, as <schema>.<table>", nullable=False),
        Column("started_at", TIMESTAMP, "When the step started (UTC)", nullable=False),
        Column("seconds", DOUBLE, "Wall-clock duration of the step", nullable=False),
        Column("rows_in", BIGINT, "Rows read from the step's inputs"),
        Column("rows_out", BIGINT, "Rows written to the table"),
        Column("rows_quarantined", BIGINT, "Rows written to the table's quarantine"),
        Column("rows_duplicate", BIGINT, "Rows dropped as duplicates of an earlier row on the keys"),
        Column("rows_withheld", BIGINT, "Research data left in Bronze for lack of the member's consent"),
        Column("status", STRING, "ok or failed", nullable=False),
        Column("error", STRING, "First line of the error when the step failed"),
    ),
)
