"""`fitlake deploy` as a user runs it: dry run without credentials, then twice against a fake workspace."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from databricks.sdk.service.jobs import JobSettings

from tests.integration.conftest import cli_env
from tests.integration.fake_workspace import FakeWorkspace
from workflows import JOBS

TOKEN = "dapi-test-token"


def deploy(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in cli_env(**env).items() if not k.startswith(("DATABRICKS_", "BUNDLE_VAR_"))}
    return subprocess.run(
        [sys.executable, "-m", "fitlake", "deploy", *args],
        capture_output=True,
        text=True,
        env={**clean, "DATABRICKS_CONFIG_FILE": "/nonexistent", **env},
        timeout=120,
    )


@pytest.fixture(scope="module")
def dry_run() -> list[dict]:
    result = deploy("--target", "dev", "--dry-run")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_dry_run_prints_job_settings_with_the_yaml_task_keys_and_needs_no_credentials(dry_run):
    printed = {JobSettings.from_dict(p).name: JobSettings.from_dict(p) for p in dry_run}
    assert sorted(printed) == ["[dev] fitlake_daily", "[dev] fitlake_weekly_training"]
    for path in JOBS:
        ((key, job),) = yaml.safe_load(path.read_text())["resources"]["jobs"].items()
        settings = printed[f"[dev] {key}"]
        assert [t.task_key for t in settings.tasks] == [t["task_key"] for t in job["tasks"]]
        assert settings.schedule.pause_status.value == "PAUSED"
        params = settings.tasks[0].python_wheel_task.parameters
        assert params[params.index("--catalog") + 1] == "fitlake_dev"  # ${var.catalog} from the dev target
        assert settings.tasks[0].libraries[0].whl.endswith("/dev/artifacts/.internal/fitlake-0.1.0-py3-none-any.whl")


def test_deploying_twice_creates_each_job_once_then_resets_it(tmp_path, dry_run):
    expected = dry_run
    with FakeWorkspace(TOKEN) as workspace:
        runs = [deploy("--target", "dev", DATABRICKS_HOST=workspace.host, DATABRICKS_TOKEN=TOKEN) for _ in range(2)]
        for run in runs:
            assert run.returncode == 0, run.stderr
        for job in ("fitlake_daily", "fitlake_weekly_training"):
            assert f"created job '[dev] {job}'" in runs[0].stdout
            assert f"updated job '[dev] {job}'" in runs[1].stdout

        job_calls = [c for c in workspace.calls if "/jobs/" in c[1]]
        listed = ("GET", "/api/2.2/jobs/list")
        created, reset = ("POST", "/api/2.2/jobs/create"), ("POST", "/api/2.2/jobs/reset")
        # Every job is looked up before the wheel is built, then each is created or reset.
        assert job_calls == [listed, listed, created, created, listed, listed, reset, reset]
        assert list(workspace.jobs.values()) == expected  # one job each, holding exactly the dry run's settings

        # The wheel every task installs was uploaded where the settings point, and is the fitlake wheel.
        (uploaded,) = workspace.files
        assert "/Workspace" + uploaded == expected[0]["tasks"][0]["libraries"][0]["whl"]
        wheel = tmp_path / "fitlake.whl"
        wheel.write_bytes(workspace.files[uploaded])
        names = zipfile.ZipFile(wheel).namelist()
        assert "fitlake/cli.py" in names and "workflows/fitlake_daily.job.yml" in names


def test_a_job_deployed_by_databricks_bundle_deploy_is_left_alone():
    with FakeWorkspace(TOKEN) as workspace:
        workspace.jobs[7] = {"name": "[dev] fitlake_daily", "deployment": {"kind": "BUNDLE"}}
        result = deploy("--target", "dev", DATABRICKS_HOST=workspace.host, DATABRICKS_TOKEN=TOKEN)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            "fitlake: job '[dev] fitlake_daily' is managed by `databricks bundle deploy`: deploy it with that, not both"
        )
        assert workspace.jobs == {7: {"name": "[dev] fitlake_daily", "deployment": {"kind": "BUNDLE"}}}
        # Refused before the wheel was built: nothing uploaded, no build announced.
        assert workspace.files == {} and "building" not in result.stdout


def test_without_credentials_deploy_says_what_to_set(tmp_path: Path):
    result = deploy("--target", "dev")
    assert result.returncode == 1
    assert result.stderr.startswith("fitlake: no Databricks credentials: set DATABRICKS_HOST")
    assert "Traceback" not in result.stderr


def test_an_unknown_target_exits_2_naming_the_targets():
    result = deploy("--target", "staging", "--dry-run")
    assert result.returncode == 2
    assert result.stderr.strip() == "fitlake: databricks.yml has no target 'staging'; it has dev, prod"
