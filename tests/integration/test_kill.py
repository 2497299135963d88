"""Kill `fitlake run` in the middle of tasks, run it again, and get what one uninterrupted run gives, with files no
source can read among the landing files (they share the runs: a full `fitlake run` of its own cost 42 s)."""

from __future__ import annotations

import gzip
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from deltalake import DeltaTable

from fitlake import registry
from fitlake.delta_tables import count_rows, read_table
from fitlake.lakehouse import delta_tables_on_disk
from tests.integration.conftest import SUMMARY, cli_env, fitlake

# Tables that record runs rather than data: a killed run leaves its own rows there, by design.
RUN_RECORDS = {"ops.run_log", "ops.reconciliation", "ops.dq_results", "ops.table_builds"}

# Landing files no source can read, in a day folder of their own, and one no source takes.
DAY = "2031-01-01"
POISON = {
    f"checkins/{DAY}/part-00000.json": (gzip.compress(b'{"checkin_id": "CK1"}\n'), "gzip_content"),
    f"attendance/{DAY}/part-00000.json": (b'{"event_id": "E1"}\n\x00\x00\x01\x02', "binary_content at byte 19"),
    f"members/{DAY}/part-00000.csv": (b"member_id,first_name\nM9,Jos\xe9\n", "not_utf8 at byte 27"),
    f"retail/{DAY}/part-00000.csv": (b"receipt_id,sku,sku\nR1,A,B\n", "duplicate_header_column(sku)"),
}
UNCLAIMED = f"checkins/{DAY}/part-00000.txt"


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


@pytest.mark.reliability(
    input="`fitlake run` after four poison files land (gzip named .json, binary bytes, a Latin-1 byte in a members "
    "CSV, a retail CSV naming sku twice) and a .txt file in a day folder; the run killed twice, then run again",
    expected="each poison file named with its reason and recorded once in ops.rejected_files; every other Silver "
    "and Gold table built as without them; the .txt named in the warning block",
    observed="'rejected <file>: <reason>' for the four; ops.rejected_files 4 rows; every data table's rows equal "
    "to those of an uninterrupted run on the landing files without the poison ones, no key twice",
)
def test_runs_killed_mid_task_then_rerun_give_the_rows_of_an_uninterrupted_run(tmp_path, two_days):
    killed = tmp_path / "killed"
    shutil.copytree(two_days.backfill / "landing", killed / "landing")  # the data of an uninterrupted run
    for path, (data, _) in {**POISON, UNCLAIMED: (b"notes\n", "")}.items():
        (killed / "landing" / path).parent.mkdir(parents=True, exist_ok=True)
        (killed / "landing" / path).write_bytes(data)
    # In ingest_bronze just after the members' ledger rows, as their lines are being appended to Bronze
    # (the next run withdraws those rows and reads the files again; tests/fitlake/test_ingest.py pins that case).
    outputs = [run_until_killed(killed, r"bronze\.members_raw: ledgered \d+ files; appending their lines to Bronze")]
    # In build_silver after silver.checkins and its quarantine were written, while members are built.
    outputs.append(run_until_killed(killed, r"^\s+silver\.checkins\s+in "))
    final = fitlake(killed, "run")
    assert SUMMARY.search(final.stdout), final.stdout
    # A file is rejected by the run that first meets it, once, whichever run that is.
    said = "".join([*outputs, final.stdout])
    for path, (_, reason) in POISON.items():
        assert f"rejected {path}: {reason}" in said
    assert f"{UNCLAIMED}  checkins reads .json, .jsonl files" in final.stdout
    rejected_files = dict(delta_tables_on_disk(killed / "fitlake"))["ops.rejected_files"]
    rejected = read_table(DeltaTable(str(rejected_files))).to_pylist()
    assert sorted((r["source_file"], r["reason"]) for r in rejected) == sorted(
        (path, reason) for path, (_, reason) in POISON.items()
    )

    # Read with delta-rs: ninety tables of a few rows each, two queries apiece, were half the test's time on Sail.
    tables = dict(delta_tables_on_disk(killed / "fitlake"))
    uninterrupted = dict(delta_tables_on_disk(two_days.backfill / "fitlake"))
    assert set(tables) - RUN_RECORDS == set(uninterrupted) - RUN_RECORDS
    for table, path in tables.items():
        if table in RUN_RECORDS or table == "ops.rejected_files":  # compared above
            continue
        keys = natural_key(table)
        rows = read_table(DeltaTable(str(path)), keys).to_pandas()
        if table == "ops.ingested_files":  # the ledger also lists the rejected files, with their status
            rows = rows[~rows["source_file"].isin(POISON)]
        assert len(rows) == count_rows(DeltaTable(str(uninterrupted[table]))), table
        assert not rows.duplicated().any(), table
