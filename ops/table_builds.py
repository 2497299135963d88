"""`ops.table_builds`: what each Silver and Gold table was built from, written by fitlake.table_builds."""

from __future__ import annotations

from fitlake.contracts import BIGINT, STRING, TIMESTAMP, Column, TableContract

CONTRACT = TableContract(
    name="ops.table_builds",
    comment="One row per Silver or Gold table a run built: what it was built from, so that a later run whose inputs "
    "are the same leaves the table as it is.",
    columns=(
        Column("table_name", STRING, "Table built, as <schema>.<table>", nullable=False),
        Column(
            "inputs",
            STRING,
            "What the table was built from, as JSON: each table it reads at its Delta version, and fingerprints of "
            "the code and of the secrets",
            nullable=False,
        ),
        Column("table_version", BIGINT, "The table's Delta version once built", nullable=False),
        Column("run_id", STRING, "Pipeline run that built the table", nullable=False),
        Column("built_at", TIMESTAMP, "When the build ended (UTC)", nullable=False),
    ),
)
