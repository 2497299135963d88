"""What `fitlake run` prints at its end, rendered from hand-built step records and task outcomes (no engine)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fitlake.contracts import QuarantineLimit
from fitlake.quarantine_limits import FileShare, QuarantineLimitExceeded, Reason, Verdict
from fitlake.run_summary import render
from fitlake.runlog import Step
from fitlake.workflow import TaskOutcome

AT = datetime(2026, 12, 7, tzinfo=UTC)
DAILY = ("ingest_bronze", "build_silver", "quality_checks", "build_gold", "export_crm", "score_churn")
# Tables per task of a daily run: 95 steps, as many lines the old summary printed.
TABLES = {"ingest_bronze": 15, "build_silver": 17, "quality_checks": 33, "build_gold": 28, "export_crm": 1,
          "score_churn": 1}  # fmt: skip


def _step(task: str, table: str, status: str = "ok", **counts) -> Step:
    return Step(task, table, AT, seconds=0.5, status=status, **counts)


def _daily_steps() -> list[Step]:
    steps = []
    for task, n in TABLES.items():
        for i in range(n):
            counts = {"rows_in": 100, "rows_out": 90}
            if task == "build_silver":
                counts |= {"rows_quarantined": 6, "rows_duplicate": 3, "rows_withheld": 1}
            steps.append(_step(task, f"x.table_{i}", **counts))
    return steps


def test_a_healthy_run_ends_with_one_line_per_task_and_nothing_that_needs_attention():
    lines = render("r1", [TaskOutcome(t, "ok", 2.0) for t in DAILY], _daily_steps(), 61.34)
    assert len(lines) <= 15 and sum(TABLES.values()) == 95
    assert lines[0] == "run r1 ok: 6 tasks, 61.3s in all"
    silver = next(line for line in lines if line.lstrip().startswith("build_silver"))
    expected = "build_silver 17 tables in 1,700 out 1,530 quarantined 102 duplicates 51 withheld 17 2.0s"
    assert silver.split() == expected.split(" ")
    assert "needs attention:" not in lines
    assert lines[-1] == "each step: fitlake steps r1"


@pytest.mark.reliability(
    input="a run whose build_silver fails its quarantine limit, after a retried step and with table warnings",
    expected="the summary leads with FAILED, shows the limit's screen once, the skipped tasks and the warnings",
    observed="'run r2 FAILED: 1 of 6 tasks failed, 4 skipped'; needs attention: the screen, 'skipped: ...', "
    "'warning: ...'; a retried step counted once",
)
def test_a_failed_run_shows_what_needs_attention_once():
    verdict = Verdict(
        "silver.checkins",
        "silver.checkins_quarantine",
        QuarantineLimit(),
        500,
        120,
        (FileShare("checkins/2025-01-15/part-00000.json", 120, 120),),
        (Reason("not_null(member_id)", 120, "checkins/2025-01-15/part-00000.json:2"),),
    )
    failure = QuarantineLimitExceeded([verdict])
    steps = [
        _step("ingest_bronze", "bronze.checkins_raw", rows_in=120, rows_out=120),
        # A first attempt that failed for a transient reason, then the one that counts.
        _step("build_silver", "silver.checkins", "failed", error="connection reset"),
        _step("build_silver", "silver.checkins", "failed", rows_in=500, rows_out=380, rows_quarantined=120),
        _step("build_silver", "silver.app_events", rows_in=200, rows_out=160, rows_quarantined=40),
    ]
    steps[2].error = verdict.headline()
    steps[-1].warnings.append("quarantined 20.0% of its rows (40 of 200)")
    outcomes = [
        TaskOutcome("ingest_bronze", "ok", 1.0),
        TaskOutcome("build_silver", "failed", 9.0, failure),
        *(TaskOutcome(t, "skipped", blocked_by=(b,)) for t, b in [("quality_checks", "build_silver"),
          ("build_gold", "quality_checks"), ("export_crm", "build_gold"), ("score_churn", "build_gold")]),
    ]  # fmt: skip
    text = "\n".join(render("r2", outcomes, steps, 12.0))
    lines = text.splitlines()
    assert lines[0] == "run r2 FAILED: 1 of 6 tasks failed, 4 skipped, 12.0s in all"
    assert "build_silver    1 table (1 failed)" in text and "in 700  out 540  quarantined 160" in text
    attention = lines[lines.index("needs attention:") + 1 :]
    assert attention[0] == f"  build_silver failed: {verdict.headline()}"
    assert attention[1] == "      not_null(member_id): 120 rows, e.g. checkins/2025-01-15/part-00000.json:2"
    assert "  skipped: quality_checks, build_gold, export_crm, score_churn (upstream build_silver failed)" in attention
    assert "  warning: silver.app_events: quarantined 20.0% of its rows (40 of 200)" in attention
    assert text.count(verdict.headline()) == 1


def test_an_engine_error_is_shown_by_its_first_line_and_many_warnings_are_cut_short():
    engine_error = RuntimeError("An exception was thrown from the Python worker\n  File ...\n  at ...")
    steps = [_step("build_gold", f"gold.t{i}", rows_in=1, rows_out=1) for i in range(12)]
    for s in steps:
        s.warnings.append("breaks a warn rule")
    lines = render("r3", [TaskOutcome("build_gold", "failed", 3.0, engine_error)], steps, 3.0)
    attention = lines[lines.index("needs attention:") + 1 :]
    assert attention[0] == "  build_gold failed: An exception was thrown from the Python worker"
    assert not any("File ..." in line for line in lines)
    assert attention[-2] == "  and 7 more warnings, printed under their steps above"
