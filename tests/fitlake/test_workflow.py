from pathlib import Path

import pytest
import yaml
from pyspark.errors import AnalysisException, NumberFormatException, PythonException
from pyspark.errors.exceptions.connect import SparkConnectGrpcException
from pyspark.sql import functions as F

from fitlake import workflow
from fitlake.contracts import QuarantineLimit
from fitlake.errors import ContractViolation, TaskFailed, UsageError
from fitlake.quarantine_limits import FileShare, QuarantineLimitExceeded, Verdict
from fitlake.workflow import MAX_RETRY_WAIT_SECONDS, JobTask, load_job, plan, run_tasks
from workflows import DAILY_JOB, JOBS, WEEKLY_TRAINING_JOB


def test_the_daily_job_runs_bronze_then_silver_then_gold():
    tasks = load_job(DAILY_JOB)
    assert [(t.key, t.runs, t.depends_on) for t in tasks] == [
        ("ingest_bronze", "ingest_bronze", ()),
        ("build_silver", "build_silver", ("ingest_bronze",)),
        ("quality_checks", "quality_checks", ("build_silver",)),
        ("build_gold", "build_gold", ("quality_checks",)),
        ("export_crm", "export_crm", ("build_gold",)),
        ("score_churn", "score_churn", ("build_gold",)),
    ]
    assert all(t.max_retries >= 1 and t.min_retry_interval_millis > 0 for t in tasks)


def test_the_weekly_job_trains_the_churn_model_and_judges_the_other_models():
    assert [(t.key, t.runs, t.depends_on) for t in load_job(WEEKLY_TRAINING_JOB)] == [
        ("train_churn", "train_churn", ()),
        ("evaluate_models", "evaluate_models", ()),
    ]


@pytest.mark.parametrize("path", JOBS, ids=lambda p: p.stem)
def test_every_databricks_task_calls_the_wheel_entry_point_with_its_own_task(path):
    (job,) = yaml.safe_load(path.read_text())["resources"]["jobs"].values()
    for spec in job["tasks"]:
        wheel = spec["python_wheel_task"]
        assert (wheel["package_name"], wheel["entry_point"]) == ("fitlake", "fitlake")
        params = wheel["parameters"]
        assert params[params.index("task") + 1] == spec["task_key"]
        assert params[params.index("--engine") + 1] == "databricks"


DIAMOND = [
    JobTask("a", "ingest_bronze"),
    JobTask("b", "build_silver", ("a",)),
    JobTask("c", "build_silver", ("a",)),
    JobTask("d", "build_gold", ("b", "c")),
    JobTask("e", "build_gold"),
]


def test_plan_orders_by_dependencies_and_selects_only_or_from():
    order = [t.key for t in plan(DIAMOND)]
    assert order.index("a") < order.index("b") < order.index("d") and order.index("c") < order.index("d")
    assert [t.key for t in plan(DIAMOND, only="c")] == ["c"]
    assert sorted(t.key for t in plan(DIAMOND, start="b")) == ["b", "d"]


def test_plan_names_unknown_tasks_and_cycles():
    with pytest.raises(UsageError, match="no task 'x'"):
        plan(DIAMOND, only="x")
    with pytest.raises(UsageError, match="cycle"):
        plan([JobTask("a", "build_gold", ("b",)), JobTask("b", "build_gold", ("a",))])


def test_a_failed_task_stops_its_dependents_but_not_independent_tasks(monkeypatch, capsys):
    ran = []

    def fake(name):
        def task(ctx):
            ran.append(name)
            if name == "b":
                raise RuntimeError("disk full\ntraceback detail")

        return task

    tasks = [JobTask(t.key, t.key, t.depends_on) for t in DIAMOND]
    monkeypatch.setattr(workflow, "TASKS", {t.key: fake(t.key) for t in DIAMOND})
    with pytest.raises(TaskFailed, match=r"^task b failed: disk full$"):
        run_tasks(ctx=None, tasks=plan(tasks))
    assert "d" not in ran and {"a", "b", "c", "e"} <= set(ran)
    assert "[d] skipped: upstream b failed" in capsys.readouterr().out


def _job_file(tmp_path: Path, tasks: list[dict]) -> Path:
    path = tmp_path / "job.yml"
    path.write_text(yaml.safe_dump({"resources": {"jobs": {"j": {"tasks": tasks}}}}))
    return path


def test_a_job_file_naming_an_unknown_task_or_dependency_is_refused(tmp_path):
    unknown_task = [{"task_key": "x", "python_wheel_task": {"parameters": ["task", "make_coffee"]}}]
    with pytest.raises(UsageError, match="runs 'make_coffee'"):
        load_job(_job_file(tmp_path, unknown_task))
    bad_dep = [
        {"task_key": "x", "python_wheel_task": {"parameters": ["task", "build_gold"]},
         "depends_on": [{"task_key": "ghost"}]}
    ]  # fmt: skip
    with pytest.raises(UsageError, match="unknown tasks \\['ghost'\\]"):
        load_job(_job_file(tmp_path, bad_dep))


def _flaky(monkeypatch, errors: list[Exception]) -> list[int]:
    """Make task "t" raise each of `errors` in turn, then succeed; returns the list of attempts made."""
    attempts = []

    def task(ctx):
        attempts.append(len(attempts) + 1)
        if len(attempts) <= len(errors):
            raise errors[len(attempts) - 1]

    monkeypatch.setattr(workflow, "TASKS", {"t": task})
    return attempts


