"""An incremental Silver build (fitlake.incremental) on hand-written landing files over three days: a check-in whose
member arrives a day late, a check-in re-sent, a broken line re-sent. Day 2 transforms day 2's lines and the
quarantined ones, not day 1's. Before day 3 a quarantined row is deleted by hand: day 3 sees that the table is not
what its reconciliation says and builds it whole, and a full refresh then gives the same tables."""

from __future__ import annotations

import contextlib
import json
from io import StringIO
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from fitlake import io
from fitlake.quality import quarantine_contract
from fitlake.runlog import RunLog
from fitlake.tasks import TASKS, TaskContext
from silver.checkins import CONTRACT as CHECKINS
from tests.conftest import temporary_lakehouse
from tests.integration.conftest import PIPELINE_SECRETS

MEMBERS_HEADER = (
    "member_id,first_name,last_name,email,phone,home_location_id,plan,billing_period,monthly_fee,join_date,status,"
    "cancel_date,exported_at,marketing_consent,research_consent,research_consent_date,wearable_device_id"
)


def _member(member_id: str, exported_at: str, research_consent_date: str = "") -> str:
    consent = "true" if research_consent_date else "false"
    return (
        f"{member_id},Ada,Lovelace,{member_id.lower()}@example.com,555-0100,CHI,basic,monthly,30.00,2024-09-04,"
        f"active,,{exported_at},true,{consent},{research_consent_date},"
    )


def _checkin(checkin_id: str, member_id: str, time: str) -> str:
    return json.dumps(
        {
            "checkin_id": checkin_id,
            "member_id": member_id,
            "location_id": "CHI",
            "checkin_time": time,
            "site_timezone": "America/Chicago",
            "channel": "app",
        }
    )


# Day 1: C2's member M2 is not known yet; C3's time does not parse.
# Day 2: M2 arrives; C1 and the broken C3 are sent again; C4 is new.
DAYS = {
    "2025-01-01": (
        [_member("M1", "2025-01-01 23:50:00")],
        [
            _checkin("C1", "M1", "2025-01-01 07:00:00"),
            _checkin("C2", "M2", "2025-01-01 08:00:00"),
            _checkin("C3", "M1", "yesterday at noon"),
        ],
    ),
    "2025-01-02": (
        [_member("M1", "2025-01-02 23:50:00"), _member("M2", "2025-01-02 23:50:00")],
        [
            _checkin("C1", "M1", "2025-01-01 07:00:00"),
            _checkin("C4", "M1", "2025-01-02 09:00:00"),
            _checkin("C3", "M1", "yesterday at noon"),
        ],
    ),
    "2025-01-03": ([], [_checkin("C5", "M2", "2025-01-03 10:00:00")]),
}


def _land(home: Path, day: str, files: dict[str, list[str]]) -> None:
    """Write each source folder's lines as `landing/<folder>/<day>/part-00000.<csv or json>`."""
    for folder, lines in files.items():
        if not lines:
            continue
        suffix = "json" if lines[0].startswith("{") else "csv"
        path = home / "landing" / folder / day / f"part-00000.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")


def _checkin_files(day: str) -> dict[str, list[str]]:
    members, checkins = DAYS[day]
    return {"members": [MEMBERS_HEADER, *members] if members else [], "checkins": checkins}


def _build(sail_engine, home: Path, run_id: str, full_refresh: bool = False) -> None:
    with temporary_lakehouse(sail_engine, home) as lh:
        ctx = TaskContext(lh, RunLog(lh, run_id), full_refresh)
        TASKS["ingest_bronze"](ctx)
        TASKS["build_silver"](ctx)


def _tables(spark, home: Path) -> dict[str, set]:
    def read(schema: str, table: str, columns: list[str]) -> set:
        df = spark.read.format("delta").load(str(home / "fitlake" / schema / table))
        return {tuple(r) for r in df.select(*columns).collect()}

    return {
        "checkins": read("silver", "checkins", ["checkin_id", "_batch_id", "_source_file"]),
        "quarantine": read("silver", "checkins_quarantine", ["_quarantine_reason", "_batch_id", "_line_number"]),
        "reconciliation": {
            r[1:]
            for r in read(
                "ops",
                "reconciliation",
                ["table_name", "batch_id", "bronze_rows", "silver_rows", "quarantined", "duplicates", "balanced"],
            )
            if r[0] == "silver.checkins"
        },
    }


