"""Terraform declares the catalog layout the pipeline writes to: one file parse away from drifting."""

import json
import re
from pathlib import Path

import hcl2
import yaml

from fitlake.contracts import LAYERS
from workflows import JOBS

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
    layer = volume["schema_name"].split('"')[1]  # ${databricks_schema.layer["ops"].name}
    (schema,) = [
        r['"databricks_schema"']['"layer"'] for r in _parsed("main.tf")["resource"] if '"databricks_schema"' in r
    ]
    assert _unquote(schema["name"]) == "${var.schema_prefix}${each.key}"  # the same prefix the job passes
    home = f"/Volumes/${{var.catalog}}/${{var.schema_prefix}}{layer}/{_unquote(volume['name'])}"
    for path in JOBS:
        (job,) = yaml.safe_load(path.read_text())["resources"]["jobs"].values()
        for task in job["tasks"]:
            params = task["python_wheel_task"]["parameters"]
            assert params[params.index("--home") + 1] == home


def _resources(name: str, kind: str) -> dict:
    return {k: v for r in _parsed(name)["resource"] if f'"{kind}"' in r for k, v in r[f'"{kind}"'].items()}


def test_analysts_may_use_the_catalog_and_read_gold_and_nothing_else():
    grants = _resources("grants.tf", "databricks_grants")
    analysts = {
        name: sorted(
            _unquote(p) for g in spec["grant"] if g["principal"] == "${var.analysts_group}" for p in g["privileges"]
        )
        for name, spec in grants.items()
    }
    assert analysts == {'"catalog"': ["USE_CATALOG"], '"gold"': ["SELECT", "USE_SCHEMA"]}
    assert grants['"gold"']["schema"] == '${databricks_schema.layer["gold"].id}'
    engineers = [g for g in grants['"catalog"']["grant"] if g["principal"] == "${var.engineers_group}"]
    assert [[_unquote(p) for p in g["privileges"]] for g in engineers] == [["ALL_PRIVILEGES"]]


def test_the_job_cluster_fits_the_cluster_policy():
    rules = json.loads((TERRAFORM / "cluster_policy.json").read_text())
    policy = _resources("compute.tf", "databricks_cluster_policy")['"jobs"']
    assert "cluster_policy.json" in policy["definition"]
    bundle = yaml.safe_load((TERRAFORM.parent / "databricks.yml").read_text())
    assert re.fullmatch(rules["spark_version"]["pattern"], bundle["variables"]["spark_version"]["default"])
    for path in JOBS:
        (job,) = yaml.safe_load(path.read_text())["resources"]["jobs"].values()
        (cluster,) = job["job_clusters"]
        assert cluster["new_cluster"]["data_security_mode"] == rules["data_security_mode"]["value"]
        workers = cluster["new_cluster"]["num_workers"]
        assert rules["num_workers"]["minValue"] <= workers <= rules["num_workers"]["maxValue"]
