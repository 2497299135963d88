from pathlib import Path

import pytest
import yaml

from fitlake import bundle
from fitlake.deploy import job_settings
from fitlake.errors import UsageError
from workflows import BUNDLE_ROOT


def _bundle(tmp_path: Path, job: dict, **targets: dict) -> Path:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "fitlake"\nversion = "1.2.3"\n')
    config = {
        "bundle": {"name": "b"},
        "include": ["workflows/*.job.yml"],
        "variables": {"catalog": {"default": "from_default"}, "owner": {"default": "ops"}},
        "workspace": {"root_path": "/Workspace/Shared/${bundle.name}/${bundle.target}"},
        "targets": targets or {"dev": {}},
    }
    (tmp_path / "databricks.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "workflows" / "j.job.yml").write_text(yaml.safe_dump({"resources": {"jobs": {"j": job}}}))
    return tmp_path


JOB = {
    "name": "nightly",
    "schedule": {"quartz_cron_expression": "0 0 5 * * ?", "timezone_id": "UTC", "pause_status": "UNPAUSED"},
    "tasks": [
        {
            "task_key": "t",
            "libraries": [{"whl": "../dist/*.whl"}],
            "python_wheel_task": {"package_name": "fitlake", "entry_point": "fitlake",
                                  "parameters": ["--catalog", "${var.catalog}", "--owner", "${var.owner}"]},
        }
    ],
}  # fmt: skip


def _params(loaded: bundle.Bundle) -> list[str]:
    return loaded.jobs[0].settings["tasks"][0]["python_wheel_task"]["parameters"]


def test_variables_come_from_defaults_then_target_then_environment_then_flags(tmp_path, monkeypatch):
    root = _bundle(tmp_path, JOB, dev={"variables": {"catalog": "from_target"}})
    monkeypatch.delenv("BUNDLE_VAR_catalog", raising=False)
    monkeypatch.delenv("BUNDLE_VAR_owner", raising=False)
    assert _params(bundle.load(root, "dev")) == ["--catalog", "from_target", "--owner", "ops"]
    monkeypatch.setenv("BUNDLE_VAR_catalog", "from_env")
    assert _params(bundle.load(root, "dev"))[1] == "from_env"
    assert _params(bundle.load(root, "dev", {"catalog": "from_flag"}))[1] == "from_flag"
    with pytest.raises(UsageError, match=r"variables \['nope'\] are not declared"):
        bundle.load(root, "dev", {"nope": "x"})


def test_presets_prefix_the_name_and_pause_the_schedule_and_the_wheel_path_is_the_uploaded_one(tmp_path):
    presets = {"name_prefix": "[dev] ", "trigger_pause_status": "PAUSED"}
    root = _bundle(tmp_path, JOB, dev={"presets": presets}, prod={})
    dev, prod = bundle.load(root, "dev"), bundle.load(root, "prod")
    assert (dev.jobs[0].settings["name"], dev.jobs[0].settings["schedule"]["pause_status"]) == (
        "[dev] nightly",
        "PAUSED",
    )
    assert (prod.jobs[0].settings["name"], prod.jobs[0].settings["schedule"]["pause_status"]) == ("nightly", "UNPAUSED")
    (settings,) = job_settings(prod)
    wheel = "/Workspace/Shared/b/prod/artifacts/.internal/fitlake-1.2.3-py3-none-any.whl"
    assert settings["tasks"][0]["libraries"] == [{"whl": wheel}]


def test_an_unknown_reference_is_refused_naming_it(tmp_path):
    job = {**JOB, "description": "owned by ${var.team}"}
    with pytest.raises(UsageError, match=r"j.job.yml job j: unknown reference \$\{var.team\}"):
        bundle.load(_bundle(tmp_path, job), "dev")


def test_a_field_the_jobs_api_does_not_know_is_refused_not_dropped(tmp_path):
    job = {**JOB, "tasks": [{**JOB["tasks"][0], "max_retrys": 3}]}
    with pytest.raises(UsageError, match=r"does not know: \['tasks.0.max_retrys'\]"):
        job_settings(bundle.load(_bundle(tmp_path, job), "dev"))


def test_a_wheel_library_that_is_not_the_built_wheel_is_refused(tmp_path):
    job = {**JOB, "tasks": [{**JOB["tasks"][0], "libraries": [{"whl": "../other/*.whl"}]}]}
    with pytest.raises(UsageError, match=r"library ../other/\*.whl is not the wheel built into dist/"):
        job_settings(bundle.load(_bundle(tmp_path, job), "dev"))


def test_every_job_of_the_real_bundle_parses_into_job_settings_for_every_target():
    from databricks.sdk.service.jobs import JobSettings

    for target in yaml.safe_load((BUNDLE_ROOT / "databricks.yml").read_text())["targets"]:
        loaded = bundle.load(BUNDLE_ROOT, target)
        assert loaded.jobs, target
        for settings in job_settings(loaded):
            parsed = JobSettings.from_dict(settings)
            assert parsed.tasks and all(t.python_wheel_task and t.libraries for t in parsed.tasks)
            assert parsed.email_notifications.on_failure and parsed.max_concurrent_runs == 1
