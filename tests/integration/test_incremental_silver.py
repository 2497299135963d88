"""Incremental Silver builds (fitlake.incremental) on hand-written landing files over three days, then a full
refresh, in one lakehouse.

Check-ins: a check-in whose member arrives a day late, a check-in re-sent, a broken line re-sent. Day 2 transforms
day 2's lines and the quarantined ones, not day 1's. Before day 3 a quarantined row is deleted by hand: day 3 sees
that the table is not what its reconciliation says and builds it whole.

Wearable minutes (records of a device merged per member and minute): a device's minute is quarantined on day 1, as
nobody holds that account yet; on day 2 its member links it. On day 3 a minute already kept is sent again, which
only a whole build can merge.

The full refresh gives the tables the days gave.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from pyspark.sql import DataFrame
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


# Check-ins. Day 1: C2's member M2 is not known yet; C3's time does not parse. Day 2: M2 arrives; C1 and the broken
# C3 are sent again; C4 is new. Day 3: C5.
CHECKINS_BY_DAY = {
    "2025-01-01": [
        _checkin("C1", "M1", "2025-01-01 07:00:00"),
        _checkin("C2", "M2", "2025-01-01 08:00:00"),
        _checkin("C3", "M1", "yesterday at noon"),
    ],
    "2025-01-02": [
        _checkin("C1", "M1", "2025-01-01 07:00:00"),
        _checkin("C4", "M1", "2025-01-02 09:00:00"),
        _checkin("C3", "M1", "yesterday at noon"),
    ],
    "2025-01-03": [_checkin("C5", "M2", "2025-01-03 10:00:00")],
}

# Wearable minutes. Day 1: device 222's minute is quarantined, as nobody holds that account yet. Day 2: M2 links
# it; device 111 sends the next day's minutes. Day 3: device 111's first minute is sent again.
WEARABLES_HEADER = "Id,ActivityMinute,Steps,Calories,Intensity,METs,HeartRate,SleepValue"
LINKS_HEADER = "member_id,provider,account_id,linked_date,unlinked_date"


def _minute(device: str, stamp: str) -> str:
    return f"{device},{stamp},12,1.9,1,15,88,"


WEARABLES_BY_DAY = {
    "2025-01-01": [
        *[_minute("111", f"1/1/2025 6:0{m}:00 AM") for m in range(3)],
        _minute("222", "1/1/2025 6:00:00 AM"),
    ],
    "2025-01-02": [_minute("111", f"1/2/2025 6:0{m}:00 AM") for m in range(2)],
    "2025-01-03": [_minute("111", "1/1/2025 6:00:00 AM")],
}
# Research consent since 2024 for both members; M2 and its device's link arrive on day 2.
REFERENCES_BY_DAY = {
    "2025-01-01": {
        "locations": ["location_id,name,city,timezone,facilities", "CHI,Chicago Loop,Chicago,America/Chicago,sauna"],
        "members": [MEMBERS_HEADER, _member("M1", "2025-01-01 23:50:00", "2024-01-01")],
        "linked_accounts": [LINKS_HEADER, "M1,fitbit,111,2024-01-01,"],
    },
    "2025-01-02": {
        "members": [
            MEMBERS_HEADER,
            _member("M1", "2025-01-02 23:50:00", "2024-01-01"),
            _member("M2", "2025-01-02 23:50:00", "2024-01-01"),
        ],
        "linked_accounts": [LINKS_HEADER, "M1,fitbit,111,2024-01-01,", "M2,fitbit,222,2024-01-01,"],
    },
    "2025-01-03": {},
}


def _files(day: str) -> dict[str, list[str]]:
    return {
        **REFERENCES_BY_DAY[day],
        "checkins": CHECKINS_BY_DAY[day],
        "wearables": [WEARABLES_HEADER, *WEARABLES_BY_DAY[day]],
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


def _build(sail_engine, home: Path, run_id: str, full_refresh: bool = False) -> str:
    """ingest_bronze and build_silver on `home`; returns what they printed (their steps' progress)."""
    out = StringIO()
    with contextlib.redirect_stdout(out), temporary_lakehouse(sail_engine, home) as lh:
        ctx = TaskContext(lh, RunLog(lh, run_id), full_refresh)
        TASKS["ingest_bronze"](ctx)
        TASKS["build_silver"](ctx)
    return out.getvalue()


def _tables(spark, home: Path) -> dict[str, set]:
    def read(schema: str, table: str, columns: list[str]) -> set:
        df = spark.read.format("delta").load(str(home / "fitlake" / schema / table))
        return {tuple(r) for r in df.select(*columns).collect()}

    reconciliation = ["table_name", "batch_id", "bronze_rows", "silver_rows", "quarantined", "duplicates", "balanced"]
    return {
        "checkins": read("silver", "checkins", ["checkin_id", "_batch_id", "_source_file"]),
        "checkins_quarantine": read(
            "silver", "checkins_quarantine", ["_quarantine_reason", "_batch_id", "_line_number"]
        ),
        "reconciliation": {r[1:] for r in read("ops", "reconciliation", reconciliation) if r[0] == CHECKINS.name},
        "minutes": read("silver", "wearable_minutes", ["minute_at", "steps", "_batch_id", "_line_number"]),
        "wearers": {r[0] for r in read("silver", "wearable_minutes", ["member_key"])},
        "minutes_quarantine": read(
            "silver", "wearable_minutes_quarantine", ["_quarantine_reason", "_batch_id", "_line_number"]
        ),
    }


@dataclass(frozen=True)
class Days:
    said: dict[str, str]  # what each build printed
    tables: dict[str, dict[str, set]]  # the tables after each build
    run_log: DataFrame


@pytest.fixture(scope="module")
def days(tmp_path_factory, sail_engine) -> Days:
    home = tmp_path_factory.mktemp("by_hand")
    said, tables = {}, {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in PIPELINE_SECRETS.items():
            env.setenv(name, value)
        for n, day in enumerate(CHECKINS_BY_DAY, start=1):
            if n == 3:
                with temporary_lakehouse(sail_engine, home) as lh:  # C3's quarantined row, deleted by hand
                    io.delete_rows(lh, quarantine_contract(CHECKINS), "_line_number = 3")
            _land(home, day, _files(day))
            said[f"day-{n}"] = _build(sail_engine, home, f"day-{n}")
            tables[f"day-{n}"] = _tables(sail_engine.spark, home)
        said["refresh"] = _build(sail_engine, home, "refresh", full_refresh=True)
        tables["refresh"] = _tables(sail_engine.spark, home)
    return Days(said, tables, sail_engine.spark.read.format("delta").load(str(home / "fitlake/ops/run_log")))


@pytest.mark.reliability(
    input="day 1: a check-in of a member not exported yet, a line whose time does not parse; day 2: the member's "
    "export, the first check-in and the broken line sent again (built incrementally)",
    expected="the orphan is a check-in from its first delivery; the copies are duplicates, the broken line is "
    "quarantined once; the same tables as a full refresh",
    observed="day 2 reads its 3 lines and the 2 quarantined ones; silver.checkins C1, C2 (day 1), C4; quarantine C3 "
    "(day 1) only; reconciliation day-1 3 = 2 + 1, day-2 3 = 1 + 2 duplicates; equal to --full-refresh",
)
def test_a_late_member_a_resent_checkin_and_a_resent_broken_line(days):
    day_2 = days.tables["day-2"]
    day_1 = "checkins/2025-01-01/part-00000.json"
    # C2 is valid now that M2 is known, from its first delivery; C1 is kept from day 1, its copy a duplicate.
    assert day_2["checkins"] == {
        ("C1", "day-1", day_1),
        ("C2", "day-1", day_1),
        ("C4", "day-2", "checkins/2025-01-02/part-00000.json"),
    }
    # C3 stays quarantined once: its copy of day 2 is a duplicate of it.
    assert day_2["checkins_quarantine"] == {("parseable(checkin_local_time)", "day-1", 3)}
    assert day_2["reconciliation"] == {("day-1", 3, 2, 1, 0, True), ("day-2", 3, 1, 0, 2, True)}


def test_day_two_transforms_its_own_lines_and_the_quarantined_ones(days):
    assert "silver.checkins: built whole: first build" in days.said["day-1"]
    assert (
        "silver.checkins: incremental: 3 rows of new batches, 2 quarantined rows looked at again"
        in (days.said["day-2"])
    )
    step = days.run_log.filter((F.col("run_id") == "day-2") & (F.col("table_name") == CHECKINS.name)).first()
    # Day 2's three lines and day 1's two quarantined ones; not day 1's three lines again.
    assert (step.rows_in, step.rows_out, step.rows_quarantined, step.rows_duplicate) == (5, 2, 1, 2)


def test_a_table_that_is_not_what_its_reconciliation_says_is_built_whole(days):
    assert "silver.checkins: built whole: its rows per batch differ from ops.reconciliation" in days.said["day-3"]
    day_2, day_3 = days.tables["day-2"], days.tables["day-3"]
    # C3 is back in quarantine, rebuilt from Bronze; C5 is new.
    assert day_3["checkins_quarantine"] == day_2["checkins_quarantine"]
    assert day_3["checkins"] == day_2["checkins"] | {("C5", "day-3", "checkins/2025-01-03/part-00000.json")}


def test_a_day_of_minutes_is_taken_with_the_records_quarantined_before(days):
    said, tables = days.said, days.tables
    assert "silver.wearable_minutes: built whole: first build" in said["day-1"]
    assert tables["day-1"]["minutes_quarantine"] == {("unknown_account", "day-1", 5)}
    assert len(tables["day-1"]["wearers"]) == 1
    assert (
        "silver.wearable_minutes: incremental: 2 rows of new batches, 1 quarantined rows looked at again"
        in (said["day-2"])
    )
    # Device 222's minute is M2's now, from its first delivery; the quarantine is empty.
    assert {(batch, line) for _, _, batch, line in tables["day-2"]["minutes"]} == {
        ("day-1", 2), ("day-1", 3), ("day-1", 4), ("day-1", 5), ("day-2", 2), ("day-2", 3),
    }  # fmt: skip
    assert len(tables["day-2"]["wearers"]) == 2
    assert tables["day-2"]["minutes_quarantine"] == set()


def test_a_record_of_a_minute_already_kept_is_merged_by_a_whole_build(days):
    assert (
        "silver.wearable_minutes: built whole: a new record of a row already kept is merged into it"
        in (days.said["day-3"])
    )
    # The copy is a duplicate: the minute keeps its first delivery.
    assert days.tables["day-3"]["minutes"] == days.tables["day-2"]["minutes"]


def test_a_full_refresh_gives_the_tables_the_days_gave(days):
    assert "silver.checkins: built whole: a full refresh" in days.said["refresh"]
    assert "silver.wearable_minutes: built whole: a full refresh" in days.said["refresh"]
    assert days.tables["refresh"] == days.tables["day-3"]
