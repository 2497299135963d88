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
from fitlake.errors import first_line
from fitlake.lakehouse import Lakehouse
from ops.run_log import CONTRACT


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
    # What the run's summary lists under "needs attention" though the step succeeded (fitlake.run_summary).
    warnings: list[str] = field(default_factory=list)

    def progress(self, message: str) -> None:
        print(f"    {self.table_name}: {message}", flush=True)

    def warn(self, message: str) -> None:
        """A finding about this step's table that lets the run go on but that someone should look at: printed now,
        and in the run's summary under the table's name."""
        self.warnings.append(message)
        self.progress(f"warning: {message}")

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
    # Rows waiting to be written by `batch()`; None when each step is written as it ends.
    _pending: list[Step] | None = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write the rows of the steps that end inside the block in one append when it ends, even by an error:
        a Delta commit per step cost 40 ms, 4 s of a 22 s run on the tiny data. A killed process loses the
        rows of the block it was in; the printed lines still show what ran."""
        self._pending = []
        failed = True
        try:
            yield
            failed = False
        finally:
            pending, self._pending = self._pending, None
            if pending:
                try:
                    self._write(pending)
                except Exception as log_error:
                    if not failed:
                        raise
                    # Keep the block's own error as the one raised; say that its records were lost too.
                    print(f"  could not record these steps in ops.run_log: {log_error}", file=sys.stderr)

    @contextmanager
    def step(self, task: str, table_name: str) -> Iterator[Step]:
        step = Step(task, table_name, datetime.now(UTC))
        started = time.perf_counter()
        try:
            yield step
            step.status = "ok"
        except BaseException as e:
            step.status = "failed"
            step.error = first_line(e)[:1000]
            raise
        finally:
            step.seconds = round(time.perf_counter() - started, 3)
            self.steps.append(step)
            print(step.line(), file=sys.stdout if step.status == "ok" else sys.stderr, flush=True)
            try:
                if self._pending is not None:
                    self._pending.append(step)
                else:
                    self._write([step])
            except Exception as log_error:
                if step.status == "ok":
                    raise
                # Keep the step's own error as the one raised; say that its record was lost too.
                print(f"  could not record the failure in ops.run_log: {log_error}", file=sys.stderr)

    def _write(self, steps: list[Step]) -> None:
        rows = [
            (self.run_id, s.task, s.table_name, s.started_at, s.seconds, s.rows_in, s.rows_out, s.rows_quarantined,
             s.rows_duplicate, s.rows_withheld, s.status, s.error)
            for s in steps
        ]  # fmt: skip
        io.write(self.lh, CONTRACT, self.lh.spark.createDataFrame(rows, CONTRACT.spark_schema), "append")
