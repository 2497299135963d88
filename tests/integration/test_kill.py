"""Kill `fitlake run` in the middle of tasks, run it again, and get what one uninterrupted run gives."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from deltalake import DeltaTable

from fitlake import registry
from fitlake.lakehouse import delta_tables_on_disk
from tests.integration.conftest import SUMMARY, cli_env, fitlake

# Tables that record runs rather than data: a killed run leaves its own rows there, by design.
RUN_RECORDS = {"ops.run_log", "ops.reconciliation", "ops.dq_results"}


def natural_key(table: str) -> list[str]:
    """Bronze and quarantine tables hold one row per landing line; the others declare their keys."""
    contract = registry.contracts()[table]
    return list(contract.keys) or ["_source_file", "_line_number"]


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


def test_runs_killed_mid_task_then_rerun_give_the_rows_of_an_uninterrupted_run(tmp_path, two_days):
    killed = tmp_path / "killed"
    shutil.copytree(two_days.backfill / "landing", killed / "landing")  # the data of an uninterrupted run
    # In ingest_bronze just after the members' ledger rows, as their lines are being appended to Bronze
    # (the next run withdraws those rows and reads the files again; tests/fitlake/test_ingest.py pins that case).
    run_until_killed(killed, r"bronze\.members_raw: ledgered \d+ files; appending their lines to Bronze")
    # In build_silver after silver.checkins and its quarantine were written, while members are built.
    run_until_killed(killed, r"^\s+silver\.checkins\s+in ")
    final = fitlake(killed, "run")
    assert SUMMARY.search(final.stdout), final.stdout

    # Read with delta-rs: ninety tables of a few rows each, two queries apiece, were half the test's time on Sail.
    tables = dict(delta_tables_on_disk(killed / "fitlake"))
    uninterrupted = dict(delta_tables_on_disk(two_days.backfill / "fitlake"))
    assert set(tables) - RUN_RECORDS == set(uninterrupted) - RUN_RECORDS
    for table, path in tables.items():
        if table in RUN_RECORDS:
            continue
        keys = natural_key(table)
        rows = DeltaTable(str(path)).to_pyarrow_table(columns=keys).to_pandas()
        assert len(rows) == DeltaTable(str(uninterrupted[table])).to_pyarrow_dataset().count_rows(), table
        assert not rows.duplicated().any(), table