def test_a_transient_failure_is_retried_with_exponential_backoff(monkeypatch, capsys):
    attempts = _flaky(monkeypatch, [OSError("connection reset"), OSError("connection reset")])
    waits = []
    run_tasks(None, [JobTask("t", "t", max_retries=2, min_retry_interval_millis=1500)], sleep=waits.append)
    assert attempts == [1, 2, 3] and waits == [1.5, 3.0]
    assert "[t] attempt 1 failed: connection reset; retry 1 of 2 in 1.5s" in capsys.readouterr().out


def test_the_wait_between_retries_is_capped():
    task = JobTask("t", "t", max_retries=10, min_retry_interval_millis=60_000)
    assert [task.retry_wait(n) for n in (1, 2, 3)] == [60.0, 120.0, MAX_RETRY_WAIT_SECONDS]
    assert task.retry_wait(9) == MAX_RETRY_WAIT_SECONDS


def test_a_task_out_of_retries_fails_naming_itself(monkeypatch):
    attempts = _flaky(monkeypatch, [OSError("disk full")] * 3)
    waits = []
    with pytest.raises(TaskFailed, match=r"^task t failed: disk full$"):
        run_tasks(None, [JobTask("t", "t", max_retries=2, min_retry_interval_millis=10)], sleep=waits.append)
    assert attempts == [1, 2, 3] and len(waits) == 2


def test_fitlake_data_errors_are_not_retried(monkeypatch):
    attempts = _flaky(monkeypatch, [ContractViolation("silver.checkins breaks not_null(member_id) (1 rows)")])
    waits = []
    with pytest.raises(TaskFailed, match="not_null"):
        run_tasks(None, [JobTask("t", "t", max_retries=3, min_retry_interval_millis=10)], sleep=waits.append)
    assert attempts == [1] and waits == []


def test_negative_retry_fields_are_refused(tmp_path):
    spec = [{"task_key": "x", "python_wheel_task": {"parameters": ["task", "build_gold"]}, "max_retries": -1}]
    with pytest.raises(UsageError, match="must be >= 0"):
        load_job(_job_file(tmp_path, spec))


def _over_limit() -> QuarantineLimitExceeded:
    share = FileShare("checkins/2025-01-15/part-00000.json", 120, 120)
    verdict = Verdict("silver.checkins", "silver.checkins_quarantine", QuarantineLimit(), 120, 120, (share,))
    return QuarantineLimitExceeded([verdict])


@pytest.mark.reliability(
    input="a task failing with an error a rerun gives again: broken contract, quarantine limit, usage, engine "
    "analysis error, exception in a Python UDF, ANSI cast error",
    expected="not retried: failed at once, its message shown once",
    observed="one attempt, no wait, no 'retry' line; TaskFailed holds the task's outcome with its error",
)
@pytest.mark.parametrize(
    "error",
    [
        ContractViolation("silver.checkins breaks not_null(member_id) (1 rows)"),
        _over_limit(),
        UsageError("no task 'x'"),
        AnalysisException("[UNRESOLVED_COLUMN] member_idd"),
        PythonException("An exception was thrown from the Python worker"),
        NumberFormatException("[CAST_INVALID_INPUT] 'abc' cannot be cast to INT"),
    ],
    ids=type,
)
def test_deterministic_errors_fail_at_once_without_retries(monkeypatch, capsys, error):
    attempts = _flaky(monkeypatch, [error] * 4)
    waits = []
    with pytest.raises(TaskFailed) as failed:
        run_tasks(None, [JobTask("t", "t", max_retries=3, min_retry_interval_millis=10)], sleep=waits.append)
    assert attempts == [1] and waits == []
    (outcome,) = failed.value.outcomes
    assert (outcome.key, outcome.status, outcome.error) == ("t", "failed", error)
    assert "retry" not in capsys.readouterr().out


def test_an_engine_error_that_may_pass_next_time_is_retried(monkeypatch):
    attempts = _flaky(monkeypatch, [SparkConnectGrpcException("UNAVAILABLE: failed to connect to all addresses")])
    outcomes = run_tasks(None, [JobTask("t", "t", max_retries=1)], sleep=lambda s: None)
    assert attempts == [1, 2] and [(o.key, o.status) for o in outcomes] == [("t", "ok")]


def test_the_outcomes_say_which_task_failed_and_which_were_skipped_because_of_it(monkeypatch):
    def task(ctx):
        raise ContractViolation("broken")

    monkeypatch.setattr(workflow, "TASKS", {"a": lambda ctx: None, "b": task, "d": lambda ctx: None})
    tasks = [JobTask("a", "a"), JobTask("b", "b", ("a",)), JobTask("d", "d", ("b",)), JobTask("e", "d", ("d",))]
    with pytest.raises(TaskFailed, match=r"^task b failed: broken$") as failed:
        run_tasks(None, tasks)
    assert [(o.key, o.status, o.blocked_by) for o in failed.value.outcomes] == [
        ("a", "ok", ()),
        ("b", "failed", ()),
        ("d", "skipped", ("b",)),
        ("e", "skipped", ("d",)),
    ]


def _raise_in_a_udf(sail):
    @F.udf("string")
    def undecodable(value):
        raise ValueError(f"not_utf8 at byte {value}")

    sail.range(1).select(undecodable("id")).collect()


@pytest.mark.parametrize(
    "query",
    [
        _raise_in_a_udf,
        lambda sail: sail.sql("select * from silver.no_such_table").collect(),
        lambda sail: sail.sql("select cast('abc' as int)").collect(),
        lambda sail: sail.sql("selec 1").collect(),
    ],
    ids=["udf", "missing_table", "ansi_cast", "parse"],
)
def test_the_engines_deterministic_errors_are_of_the_kinds_not_retried(sail, query):
    with pytest.raises(Exception) as raised:
        query(sail)
    assert not workflow.is_retryable(raised.value), type(raised.value).__mro__
