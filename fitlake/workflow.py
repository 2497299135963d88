"""Run the workflow declared in workflows/ in this process, honouring its task dependencies and retries.

The YAML is a Databricks Asset Bundle job resource: there is no second copy of the DAG. Each task's
python_wheel_task parameters name the fitlake task it runs (the word after "task"); its Databricks
retry fields (`max_retries`, `min_retry_interval_millis`) are honoured here too.
"""

from __future__ import annotations

import graphlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pyspark.errors import (
    AnalysisException,
    ArithmeticException,
    DateTimeException,
    IllegalArgumentException,
    PythonException,
)

from fitlake.bundle import jobs_in
from fitlake.errors import FitlakeError, TaskFailed, UsageError, first_line
from fitlake.tasks import TASKS, TaskContext

# Locally a retry waits min_retry_interval_millis, then twice that, and so on, up to this: a laptop
# run should not sit for many minutes on a failure that keeps coming back.
MAX_RETRY_WAIT_SECONDS = 120.0


@dataclass(frozen=True)
class JobTask:
    key: str
    runs: str
    depends_on: tuple[str, ...] = ()
    max_retries: int = 0
    min_retry_interval_millis: int = 0

    def retry_wait(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based): exponential, capped."""
        return min(self.min_retry_interval_millis / 1000 * 2 ** (attempt - 1), MAX_RETRY_WAIT_SECONDS)


def runs_task(spec: dict) -> str | None:
    """The fitlake task a job task runs: the word after "task" in its wheel parameters."""
    params = spec.get("python_wheel_task", {}).get("parameters", [])
    return params[params.index("task") + 1] if "task" in params[:-1] else None


def load_job(path: Path, job: str | None = None) -> list[JobTask]:
    """The tasks of one job in the file (the only one if `job` is None), checked for sense."""
    jobs = jobs_in(path)
    if job is None and len(jobs) == 1:
        job = next(iter(jobs))
    if job not in jobs:
        raise UsageError(f"{path.name} has no job {job!r}; it has {', '.join(jobs) or 'none'}")
    tasks = []
    for spec in jobs[job].get("tasks", []):
        key = spec["task_key"]
        runs = runs_task(spec)
        if runs not in TASKS:
            raise UsageError(f"task {key!r} in {path.name} runs {runs!r}, not one of {', '.join(TASKS)}")
        depends = tuple(d["task_key"] for d in spec.get("depends_on", []))
        retries = (int(spec.get("max_retries", 0)), int(spec.get("min_retry_interval_millis", 0)))
        if retries[0] < 0 or retries[1] < 0:  # Databricks' -1 ("retry forever") has no place in a local run
            raise UsageError(f"task {key!r} in {path.name}: max_retries and min_retry_interval_millis must be >= 0")
        tasks.append(JobTask(key, runs, depends, *retries))
    keys = {t.key for t in tasks}
    for t in tasks:
        unknown = set(t.depends_on) - keys
        if unknown:
            raise UsageError(f"task {t.key!r} depends on unknown tasks {sorted(unknown)}")
    return tasks


def plan(tasks: list[JobTask], only: str | None = None, start: str | None = None) -> list[JobTask]:
    """Tasks in dependency order: all of them, only one, or one and everything downstream of it."""
    by_key = {t.key: t for t in tasks}
    for name in (only, start):
        if name is not None and name not in by_key:
            raise UsageError(f"no task {name!r}: the workflow has {', '.join(by_key)}")
    sorter = graphlib.TopologicalSorter({t.key: t.depends_on for t in tasks})
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as e:
        raise UsageError(f"the workflow's dependencies form a cycle: {e.args[1]}") from e
    if only is not None:
        return [by_key[only]]
    if start is not None:
        selected = {start}
        for key in order:
            if set(by_key[key].depends_on) & selected:
                selected.add(key)
        order = [k for k in order if k in selected]
    return [by_key[k] for k in order]


# Engine errors that the same query on the same data raises again: a query the engine cannot plan (a missing
# table or column, a type mismatch), Python code of a UDF raising on a row, an invalid argument (Sail's SQL parse
# errors, and ANSI mode refusing a cast, whose NumberFormatException is one), an overflow. Sail 0.7.2 raises each
# of these as the Spark Connect class named (checked 2026-12-07). Lost connections, timeouts, full disks and the
# like are worth a retry; these are not.
DETERMINISTIC_ENGINE_ERRORS = (
    AnalysisException,
    PythonException,
    IllegalArgumentException,
    ArithmeticException,
    DateTimeException,
)


def is_retryable(error: BaseException) -> bool:
    """A FitlakeError comes from FitLake's own checks (a contract, a quarantine limit, a reconciliation, empty
    landing, a setting), and a DETERMINISTIC_ENGINE_ERRORS one from the data or the code: running the task again
    on the same data gives the same answer, so only other errors, such as a lost engine connection or a full
    disk, are worth a retry."""
    return not isinstance(error, (FitlakeError, *DETERMINISTIC_ENGINE_ERRORS))


def run_with_retries(ctx: TaskContext, task: JobTask, sleep: Callable[[float], None] = time.sleep) -> None:
    attempt = 0
    while True:
        try:
            TASKS[task.runs](ctx)
            return
        except Exception as e:
            attempt += 1
            if attempt > task.max_retries or not is_retryable(e):
                raise
            wait = task.retry_wait(attempt)
            print(
                f"[{task.key}] attempt {attempt} failed: {first_line(e)}; retry {attempt} of "
                f"{task.max_retries} in {wait:g}s",
                flush=True,
            )
            sleep(wait)


@dataclass(frozen=True)
class TaskOutcome:
    """How one task of a run ended: `error` is a failed task's exception, `blocked_by` a skipped task's failed
    upstream tasks."""

    key: str
    status: Literal["ok", "failed", "skipped"]
    seconds: float = 0.0
    error: BaseException | None = None
    blocked_by: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        if self.status == "skipped":
            return f"skipped: upstream {', '.join(self.blocked_by)} failed"
        return first_line(self.error) if self.error is not None else ""


def run_tasks(ctx: TaskContext, tasks: list[JobTask], sleep: Callable[[float], None] = time.sleep) -> list[TaskOutcome]:
    """Run tasks in order; a failed task's dependents are skipped, independent ones still run. Raises TaskFailed,
    holding every task's outcome, if any task failed; returns the outcomes otherwise."""
    outcomes: dict[str, TaskOutcome] = {}
    for task in tasks:
        blocked = tuple(d for d in task.depends_on if d in outcomes and outcomes[d].status != "ok")
        if blocked:
            outcomes[task.key] = TaskOutcome(task.key, "skipped", blocked_by=blocked)
            print(f"[{task.key}] {outcomes[task.key].reason}", flush=True)
            continue
        print(f"[{task.key}]", flush=True)
        started = time.perf_counter()
        try:
            run_with_retries(ctx, task, sleep)
            outcomes[task.key] = TaskOutcome(task.key, "ok", time.perf_counter() - started)
        except Exception as e:
            outcomes[task.key] = TaskOutcome(task.key, "failed", time.perf_counter() - started, e)
    failed = [o for o in outcomes.values() if o.status == "failed"]
    if failed:
        raise TaskFailed("; ".join(f"task {o.key} failed: {o.reason}" for o in failed), list(outcomes.values()))
    return list(outcomes.values())
