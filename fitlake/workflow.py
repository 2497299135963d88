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


def is_retryable(error: Exception) -> bool:
    """A FitlakeError comes from FitLake's own checks (a contract, a reconciliation, empty landing, a
    setting): running the task again on the same data gives the same answer, so only other errors,
    such as a lost engine connection or a full disk, are worth a retry."""
    return not isinstance(error, FitlakeError)


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


def run_tasks(ctx: TaskContext, tasks: list[JobTask], sleep: Callable[[float], None] = time.sleep) -> None:
    """Run tasks in order; a failed task's dependents are skipped, independent ones still run."""
    failed: dict[str, str] = {}
    for task in tasks:
        blocked = [d for d in task.depends_on if d in failed]
        if blocked:
            failed[task.key] = f"skipped: upstream {', '.join(blocked)} failed"
            print(f"[{task.key}] {failed[task.key]}", flush=True)
            continue
        print(f"[{task.key}]", flush=True)
        try:
            run_with_retries(ctx, task, sleep)
        except Exception as e:
            failed[task.key] = first_line(e)
    root_causes = {k: v for k, v in failed.items() if not v.startswith("skipped:")}
    if root_causes:
        raise TaskFailed("; ".join(f"task {k} failed: {v}" for k, v in root_causes.items()))
