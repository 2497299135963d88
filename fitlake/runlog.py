"""The run log: one row in `<catalog>.ops.run_log` and one printed line per table a task builds."""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fitlake import io
from fitlake.catalog import Lakehouse
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


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass
class Step:
    task: str
    table_name: str
    started_at: datetime
    rows_in: int | None = None
    rows_out: int | None = None
    rows_quarantined: int | None = None
    rows_duplicate: int | None = None
    rows_withheld: int | None = None
    seconds: float = 0.0
    status: str = "running"
    error: str | None = None

    def progress(self, message: str) -> None:
        print(f"    {self.table_name}: {message}", flush=True)

    def line(self) -> str:
        counts = [
            f"{label} {value:,}"
            for label, value in (
                ("in", self.rows_in),
                ("out", self.rows_out),
                ("quarantined", self.rows_quarantined),
                ("duplicates", self.rows_duplicate),
                ("withheld", self.rows_withheld or None),
            )
            if value is not None
        ]
        outcome = "ok" if self.status == "ok" else f"FAILED: {self.error}"
        return f"  {self.table_name:<34} {'  '.join(counts):<62} {self.seconds:6.2f}s  {outcome}"


@dataclass
class RunLog:
    lh: Lakehouse
    run_id: str
    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, task: str, table_name: str) -> Iterator[Step]:
        step = Step(task, table_name, datetime.now(UTC))
        started = time.perf_counter()
        try:
            yield step
            step.status = "ok"
        except BaseException as e:
            step.status = "failed"
            step.error = (str(e).strip().splitlines() or [type(e).__name__])[0][:1000]
            raise
        finally:
            step.seconds = round(time.perf_counter() - started, 3)
            self.steps.append(step)
            print(step.line(), file=sys.stdout if step.status == "ok" else sys.stderr, flush=True)
            try:
                self._record(step)
            except Exception as log_error:
                if step.status == "ok":
                    raise
                # Keep the step's own error as the one raised; say that its record was lost too.
                print(f"  could not record the failure in ops.run_log: {log_error}", file=sys.stderr)

    def _record(self, step: Step) -> None:
        row = (
            self.run_id,
            step.task,
            step.table_name,
            step.started_at,
            step.seconds,
            step.rows_in,
            step.rows_out,
            step.rows_quarantined,
            step.rows_duplicate,
            step.rows_withheld,
            step.status,
            step.error,
        )
        df = self.lh.spark.createDataFrame([row], CONTRACT.spark_schema)
        io.write(self.lh, CONTRACT, df, "append")
