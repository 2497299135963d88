"""Data quality with Great Expectations: suites derived from contracts, quality_checks on hand-written tables.

quality_checks validates small contracts of these tests instead of the registry's, so each test writes a
few rows and shows one outcome: an error-level failure, a warning, an orphan, the data docs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest

from fitlake import dq_results, registry, runlog
from fitlake import io as fitlake_io
from fitlake.contracts import (
    DATE,
    DOUBLE,
    INT,
    STRING,
    Column,
    TableContract,
    between,
    in_set,
    references,
    rule,
)
from fitlake.dq import suite_for
from fitlake.errors import ContractViolation
from fitlake.runlog import RunLog
from fitlake.table_builds import TableBuilds
from fitlake.tasks import TaskContext, quality_checks

MEMBERS = TableContract(
    name="silver.dq_members",
    comment="Members, for data-quality tests",
    columns=(
        Column("member_key", STRING, "Member", nullable=False),
        Column("plan", STRING, "basic or plus"),
        Column("monthly_fee", DOUBLE, "Fee; above 100 is unusual, not wrong"),
    ),
    keys=("member_key",),
    expectations=(in_set("plan", ("basic", "plus")), between("monthly_fee", 0, 100, level="warn")),
)

VISITS = TableContract(
    name="silver.dq_visits",
    comment="Visits, for data-quality tests",
    columns=(
        Column("visit_id", STRING, "Visit number, unique per day", nullable=False),
        Column("visit_date", DATE, "Day of the visit", nullable=False),
        Column("member_key", STRING, "Member; NULL for a guest"),
        Column("hour", INT, "Hour of day"),
    ),
    keys=("visit_id", "visit_date"),
    expectations=(
        rule("hour_of_day", "hour BETWEEN 0 AND 23"),
        between("visit_date", "DATE'2020-01-01'", "DATE'2030-12-31'"),
    ),
    foreign_keys=(references("member_key", "silver.dq_members"),),
)

DAY = date(2025, 1, 6)
ORPHAN_RULE = "foreign_key(member_key -> silver.dq_members(member_key))"


@pytest.fixture
def checking(monkeypatch) -> Callable[..., None]:
    """Makes quality_checks validate the given tables instead of the registry's."""

    def check(*tables: TableContract) -> None:
        monkeypatch.setattr(registry, "daily_contracts", lambda: {c.name: c for c in tables})

    return check


def _write(lh, contract: TableContract, rows: list[tuple]) -> None:
    fitlake_io.write(lh, contract, lh.spark.createDataFrame(rows, contract.spark_schema), "overwrite")


def _write_tables(lh, members: list[tuple] | None = None, visits: list[tuple] | None = None) -> None:
    _write(lh, MEMBERS, members or [("m1", "basic", 30.0), ("m2", "plus", 60.0)])
    _write(lh, VISITS, visits or [("v1", DAY, "m1", 7), ("v2", DAY, "m2", 18), ("v1", date(2025, 1, 7), None, 9)])


def _run(lh, run_id: str = "run-1") -> None:
    quality_checks(TaskContext(lh, RunLog(lh, run_id)))


def _results(lh, run_id: str = "run-1") -> dict[tuple[str, str], tuple]:
    rows = lh.read(dq_results.CONTRACT).filter(f"run_id = '{run_id}'").collect()
    return {(r.table_name, r.rule): (r.level, r.success, r.failing_rows, r.failing_values) for r in rows}


def _failed(lh, run_id: str = "run-1") -> dict[tuple[str, str], tuple]:
    return {key: result for key, result in _results(lh, run_id).items() if not result[1]}


def _steps(lh) -> dict[str, str]:
    return {r.table_name: r.status for r in lh.read(runlog.CONTRACT).collect()}


