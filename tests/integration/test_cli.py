"""The thin slice end to end, through the `fitlake` command a user types, on a temporary lakehouse.

Each command runs in its own process, as it does for a user, so these tests also prove the session
starts, re-registers the catalog from disk and stops cleanly every time.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.integration.conftest import STEPS_PER_RUN, fitlake, row_counts, sql

DATA_TABLES = {
    "bronze.checkins_raw",
    "bronze.members_raw",
    "silver.checkins",
    "silver.checkins_quarantine",
    "silver.members",
    "silver.members_quarantine",
    "gold.daily_active_members",
}
# What the generator injects into the sources this pipeline reads, and the rule each defect must be
# quarantined under: (source, kind) -> (table, rule).
QUARANTINE_RULE = {
    ("checkins", "malformed_json"): ("silver.checkins_quarantine", "well_formed_record"),
    ("checkins", "truncated_file"): ("silver.checkins_quarantine", "well_formed_record"),
    ("checkins", "missing_required"): ("silver.checkins_quarantine", "not_null(member_id)"),
    ("checkins", "bad_timestamp"): ("silver.checkins_quarantine", "parseable(checkin_local_time)"),
    ("members", "wrong_field_count"): ("silver.members_quarantine", "well_formed_record"),
    ("members", "bad_timestamp"): ("silver.members_quarantine", "parseable(join_date)"),
}
# Defects that are not a bad row: a re-sent copy is counted as a duplicate, a late file is just read.
NOT_QUARANTINED = {("checkins", "duplicate"), ("checkins", "late_file")}


def test_gold_answers_an_analysts_question(home):
    (row,) = sql(home, "select count(*) as n from gold.daily_active_members")
    assert row["n"] > 0
    (same,) = sql(home, "select count(*) as n from fitlake.gold.daily_active_members")  # three-part name
    assert same == row


def test_every_injected_defect_is_quarantined_under_its_rule_at_its_line(home):
    truth = json.loads((home / "_truth" / "defects.json").read_text())
    injected = {(s, k) for s in ("checkins", "members") for k in truth["counts"][s]}
    assert injected == set(QUARANTINE_RULE) | NOT_QUARANTINED  # a new kind needs a rule here
    expected_by_rule: dict[tuple[str, str], set] = {}
    for d in truth["defects"]:
        if (d["source"], d["kind"]) in QUARANTINE_RULE:
            expected_by_rule.setdefault(QUARANTINE_RULE[d["source"], d["kind"]], set()).add((d["file"], d["line"]))
    for (table, rule), expected in expected_by_rule.items():
        rows = sql(home, f"select _source_file, _line_number from {table} where _quarantine_reason = '{rule}'")
        assert {(r["_source_file"], r["_line_number"]) for r in rows} == expected, rule


def test_every_bronze_row_is_in_silver_quarantine_or_counted_as_a_duplicate(home):
    truth = json.loads((home / "_truth" / "defects.json").read_text())
    counts = row_counts(home)
    steps = {r["table_name"]: r for r in sql(home, "select * from ops.run_log where task = 'build_silver'")}
    for table in ("checkins", "members"):
        step = steps[f"silver.{table}"]
        assert step["rows_in"] == counts[f"bronze.{table}_raw"]
        assert step["rows_out"] == counts[f"silver.{table}"]
        assert step["rows_quarantined"] == counts[f"silver.{table}_quarantine"]
        assert step["rows_in"] == step["rows_out"] + step["rows_quarantined"] + step["rows_duplicate"]
    assert steps["silver.checkins"]["rows_duplicate"] == truth["counts"]["checkins"]["duplicate"]


def test_a_second_run_changes_no_data_table(home):
    before = row_counts(home)
    rerun = fitlake(home, "run")
    assert "0 new of" in rerun.stdout
    after = row_counts(home)
    assert set(after) >= DATA_TABLES
    assert {t: after[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}
    assert after["ops.ingested_files"] == before["ops.ingested_files"]
    # The run log is the record of runs: it gains one row per table built, and nothing else does.
    assert after["ops.run_log"] == before["ops.run_log"] + STEPS_PER_RUN


def test_only_runs_a_single_task(home):
    result = fitlake(home, "run", "--only", "build_gold")
    assert "[build_gold]" in result.stdout and "[build_silver]" not in result.stdout
    assert "summary: 1 steps ok" in result.stdout


def test_history_shows_delta_commits(home):
    result = fitlake(home, "history", "silver.checkins")
    assert "CREATE TABLE" in result.stdout and "WRITE" in result.stdout


def test_channels_are_normalised(home):
    rows = sql(home, "select channel, count(*) as n from silver.checkins group by channel")
    assert {r["channel"] for r in rows} == {"app", "front_desk"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("select * from gold.no_such_table", "no_such_table"),
        ("selec 1", "selec"),
    ],
)
def test_bad_sql_prints_one_line_and_exits_2(home, query, message):
    result = fitlake(home, "sql", query, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fitlake: query failed:") and message in lines[0]


def test_an_empty_landing_folder_is_refused_and_nothing_is_written(tmp_path):
    for home in (tmp_path / "missing", tmp_path / "empty"):
        (tmp_path / "empty" / "landing").mkdir(parents=True, exist_ok=True)
        result = fitlake(home, "run", check=False)
        assert result.returncode == 1
        assert "no landing files for" in result.stderr and "fitlake generate" in result.stderr
        assert "Traceback" not in result.stderr
        assert not (home / "fitlake").exists()


def test_quarantine_reasons_are_the_rules_not_their_consequences(home):
    reasons = Counter(
        r["_quarantine_reason"] for r in sql(home, "select _quarantine_reason from silver.checkins_quarantine")
    )
    assert set(reasons) <= {rule for table, rule in QUARANTINE_RULE.values() if table.startswith("silver.checkins")}
