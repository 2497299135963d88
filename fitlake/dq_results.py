"""The outcome of each expectation quality_checks ran, recorded as rows of `ops.dq_results` (fitlake.dq runs them).

Apart from fitlake.dq so that fitlake.tasks, which every pipeline command imports, does not import Great
Expectations (about two seconds) before quality_checks runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass
from datetime import datetime

from fitlake import io
from fitlake.contracts import Level
from fitlake.lakehouse import Lakehouse
from ops.dq_results import CONTRACT


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