def test_a_suite_has_one_expectation_per_contract_rule_key_and_foreign_key_at_the_rules_level():
    suite = suite_for(VISITS, table_name=lambda name: f"`cat`.`{name}`")
    derived = [(e.expectation_type, e.configuration.kwargs, e.meta, e.severity.value) for e in suite.expectations]
    assert suite.name == "silver.dq_visits"
    assert derived == [
        (
            "expect_column_values_to_not_be_null",
            {"column": "visit_id"},
            {"rule": "not_null(visit_id)", "level": "error"},
            "critical",
        ),
        (
            "expect_column_values_to_not_be_null",
            {"column": "visit_date"},
            {"rule": "not_null(visit_date)", "level": "error"},
            "critical",
        ),
        (
            "expect_no_unexpected_rows",
            {"unexpected_rows_query": "SELECT * FROM {batch} WHERE NOT coalesce((hour BETWEEN 0 AND 23), false)"},
            {"rule": "hour_of_day", "level": "error"},
            "critical",
        ),
        (  # a bound written as SQL stays a SQL rule
            "expect_no_unexpected_rows",
            {
                "unexpected_rows_query": "SELECT * FROM {batch} WHERE NOT coalesce((`visit_date` IS NULL OR "
                "`visit_date` BETWEEN DATE'2020-01-01' AND DATE'2030-12-31'), false)"
            },
            {"rule": "between(visit_date,DATE'2020-01-01',DATE'2030-12-31')", "level": "error"},
            "critical",
        ),
        (
            "expect_compound_columns_to_be_unique",
            {"column_list": ["visit_id", "visit_date"]},
            {"rule": "unique(visit_id,visit_date)", "level": "error"},
            "critical",
        ),
        (
            "expect_no_unexpected_rows",
            {
                "unexpected_rows_query": "SELECT b.* FROM {batch} b LEFT ANTI JOIN `cat`.`silver.dq_members` r "
                "ON b.`member_key` = r.`member_key` WHERE b.`member_key` IS NOT NULL"
            },
            {"rule": ORPHAN_RULE, "level": "error"},
            "critical",
        ),
    ]
    members = [(e.expectation_type, e.configuration.kwargs, e.severity.value) for e in suite_for(MEMBERS).expectations]
    assert members == [
        ("expect_column_values_to_not_be_null", {"column": "member_key"}, "critical"),
        ("expect_column_values_to_be_in_set", {"column": "plan", "value_set": ["basic", "plus"]}, "critical"),
        ("expect_column_values_to_be_between", {"column": "monthly_fee", "min_value": 0, "max_value": 100}, "warning"),
        ("expect_column_values_to_be_unique", {"column": "member_key"}, "critical"),
    ]


def test_clean_tables_pass_with_one_row_per_expectation_in_dq_results_even_when_the_task_is_retried(
    lakehouse, checking
):
    checking(MEMBERS, VISITS)
    _write_tables(lakehouse)
    _run(lakehouse)
    _run(lakehouse)  # a retried task: same run id
    rows = lakehouse.read(dq_results.CONTRACT).filter("run_id = 'run-1'").count()
    results = _results(lakehouse)
    assert rows == len(results) == len(suite_for(MEMBERS).expectations) + len(suite_for(VISITS).expectations)
    assert all(success and failing == 0 for _, success, failing, _ in results.values())
    assert _steps(lakehouse) == {MEMBERS.name: "ok", VISITS.name: "ok"}


def test_error_level_failures_stop_the_run_after_every_table_naming_table_rule_and_rows(lakehouse, checking):
    checking(MEMBERS, VISITS)
    members = [("m1", "basic", 30.0), ("m2", "platinum", 60.0)]
    visits = [("v1", DAY, "m1", 7), ("v1", DAY, "m2", 25), ("v2", DAY, "m2", 8)]
    _write_tables(lakehouse, members, visits)
    with pytest.raises(ContractViolation) as failure:
        _run(lakehouse)
    assert str(failure.value) == (
        "silver.dq_members breaks in_set(plan) (1 rows); "
        "silver.dq_visits breaks hour_of_day (1 rows), unique(visit_id,visit_date) (2 rows)"
    )
    assert _failed(lakehouse) == {
        (MEMBERS.name, "in_set(plan)"): ("error", False, 1, '["platinum"]'),
        (VISITS.name, "hour_of_day"): ("error", False, 1, None),
        (VISITS.name, "unique(visit_id,visit_date)"): (
            "error",
            False,
            2,
            json.dumps([{"visit_id": "v1", "visit_date": "2025-01-06"}] * 2),
        ),
    }
    assert _steps(lakehouse) == {MEMBERS.name: "failed", VISITS.name: "failed"}