@pytest.fixture(scope="module")
def two_days_by_hand(tmp_path_factory, sail_engine):
    home = tmp_path_factory.mktemp("by_hand")
    said = {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in PIPELINE_SECRETS.items():
            env.setenv(name, value)
        for run_id, day in (("day-1", "2025-01-01"), ("day-2", "2025-01-02")):
            _land(home, day, _checkin_files(day))
            said[run_id] = _build_said(sail_engine, home, run_id)
        daily = _tables(sail_engine.spark, home)
        with temporary_lakehouse(sail_engine, home) as lh:  # C3's quarantined row, deleted by hand
            io.delete_rows(lh, quarantine_contract(CHECKINS), "_line_number = 3")
        _land(home, "2025-01-03", _checkin_files("2025-01-03"))
        said["day-3"] = _build_said(sail_engine, home, "day-3")
        day_3 = _tables(sail_engine.spark, home)
        said["refresh"] = _build_said(sail_engine, home, "refresh", full_refresh=True)
        refreshed = _tables(sail_engine.spark, home)
    run_log = sail_engine.spark.read.format("delta").load(str(home / "fitlake/ops/run_log"))
    return said, daily, (day_3, refreshed), run_log


def _build_said(sail_engine, home: Path, run_id: str, full_refresh: bool = False) -> str:
    """What the build printed (its steps' progress)."""
    out = StringIO()
    with contextlib.redirect_stdout(out):
        _build(sail_engine, home, run_id, full_refresh)
    return out.getvalue()


@pytest.mark.reliability(
    input="day 1: a check-in of a member not exported yet, a line whose time does not parse; day 2: the member's "
    "export, the first check-in and the broken line sent again (built incrementally)",
    expected="the orphan is a check-in from its first delivery; the copies are duplicates, the broken line is "
    "quarantined once; the same tables as a full refresh",
    observed="day 2 reads its 3 lines and the 2 quarantined ones; silver.checkins C1, C2 (day 1), C4; quarantine C3 "
    "(day 1) only; reconciliation day-1 3 = 2 + 1, day-2 3 = 1 + 2 duplicates; equal to --full-refresh",
)
def test_a_late_member_a_resent_checkin_and_a_resent_broken_line(two_days_by_hand):
    _, daily, _, _ = two_days_by_hand
    day_1 = "checkins/2025-01-01/part-00000.json"
    # C2 is valid now that M2 is known, from its first delivery; C1 is kept from day 1, its copy a duplicate.
    assert daily["checkins"] == {
        ("C1", "day-1", day_1),
        ("C2", "day-1", day_1),
        ("C4", "day-2", "checkins/2025-01-02/part-00000.json"),
    }
    # C3 stays quarantined once: its copy of day 2 is a duplicate of it.
    assert daily["quarantine"] == {("parseable(checkin_local_time)", "day-1", 3)}
    assert daily["reconciliation"] == {("day-1", 3, 2, 1, 0, True), ("day-2", 3, 1, 0, 2, True)}


def test_day_two_transforms_its_own_lines_and_the_quarantined_ones(two_days_by_hand):
    said, _, _, run_log = two_days_by_hand
    assert "silver.checkins: incremental: 3 rows of new batches, 2 quarantined rows looked at again" in said["day-2"]
    step = run_log.filter((F.col("run_id") == "day-2") & (F.col("table_name") == "silver.checkins")).first()
    # Day 2's three lines and day 1's two quarantined ones; not day 1's six lines again.
    assert (step.rows_in, step.rows_out, step.rows_quarantined, step.rows_duplicate) == (5, 2, 1, 2)
    assert "silver.checkins: incremental" not in said["day-1"]
    assert "silver.checkins: built whole: first build" in said["day-1"]


def test_a_table_that_is_not_what_its_reconciliation_says_is_built_whole(two_days_by_hand):
    said, daily, (day_3, _), _ = two_days_by_hand
    assert "silver.checkins: built whole: its rows per batch differ from ops.reconciliation" in said["day-3"]
    # C3 is back in quarantine, rebuilt from Bronze; C5 is new.
    assert day_3["quarantine"] == daily["quarantine"]
    assert day_3["checkins"] == daily["checkins"] | {("C5", "day-3", "checkins/2025-01-03/part-00000.json")}


def test_a_full_refresh_gives_the_tables_days_run_one_by_one_gave(two_days_by_hand):
    said, _, (day_3, refreshed), _ = two_days_by_hand
    assert "silver.checkins: built whole: a full refresh" in said["refresh"]
    assert refreshed == day_3


# Wearable minutes: records of a device (a Fitbit account) merged per member and minute. Day 1: device 222's minute
# is quarantined, as nobody holds that account yet. Day 2: M2 links it; device 111 sends the next day's minutes.
# Day 3: device 111's first minute is sent again, a record of a minute already kept.
WEARABLES_HEADER = "Id,ActivityMinute,Steps,Calories,Intensity,METs,HeartRate,SleepValue"
LINKS_HEADER = "member_id,provider,account_id,linked_date,unlinked_date"


def _minute(device: str, stamp: str) -> str:
    return f"{device},{stamp},12,1.9,1,15,88,"


WEARABLE_DAYS = {
    "2025-01-01": {
        "locations": ["location_id,name,city,timezone,facilities", "CHI,Chicago Loop,Chicago,America/Chicago,sauna"],
        "members": [MEMBERS_HEADER, _member("M1", "2025-01-01 23:50:00", "2024-01-01")],
        "linked_accounts": [LINKS_HEADER, "M1,fitbit,111,2024-01-01,"],
        "wearables": [
            WEARABLES_HEADER,
            *[_minute("111", f"1/1/2025 6:0{m}:00 AM") for m in range(3)],
            _minute("222", "1/1/2025 6:00:00 AM"),
        ],
    },
    "2025-01-02": {
        "members": [
            MEMBERS_HEADER,
            _member("M1", "2025-01-02 23:50:00", "2024-01-01"),
            _member("M2", "2025-01-02 23:50:00", "2024-01-01"),
        ],
        "linked_accounts": [LINKS_HEADER, "M1,fitbit,111,2024-01-01,", "M2,fitbit,222,2024-01-01,"],
        "wearables": [WEARABLES_HEADER, *[_minute("111", f"1/2/2025 6:0{m}:00 AM") for m in range(2)]],
    },
    "2025-01-03": {"wearables": [WEARABLES_HEADER, _minute("111", "1/1/2025 6:00:00 AM")]},
}


def _wearable_tables(spark, home: Path) -> dict[str, set]:
    def read(table: str, columns: list[str]) -> set:
        df = spark.read.format("delta").load(str(home / "fitlake" / "silver" / table))
        return {tuple(r) for r in df.select(*columns).collect()}

    return {
        "minutes": read("wearable_minutes", ["minute_at", "steps", "_batch_id", "_line_number"]),
        "members": {r[0] for r in read("wearable_minutes", ["member_key"])},
        "quarantine": read("wearable_minutes_quarantine", ["_quarantine_reason", "_batch_id", "_line_number"]),
    }


@pytest.fixture(scope="module")
def wearable_days(tmp_path_factory, sail_engine):
    home = tmp_path_factory.mktemp("wearables_by_hand")
    said, tables = {}, {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in PIPELINE_SECRETS.items():
            env.setenv(name, value)
        for n, (day, files) in enumerate(WEARABLE_DAYS.items(), start=1):
            _land(home, day, files)
            said[f"day-{n}"] = _build_said(sail_engine, home, f"day-{n}")
            tables[f"day-{n}"] = _wearable_tables(sail_engine.spark, home)
        said["refresh"] = _build_said(sail_engine, home, "refresh", full_refresh=True)
        tables["refresh"] = _wearable_tables(sail_engine.spark, home)
    return said, tables


def test_a_day_of_minutes_is_taken_with_the_records_quarantined_before(wearable_days):
    said, tables = wearable_days
    assert "silver.wearable_minutes: built whole: first build" in said["day-1"]
    assert tables["day-1"]["quarantine"] == {("unknown_account", "day-1", 5)}
    assert len(tables["day-1"]["members"]) == 1
    assert (
        "silver.wearable_minutes: incremental: 2 rows of new batches, 1 quarantined rows looked at again"
        in (said["day-2"])
    )
    # Device 222's minute is M2's now, from its first delivery; the quarantine is empty.
    assert {(batch, line) for _, _, batch, line in tables["day-2"]["minutes"]} == {
        ("day-1", 2), ("day-1", 3), ("day-1", 4), ("day-1", 5), ("day-2", 2), ("day-2", 3),
    }  # fmt: skip
    assert len(tables["day-2"]["members"]) == 2
    assert tables["day-2"]["quarantine"] == set()


def test_a_record_of_a_minute_already_kept_is_merged_by_a_whole_build(wearable_days):
    said, tables = wearable_days
    assert (
        "silver.wearable_minutes: built whole: a new record of a row already kept is merged into it" in (said["day-3"])
    )
    assert tables["day-3"] == tables["day-2"]  # the copy is a duplicate: the minute keeps its first delivery
    assert "silver.wearable_minutes: built whole: a full refresh" in said["refresh"]
    assert tables["refresh"] == tables["day-3"]
