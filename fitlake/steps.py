"""Run a task's table steps side by side, each once the tables it reads are built.

A task's steps are mostly latency (planning, Delta commits, Python UDF batches) rather than CPU, so a few at a
time keep both cores busy: a first run on `small` takes 44.5 s with 3 workers and 50.7 s with 1 (medians of
3, alternated in one benchmark: bench/RESULTS.md, 2026-12-02). Writes stay safe because
fitlake.io lets one writer at a time at a table (Sail has no Delta conflict detection).

FITLAKE_STEP_WORKERS sets how many steps run at once (default 3; 1 runs them one by one, in order).
"""

from __future__ import annotations

import graphlib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from fitlake.errors import SettingsError

DEFAULT_WORKERS = 3


def step_workers() -> int:
    value = os.environ.get("FITLAKE_STEP_WORKERS", str(DEFAULT_WORKERS))
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"FITLAKE_STEP_WORKERS must be a whole number of at least 1, not {value!r}")
    return int(value)


def run_steps(steps: Mapping[str, Callable[[], None]], needs: Mapping[str, set[str]], workers: int) -> None:
    """Run every step once the steps it needs have succeeded, `workers` at a time, in `steps`' order where there
    is a choice. After a failure no step starts; those running finish, and the first failure is raised."""
    order = {name: i for i, name in enumerate(steps)}
    sorter = graphlib.TopologicalSorter({name: needs.get(name, set()) & set(steps) for name in steps})
    sorter.prepare()
    failures: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="step") as pool:
        running: dict[Future, str] = {}
        while True:
            if not failures:
                for name in sorted(sorter.get_ready(), key=order.__getitem__):
                    running[pool.submit(steps[name])] = name
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: order[running[f]]):
                name = running.pop(future)
                if future.exception() is not None:
                    failures.append(future.exception())
                else:
                    sorter.done(name)
    if failures:
        raise failures[0]
