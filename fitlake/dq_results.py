"""`ops.dq_results`: one row per expectation quality_checks ran, per table and run (fitlake.dq runs them).

Apart from fitlake.dq so that declaring the table, which the registry does at every session start, does
not import Great Expectations (about two seconds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass
from datetime import datetime

from fitlake import io
from fitlake.catalog import Lakehouse
from fitlake.contracts import BIGINT, BOOLEAN, STRING, TIMESTAMP, Column, Level, TableContract

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


@dataclass(frozen=True)
class CheckResult:
    """One expectation's outcome on one table; the columns of `ops.dq_results` after `run_id`."""

    table_name: str
    rule: str
    level: Level
    expectation: str
    success: bool
    rows_checked: int
    failing_rows: int | None
    failing_values: str | None
    error: str | None
    checked_at: datetime

    def describe(self) -> str:
        return f"{self.rule} (could not run: {self.error})" if self.error else f"{self.rule} ({self.failing_rows} rows)"


def failed(results: Iterable[CheckResult], level: Level) -> list[CheckResult]:
    return [r for r in results if not r.success and r.level == level]


def describe_failed(table_name: str, results: Iterable[CheckResult]) -> str:
    """E.g. `silver.checkins breaks in_set(channel) (1 rows), unique(checkin_id) (2 rows)`."""
    return f"{table_name} breaks {', '.join(r.describe() for r in results)}"


def record(lh: Lakehouse, run_id: str, results: list[CheckResult]) -> None:
    """Upsert on (run_id, table, rule): a task retried within one run replaces its rows instead of doubling them."""
    if not results:
        return
    rows = [(run_id, *astuple(r)) for r in results]
    io.write(lh, CONTRACT, lh.spark.createDataFrame(rows, CONTRACT.spark_schema), "upsert")