def test_a_warning_is_recorded_and_printed_and_the_run_goes_on(lakehouse, checking, capsys):
    checking(MEMBERS, VISITS)
    _write_tables(lakehouse, members=[("m1", "basic", 30.0), ("m2", "plus", 160.0)])
    _run(lakehouse)
    assert _failed(lakehouse) == {(MEMBERS.name, "between(monthly_fee,0,100)"): ("warn", False, 1, "[160.0]")}
    assert "silver.dq_members: warning: between(monthly_fee,0,100) (1 rows)" in capsys.readouterr().out
    assert _steps(lakehouse) == {MEMBERS.name: "ok", VISITS.name: "ok"}


def test_a_reference_to_a_missing_member_is_an_orphan_and_a_null_one_is_not(lakehouse, checking):
    checking(MEMBERS, VISITS)
    visits = [("v1", DAY, "m1", 7), ("v2", DAY, "ghost", 8), ("v3", DAY, None, 9)]
    _write_tables(lakehouse, visits=visits)
    with pytest.raises(ContractViolation, match=r"^silver\.dq_visits breaks foreign_key\(member_key -> "):
        _run(lakehouse)
    assert _failed(lakehouse) == {(VISITS.name, ORPHAN_RULE): ("error", False, 1, None)}


def test_a_silver_table_not_built_fails_and_a_gold_table_not_built_yet_is_skipped(lakehouse, checking):
    gold = TableContract("gold.dq_daily", "Not built yet", (Column("n", INT, "count"),))
    checking(MEMBERS, VISITS, gold)
    _write(lakehouse, MEMBERS, [("m1", "basic", 30.0)])
    with pytest.raises(ContractViolation, match=r"^silver\.dq_visits has not been built: run build_silver first$"):
        _run(lakehouse)
    assert _steps(lakehouse) == {MEMBERS.name: "ok", VISITS.name: "failed"}


def test_data_docs_show_the_latest_run_under_the_lakehouse_home(lakehouse, checking):
    checking(MEMBERS, VISITS)
    _write_tables(lakehouse)
    _run(lakehouse, "run-1")
    _write_tables(lakehouse, members=[("m1", "basic", 30.0), ("m2", "gold", 60.0)])
    with pytest.raises(ContractViolation):
        _run(lakehouse, "run-2")
    docs = lakehouse.settings.home / "dq_docs"
    index = (docs / "index.html").read_text()
    assert "silver.dq_members" in index and "silver.dq_visits" in index
    pages = sorted(p.relative_to(docs).parts[:-2] for p in (docs / "validations").rglob("*.html"))
    assert pages == [("validations", "silver", "dq_members", "run-2"), ("validations", "silver", "dq_visits", "run-2")]
    failed_page = next((docs / "validations" / "silver" / "dq_members").rglob("*.html")).read_text()
    assert "gold" in failed_page  # the failing value, from the second validation of the failing table


def test_a_table_with_personal_data_records_failing_row_counts_but_not_the_values(lakehouse, checking):
    pii = TableContract(
        "silver.dq_member_pii",
        "Personal data, for data-quality tests",
        (Column("member_key", STRING, "Member", nullable=False), Column("email", STRING, "E-mail", pii=True)),
        keys=("member_key",),
    )
    checking(pii)
    _write(lakehouse, pii, [("m-secret", "a@example.com"), ("m-secret", "b@example.com")])
    with pytest.raises(ContractViolation, match=r"silver\.dq_member_pii breaks unique\(member_key\) \(2 rows\)"):
        _run(lakehouse)
    assert _failed(lakehouse) == {(pii.name, "unique(member_key)"): ("error", False, 2, None)}
    pages = (lakehouse.settings.home / "dq_docs" / "validations" / "silver" / "dq_member_pii").rglob("*.html")
    assert "m-secret" not in next(pages).read_text()


