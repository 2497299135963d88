"""Kill `fitlake run` in the middle of tasks, run it again, and get what one uninterrupted run gives."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import cli_env, fitlake, row_counts, sql

# The natural key of each table: Bronze has one row per landing line, the others declare their keys.
KEYS = {
    "bronze.checkins_raw": "_source_file, _line_number",
    "bronze.members_raw": "_source_file, _line_number",
    "silver.checkins": "checkin_id",
    "silver.members": "member_id",
    "silver.checkins_quarantine": "_source_file, _line_number",
    "silver.members_quarantine": "_source_file, _line_number",
    "gold.daily_active_members": "activity_date, location_id",
    "ops.ingested_files": "table_name, source_file",
}


def run_until_killed(home: Path, marker: str) -> str:
    """Start `fitlake run`, SIGKILL it as soon as it prints a line matching `marker`; returns its output."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fitlake", "--home", str(home), "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=cli_env(),
    )
    seen = []
    try:
        for line in process.stdout:
            seen.append(line)
            if re.search(marker, line):
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.kill()
        process.wait(timeout=60)
    output = "".join(seen)
    assert process.returncode == -signal.SIGKILL, f"the run ended before {marker!r}:\n{output}"
    return output


def test_runs_killed_mid_task_then_rerun_give_the_rows_of_an_uninterrupted_run(tmp_path, home):
    killed = tmp_path / "killed"
    fitlake(killed, "generate", "--scale", "tiny", "--seed", "3")  # the same data as `home`
    # In ingest_bronze just after the members' Bronze append, as their ledger rows are being written
    # (the next run then writes them from Bronze; tests/fitlake/test_tasks.py pins that case exactly).
    run_until_killed(killed, r"bronze\.members_raw: appended \d+ files to Bronze")
    # In build_silver after silver.checkins and its quarantine were written, while members are built.
    run_until_killed(killed, r"^\s+silver\.checkins\s+in ")
    final = fitlake(killed, "run")
    assert "steps ok, 0 failed" in final.stdout

    counts, uninterrupted = row_counts(killed), row_counts(home)
    assert set(KEYS) | {"ops.run_log"} == set(counts)
    for table, key in KEYS.items():
        assert counts[table] == uninterrupted[table], table
        duplicated = sql(killed, f"select {key}, count(*) as n from {table} group by {key} having count(*) > 1")
        assert duplicated == [], table
