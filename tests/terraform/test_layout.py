"""Terraform declares the catalog layout the pipeline writes to: one file parse away from drifting."""

from pathlib import Path

import hcl2
import yaml

from fitlake.contracts import LAYERS
from workflows import DAILY_JOB

TERRAFORM = Path(__file__).parents[2] / "terraform"


def _unquote(value: str) -> str:
    return value.strip('"')


def _parsed(name: str) -> dict:
    return hcl2.loads((TERRAFORM / name).read_text())


def test_every_terraform_file_parses():
    files = sorted(TERRAFORM.glob("*.tf"))
    assert files
    for path in files:
        assert hcl2.loads(path.read_text()), path.name


def test_terraform_creates_exactly_the_schemas_the_contracts_use():
    (local_block,) = _parsed("main.tf")["locals"]
    assert set(local_block["schemas"]) == set(LAYERS)


def test_the_landing_volume_is_where_the_job_reads_from():
    volumes = [r['"databricks_volume"'] for r in _parsed("main.tf")["resource"] if '"databricks_volume"' in r]
    (volume,) = [v['"lakehouse"'] for v in volumes]
    schema = volume["schema_name"].split('"')[1]  # ${databricks_schema.layer["ops"].name}
    home = f"/Volumes/${{var.catalog}}/{schema}/{_unquote(volume['name'])}"
    job = yaml.safe_load(DAILY_JOB.read_text())["resources"]["jobs"]["fitlake_daily"]
    for task in job["tasks"]:
        params = task["python_wheel_task"]["parameters"]
        assert params[params.index("--home") + 1] == home
