"""Tasks against a temporary lakehouse: quality_checks on hand-written Silver tables; what ingest_bronze says about
the landing folder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import bronze.checkins_raw as checkins_raw
from fitlake import io, registry, runlog, tasks
from fitlake.errors import ContractViolation
from fitlake.runlog import RunLog
from fitlake.tasks import TaskContext, ingest_bronze, quality_checks

CHECKINS = registry.contracts()["silver.checkins"]
MEMBERS = registry.contracts()["silver.members"]
SILVER = [c for c in registry.daily_contracts().values() if c.schema == "silver"]


def _checkin(checkin_id: str, channel: str = "app") -> tuple:
    at = datetime(2025, 1, 6, 11, 14, tzinfo=UTC)
    return (checkin_id, "m1", "loc1", at, date(2025, 1, 6), 6, "America/New_York", channel, "f.json", 1, "b1")


def _member(member_key: str) -> tuple:
    """A member as silver.members holds one, for the check-ins to refer to (quality_checks checks foreign keys)."""
    member = {
        "member_key": member_key,
        "home_location_id": "loc1",
        "plan": "basic",
        "billing_period": "monthly",
        "monthly_fee": Decimal("29.00"),
        "join_date": date(2024, 3, 1),
        "status": "active",
        "marketing_consent": False,
        "research_consent": False,
        "has_wearable": False,
        "exported_at": datetime(2025, 1, 1, tzinfo=UTC),
        "_source_file": "members.csv",
        "_line_number": 1,
        "_batch_id": "b1",
    }
    return tuple(member.get(c) for c in MEMBERS.column_names)


def _write_silver(lh, checkins: list[tuple]) -> None:
    """Every Silver table as build_silver leaves it: check-ins as given, their member, the others empty."""
    for contract in registry.daily_contracts().values():
        if contract.schema == "silver":
            rows = {CHECKINS: checkins, MEMBERS: [_member("m1")]}.get(contract, [])
            io.write(lh, contract, lh.spark.createDataFrame(rows, contract.spark_schema), "overwrite")


@pytest.fixture
def checkins_and_members(monkeypatch) -> None:
    """Only the tables a test is about, for quality_checks (Great Expectations takes ~0.1 s a table); the first
    test checks every Silver table."""
    monkeypatch.setattr(registry, "daily_contracts", lambda: {c.name: c for c in (CHECKINS, MEMBERS)})


def _steps(lh) -> dict[str, tuple]:
    return {r.table_name: (r.task, r.status, r.rows_in, r.error) for r in lh.read(runlog.CONTRACT).collect()}


def test_quality_checks_pass_clean_silver_tables_logging_each_as_a_step(lakehouse):
    _write_silver(lakehouse, [_checkin("c1"), _checkin("c2", "front_desk")])
    quality_checks(TaskContext(lakehouse, RunLog(lakehouse, "run-1")))
    steps = _steps(lakehouse)
    assert set(steps) == {c.name for c in SILVER}
    assert steps["silver.checkins"] == ("quality_checks", "ok", 2, None)


def test_quality_checks_pass_a_silver_table_of_one_row(lakehouse, checkins_and_members):
    _write_silver(lakehouse, [_checkin("c1")])  # a quiet first day: one row in a table
    quality_checks(TaskContext(lakehouse, RunLog(lakehouse, "run-1")))
    assert _steps(lakehouse)["silver.checkins"] == ("quality_checks", "ok", 1, None)


def test_quality_checks_fail_naming_the_table_each_broken_rule_and_its_rows(lakehouse, checkins_and_members):
    _write_silver(lakehouse, [_checkin("c1"), _checkin("c2", "telepathy"), _checkin("c1")])
    with pytest.raises(ContractViolation) as failure:
        quality_checks(TaskContext(lakehouse, RunLog(lakehouse, "run-1")))
    message = "silver.checkins breaks in_set(channel) (1 rows), unique(checkin_id) (2 rows)"
    assert str(failure.value) == message
    steps = _steps(lakehouse)
    assert steps["silver.checkins"] == ("quality_checks", "failed", 3, message)
    assert all(status == "ok" for name, (_, status, _, _) in steps.items() if name != "silver.checkins")


def test_quality_checks_on_an_unbuilt_silver_layer_say_so(lakehouse):
    with pytest.raises(ContractViolation, match=r"silver\.checkins has not been built: run build_silver first"):
        quality_checks(TaskContext(lakehouse, RunLog(lakehouse, "run-1")))


@pytest.mark.reliability(
    input="landing files no source reads: part-00000.txt in a day folder, a .json outside a day folder, a folder "
    "no source reads",
    expected="one warning block per run naming each file and why; the other files ingested",
    observed="'warning: 3 landing files no source reads, left where they are:' then one line each with its reason",
)
def test_ingest_bronze_names_the_landing_files_no_source_reads(lakehouse, monkeypatch, capsys):
    monkeypatch.setattr(tasks, "table_modules", lambda layer: [registry.TableModule(checkins_raw)])
    landing = lakehouse.settings.landing
    for path in (
        "checkins/2025-01-01/part-00000.json",
        "checkins/2025-01-01/part-00000.txt",
        "checkins/part-00001.json",
        "spinning/2025-01-01/part-00000.csv",
    ):
        (landing / path).parent.mkdir(parents=True, exist_ok=True)
        (landing / path).write_text('{"checkin_id": "1"}\n')
    ingest_bronze(TaskContext(lakehouse, RunLog(lakehouse, "run-1")))
    out = capsys.readouterr().out
    assert (
        "  warning: 3 landing files no source reads, left where they are:\n"
        "    checkins/2025-01-01/part-00000.txt  checkins reads .json, .jsonl files\n"
        "    checkins/part-00001.json            not in a day folder: checkins reads checkins/<yyyy-mm-dd>/<file>\n"
        "    spinning/2025-01-01/part-00000.csv  no source reads the folder spinning/\n"
    ) in out
    assert lakehouse.read(checkins_raw.CONTRACT).count() == 1
