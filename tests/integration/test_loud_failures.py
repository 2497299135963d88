"""A run that quarantines a whole landing file fails, loudly and once, and still builds every other table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deltalake import DeltaTable

from fitlake import registry
from fitlake.delta_tables import read_table
from tests.integration.conftest import copy_of, fitlake

# A day after the tiny data's fourteen days: a new delivery of check-ins, in the source's own JSON-lines layout,
# every record without its member number.
BAD_FILE = "checkins/2025-01-20/part-00000.json"
BAD_ROWS = 40  # a day's check-ins at a small site: all quarantined fails whatever the size, from 10 rows


def _checkins_without_members(path: Path) -> None:
    records = [
        {"checkin_id": f"CK20250120{n:06d}", "location_id": "BKN", "checkin_time": "2025-01-20 07:00:00",
         "site_timezone": "America/New_York", "channel": "app"}
        for n in range(1, BAD_ROWS + 1)
    ]  # fmt: skip
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


@pytest.mark.reliability(
    input="a copy of a built home plus a new check-ins file of 40 lines, every one without its member id",
    expected="`fitlake run` fails (exit 1) with the limit's screen: table, share, top rule with a count and a "
    "file:line; every other Silver table is built; the run's failure is said once",
    observed="exit 1; 'silver.checkins quarantined more than its limit of 5% of checkins/2025-01-20/part-00000.json "
    "(100.0%, 40 of 40 rows)', 'missing_column(member_id): 40 rows, e.g. checkins/2025-01-20/part-00000.json:1'; "
    "the 40 rows in silver.checkins_quarantine; the other 16 build_silver steps ok; no retry",
)
def test_a_landing_file_whose_rows_are_all_quarantined_fails_the_run_naming_table_share_and_line(home, tmp_path):
    lakehouse = copy_of(home, tmp_path / "home")
    _checkins_without_members(lakehouse / "landing" / BAD_FILE)

    run = fitlake(lakehouse, "run", check=False)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "retry" not in run.stdout
    summary = run.stdout[run.stdout.index("\nrun ") :]
    assert " FAILED: 1 of 6 tasks failed, 4 skipped" in summary.splitlines()[1]
    headline = f"silver.checkins quarantined more than its limit of 5% of {BAD_FILE} (100.0%, 40 of 40 rows)"
    assert f"  build_silver failed: {headline}" in summary
    assert f"missing_column(member_id): {BAD_ROWS} rows, e.g. {BAD_FILE}:1" in summary
    # The screen is shown once, in the summary; the step's own line said that it failed, and the last line where.
    assert summary.count(headline) == 1 and (run.stdout + run.stderr).count(f"{BAD_ROWS} rows, e.g.") == 1
    error = run.stderr.strip().splitlines()[-1]
    assert error.startswith("fitlake: run ") and error.endswith("failed: build_silver (see 'needs attention' above)")

    # The table and its quarantine are written, so the rows can be looked at.
    quarantine = read_table(DeltaTable(str(lakehouse / "fitlake" / "silver" / "checkins_quarantine"))).to_pandas()
    assert (quarantine["_source_file"] == BAD_FILE).sum() == BAD_ROWS
    # Every other Silver table was built in that run, as `fitlake steps` shows it from ops.run_log.
    steps = json.loads(fitlake(lakehouse, "steps", "--format", "json").stdout)
    silver = {s["table_name"]: s["status"] for s in steps if s["task"] == "build_silver"}
    assert silver == {m.name: "ok" for m in registry.in_build_order("silver")} | {"silver.checkins": "failed"}
