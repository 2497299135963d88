import threading
import time

import pytest

from fitlake.errors import SettingsError
from fitlake.steps import run_steps, step_workers


def _recorder():
    done, lock = [], threading.Lock()

    def step(name, seconds=0.0, fail=False):
        def run():
            time.sleep(seconds)
            if fail:
                raise ValueError(f"{name} broke")
            with lock:
                done.append(name)

        return run

    return done, step


def test_each_step_starts_once_the_steps_it_needs_are_done():
    done, step = _recorder()
    steps = {"facts": step("facts"), "dims": step("dims", 0.05), "marts": step("marts"), "other": step("other")}
    needs = {"facts": {"dims"}, "marts": {"facts", "dims", "silver.x"}}  # silver.x: built by another task
    run_steps(steps, needs, workers=3)
    assert sorted(done) == sorted(steps)
    assert done.index("dims") < done.index("facts") < done.index("marts")


def test_one_worker_runs_the_steps_in_their_given_order():
    done, step = _recorder()
    run_steps({n: step(n) for n in ("c", "a", "b")}, {}, workers=1)
    assert done == ["c", "a", "b"]


def test_after_a_failure_nothing_new_starts_running_steps_finish_and_the_first_failure_is_raised():
    done, step = _recorder()
    steps = {"slow": step("slow", 0.2), "bad": step("bad", fail=True), "after_bad": step("after_bad"),
             "later": step("later")}  # fmt: skip
    with pytest.raises(ValueError, match="bad broke"):
        run_steps(steps, {"after_bad": {"bad"}, "later": {"slow"}}, workers=2)
    assert done == ["slow"]  # it was running and finished; what needed bad, or started after, never ran


@pytest.mark.parametrize(("value", "workers"), [(None, 3), ("1", 1), ("4", 4)])
def test_the_number_of_workers_comes_from_the_environment(monkeypatch, value, workers):
    if value is None:
        monkeypatch.delenv("FITLAKE_STEP_WORKERS", raising=False)
    else:
        monkeypatch.setenv("FITLAKE_STEP_WORKERS", value)
    assert step_workers() == workers


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_number_of_workers_is_refused_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv("FITLAKE_STEP_WORKERS", value)
    with pytest.raises(SettingsError, match="FITLAKE_STEP_WORKERS"):
        step_workers()