def test_a_rule_the_engine_cannot_run_fails_the_run_saying_why(lakehouse, checking):
    dangling = TableContract(
        "silver.dq_dangling",
        "Refers to a table that does not exist",
        (Column("member_key", STRING, "Member"),),
        foreign_keys=(references("member_key", "silver.dq_nowhere"),),
    )
    checking(dangling)
    _write(lakehouse, dangling, [("m1",)])
    rule_name = "foreign_key(member_key -> silver.dq_nowhere(member_key))"
    with pytest.raises(
        ContractViolation, match=rf"^silver\.dq_dangling breaks {re.escape(rule_name)} \(could not run: .*dq_nowhere"
    ):
        _run(lakehouse)
    row = lakehouse.read(dq_results.CONTRACT).filter(f"table_name = '{dangling.name}'").first()
    assert (row.rule, row.success, row.failing_rows) == (rule_name, False, None) and "dq_nowhere" in row.error


VISIT_DAYS = TableContract(
    name="gold.dq_visit_days",
    comment="Visit days per member, built from silver.dq_members",
    columns=(Column("member_key", STRING, "Member", nullable=False), Column("days", INT, "Days with a visit")),
    keys=("member_key",),
    foreign_keys=(references("member_key", "silver.dq_members"),),
)


def _built_from_members(lh, run_id: str) -> None:
    """Record a build of gold.dq_visit_days from silver.dq_members as it is now (fitlake.table_builds)."""
    builds = TableBuilds(lh, run_id)
    builds.built(VISIT_DAYS, builds.inputs([MEMBERS], with_secrets=False))
    builds.write()


@pytest.mark.reliability(
    input="a day's run on medium (31 days) in which members withdraw research consent: build_silver drops their "
    "workouts, and yesterday's gold.workout_classification still names them when quality_checks runs",
    expected="the run passes: a Gold table's foreign keys are checked against the tables it was built from",
    observed="before: quality_checks failed, 'gold.workout_classification breaks foreign_key(workout_key -> "
    "silver.workouts(workout_key)) (11 rows)', and Gold was skipped; now the orphan check reads silver.workouts at the "
    "version ops.table_builds recorded, and fails only for an orphan in what the table was built from",
)
def test_a_gold_tables_foreign_keys_are_checked_against_the_tables_it_was_built_from(lakehouse, checking):
    checking(MEMBERS, VISIT_DAYS)
    _write(lakehouse, MEMBERS, [("m1", "basic", 30.0), ("m2", "plus", 60.0)])
    _write(lakehouse, VISIT_DAYS, [("m1", 3), ("m2", 1)])
    _built_from_members(lakehouse, "build-1")
    # build_silver drops m2 (say, a member who withdrew): yesterday's Gold still names m2 until build_gold runs.
    _write(lakehouse, MEMBERS, [("m1", "basic", 30.0)])
    _run(lakehouse, "run-1")
    assert _failed(lakehouse, "run-1") == {}
    assert (VISIT_DAYS.name, VISIT_DAYS.foreign_keys[0].rule) in _results(lakehouse, "run-1")
    # Built from today's members, the same rows are an orphan.
    _built_from_members(lakehouse, "build-2")
    with pytest.raises(ContractViolation, match=r"^gold\.dq_visit_days breaks foreign_key\(member_key -> "):
        _run(lakehouse, "run-2")
    assert _failed(lakehouse, "run-2") == {
        (VISIT_DAYS.name, VISIT_DAYS.foreign_keys[0].rule): ("error", False, 1, None)
    }
