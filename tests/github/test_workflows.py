"""The GitHub Actions workflows: CI runs the suite; deploy goes dev first, prod behind its environment."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

WORKFLOWS = Path(__file__).parents[2] / ".github" / "workflows"


def _workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_ci_runs_make_test_with_python_311_and_java_17():
    (job,) = _workflow("ci.yml")["jobs"].values()
    versions = {k: v for step in job["steps"] for k, v in step.get("with", {}).items() if k.endswith("-version")}
    assert versions == {"python-version": "3.11", "java-version": "17"}
    # Before it, only lifting Ubuntu's restriction on user namespaces, which the engine's isolation needs.
    assert _runs(job) == ["sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true", "make test"]


def test_deploy_validates_then_deploys_dev_then_prod_behind_its_environment():
    workflow = _workflow("deploy.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["workflow_run"] == {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]}
    assert "workflow_dispatch" in triggers
    jobs = workflow["jobs"]
    assert set(jobs) == {"dev", "prod"} and jobs["prod"]["needs"] == "dev"
    for target, job in jobs.items():
        assert job["environment"] == target
        assert _runs(job) == [f"databricks bundle validate -t {target}", f"databricks bundle deploy -t {target}"]
        assert any(step.get("uses", "").startswith("databricks/setup-cli@") for step in job["steps"])


def test_credentials_come_from_secrets_never_from_the_files():
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text()
        assert not re.search(r"dapi[0-9a-f]{8,}", text), path.name
        for job in yaml.safe_load(text)["jobs"].values():
            for name, value in job.get("env", {}).items():
                if name.startswith("DATABRICKS_"):
                    assert value == f"${{{{ secrets.{name} }}}}", (path.name, name)
