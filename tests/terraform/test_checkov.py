"""checkov on terraform/: the built-in checks plus FitLake's own (terraform/checkov/), none may fail.

checkov lives in .venv-checkov (made by `make test`): it pins packages that clash with ours. Missing
means this test fails, never skips.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def checkov(directory: Path) -> dict:
    assert CHECKOV.is_file(), f"{CHECKOV} is missing: `make test` creates it"
    result = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "terraform", "--compact", "--quiet", "-o", "json",
         "--external-checks-dir", str(ROOT / "terraform" / "checkov"), "--skip-download"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    # --quiet leaves out passed checks; exit 1 means failed checks, which the caller asserts on.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    return report if isinstance(report, dict) else report[0]


@pytest.fixture(scope="module")
def report() -> dict:
    return checkov(ROOT / "terraform")


def test_checkov_finds_no_failed_check(report):
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["resource_count"] >= 10  # it read our resources
    failed = report.get("results", {}).get("failed_checks", [])
    assert report["summary"]["failed"] == 0, [(c["check_id"], c["resource"]) for c in failed]
    assert report["summary"]["passed"] >= 2  # FitLake's own checks applied to the warehouse


def test_no_check_is_skipped_without_a_written_reason():
    for path in (ROOT / "terraform").glob("*.tf"):
        for line in path.read_text().splitlines():
            if "checkov:skip=" in line:
                check, _, reason = line.split("checkov:skip=", 1)[1].partition(":")
                assert reason.strip(), f"{path.name}: skip of {check} has no reason"


def test_a_warehouse_that_never_stops_fails_checkov(tmp_path):
    # The checks can fail: the same files with auto-stop switched off do.
    copy = tmp_path / "terraform"
    shutil.copytree(ROOT / "terraform", copy, ignore=shutil.ignore_patterns("checkov", ".terraform*"))
    compute = copy / "compute.tf"
    compute.write_text(compute.read_text().replace("var.warehouse_auto_stop_minutes", "0"))
    failed = [(c["check_id"], c["resource"]) for c in checkov(copy)["results"]["failed_checks"]]
    assert failed == [("CKV2_FITLAKE_1", "databricks_sql_endpoint.analysts")]
