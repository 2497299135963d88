"""Two `fitlake run` started together on one home: one writes, the other refuses at once (fitlake.lock)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from deltalake import DeltaTable

from fitlake.delta_tables import read_table
from tests.integration.conftest import cli_env, row_counts

# Ingestion is where two writers would do harm that a rerun cannot undo (every landing line twice, in Bronze and in
# the ledger); Silver and Gold are rebuilt whole by the next run. Two ingestions keep the test short.
RUN = ("run", "--only", "ingest_bronze")
RUN_RECORDS = {"ops.run_log"}


@pytest.mark.reliability(
    input="two `fitlake run` started together on one home",
    expected="one runs, the other refuses at once with exit 2 and one line naming the holder; the tables as one "
    "run leaves them",
    observed="exit 0 and exit 2: '<home> is being written by `fitlake run` (pid N, since ...): one writer at a "
    "time; ...'; every table's rows equal one run's, no file twice in ops.ingested_files",
)
def test_two_runs_started_together_one_refuses_and_the_tables_are_what_one_run_leaves(home, tmp_path):
    shared = tmp_path / "home"
    shutil.copytree(home / "landing", shared / "landing")  # the data `home` was built from, nothing ingested yet
    command = [sys.executable, "-m", "fitlake", "--home", str(shared), *RUN]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [0, 2], outputs
    writer, refused = (0, 1) if codes[0] == 0 else (1, 0)
    stderr = outputs[refused][1]
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    holder = rf"fitlake: {re.escape(str(shared))} is being written by `fitlake run` \(pid {runs[writer].pid}, since "
    assert re.match(holder, stderr), stderr
    assert outputs[refused][0] == ""  # nothing started: not even the run's header

    counts = row_counts(shared)
    one_run = row_counts(home)
    assert {t: n for t, n in counts.items() if t not in RUN_RECORDS} == {
        t: one_run[t] for t in counts if t not in RUN_RECORDS
    }
    ledger = read_table(DeltaTable(str(shared / "fitlake" / "ops" / "ingested_files"))).to_pandas()
    assert len(ledger) and not ledger.duplicated(["table_name", "source_file"]).any()
