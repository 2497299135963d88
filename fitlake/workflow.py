"""Run the workflow declared in workflows/ in this process, honouring its task dependencies.

The YAML is a Databricks Asset Bundle job resource: there is no second copy of the DAG. Each task's
python_wheel_task parameters name the fitlake task it runs (the word after "task").
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from fitlake.errors import TaskFailed, UsageError
from fitlake.tasks import TASKS, TaskContext


@dataclass(frozen=True)
class JobTask:
    key: str
    runs: str
    depends_on: tuple[str, ...] = ()


def load_job(path: Path, job: str | None = None) -> list[JobTask]:
    """The tasks of one job in the file (the only one if `job` is None), checked for sense."""
    jobs = (yaml.safe_load(path.read_text()) or {}).get("resources", {}).get("jobs", {})
    if job is None and len(jobs) == 1:
        job = next(iter(jobs))
    if job not in jobs:
        raise UsageError(f"{path.name} has no job {job!r}; it has {', '.join(jobs) or 'none'}")
    tasks = []
    for spec in jobs[job].get("tasks", []):
        key = spec["task_key"]
        params = spec.get("python_wheel_task", {}).get("parameters", [])
        runs = params[params.index("task") + 1] if "task" in params[:-1] else None
        if runs not in TASKS:
            raise UsageError(f"task {key!r} in {path.name} runs {runs!r}, not one of {', '.join(TASKS)}")
        depends = tuple(d["task_key"] for d in spec.get("depends_on", []))
        tasks.append(JobTask(key, runs, depends))
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


def run_tasks(ctx: TaskContext, tasks: list[JobTask]) -> None:
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
            TASKS[task.runs](ctx)
        except Exception as e:
            failed[task.key] = (str(e).strip().splitlines() or [type(e).__name__])[0]
    root_causes = {k: v for k, v in failed.items() if not v.startswith("skipped:")}
    if root_causes:
        raise TaskFailed("; ".join(f"task {k} failed: {v}" for k, v in root_causes.items()))
