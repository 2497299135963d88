"""`ops.dq_results`: one row per expectation quality_checks ran, written by fitlake.dq_results."""

from __future__ import annotations

from fitlake.contracts import BIGINT, BOOLEAN, STRING, TIMESTAMP, Column, TableContract

CONTRACT = TableContract(
    name="ops.dq_results",
    comment="One row per data-quality expectation checked by quality_checks: table, rule, level and outcome.",
    columns=(
        Column("run_id", STRING, "Pipeline run that checked the table", nullable=False),
        Column("table_name", STRING, "Table checked, as <schema>.<table>", nullable=False),
        Column("rule", STRING, "Contract rule, named as in quarantine reasons: not_null(c), unique(k)", nullable=False),
        Column("level", STRING, "error (a failure stops the run) or warn (recorded)", nullable=False),
        Column("expectation", STRING, "Great Expectations expectation type that checked the rule", nullable=False),
        Column("success", BOOLEAN, "The table met the rule", nullable=False),
        Column("rows_checked", BIGINT, "Rows in the table", nullable=False),
        Column("failing_rows", BIGINT, "Rows breaking the rule; NULL when the check could not run"),
        Column(
            "failing_values",
            STRING,
            "Up to 20 failing values of the rule's column, as JSON; NULL for SQL rules and tables with personal data",
        ),
        Column("error", STRING, "Why the check could not run"),
        Column("checked_at", TIMESTAMP, "When the table was validated (UTC)", nullable=False),
    ),
    keys=("run_id", "table_name", "rule"),
)
