"""`fitlake deploy`: build the wheel, upload it, and create or update each job of the bundle by name.

The job settings are the bundle's (fitlake.bundle) with the local wheel path of each task's libraries
replaced by the uploaded one, checked against databricks-sdk's JobSettings so a misspelt field fails
here rather than being dropped. Jobs are matched by name, so deploying twice updates (jobs/reset) the
job the first deploy created (jobs/create) instead of adding a second one.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fitlake.bundle import Bundle, Job
from fitlake.errors import DeployError, UsageError, first_line


def wheel_name(root: Path) -> str:
    """The file name `pip wheel` gives the project (pure Python, so py3-none-any)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


def uploaded_wheel_path(bundle: Bundle) -> str:
    return f"{bundle.artifact_path}/.internal/{wheel_name(bundle.root)}"


def _is_local(path: str) -> bool:
    return not path.startswith("/") and ":" not in path


def _with_uploaded_wheel(job: Job, bundle: Bundle) -> dict:
    """Job settings whose local `whl` libraries point at the wheel `fitlake deploy` uploads."""
    wheel, dist = wheel_name(bundle.root), (bundle.root / "dist").resolve()
    tasks = []
    for task in job.settings.get("tasks", []):
        libraries = []
        for library in task.get("libraries", []):
            local = library.get("whl")
            if local and _is_local(local):
                pattern = (job.source.parent / local).resolve()
                if pattern.parent != dist or not fnmatch.fnmatch(wheel, pattern.name):
                    raise UsageError(f"job {job.key}: library {local} is not the wheel built into dist/ ({wheel})")
                library = {**library, "whl": uploaded_wheel_path(bundle)}
            libraries.append(library)
        tasks.append({**task, "libraries": libraries} if libraries else task)
    return {**job.settings, "tasks": tasks}


def _unknown_fields(declared: object, understood: object, path: str = "") -> list[str]:
    if isinstance(declared, dict) and isinstance(understood, dict):
        return [
            name
            for key, value in declared.items()
            for name in (
                [f"{path}{key}"] if key not in understood else _unknown_fields(value, understood[key], f"{path}{key}.")
            )
        ]
    if isinstance(declared, list) and isinstance(understood, list) and len(declared) == len(understood):
        return [
            n
            for i, (d, u) in enumerate(zip(declared, understood, strict=True))
            for n in _unknown_fields(d, u, f"{path}{i}.")
        ]
    return []


def job_settings(bundle: Bundle) -> list[dict]:
    """Every job's settings as the Jobs API receives them, in JobSettings' own serialisation."""
    from databricks.sdk.service.jobs import JobSettings

    settings = []
    for job in bundle.jobs:
        declared = _with_uploaded_wheel(job, bundle)
        understood = JobSettings.from_dict(declared).as_dict()
        unknown = _unknown_fields(declared, understood)
        if unknown:
            raise UsageError(f"job {job.key} in {job.source.name} has fields the Jobs API does not know: {unknown}")
        settings.append(understood)
    return settings


def build_wheel(root: Path, out_dir: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--quiet", "-w", str(out_dir)],
        capture_output=True,
        text=True,
    )
    wheel = out_dir / wheel_name(root)
    if result.returncode != 0 or not wheel.is_file():
        detail = (result.stderr.strip().splitlines() or ["no wheel written"])[-1]
        raise DeployError(f"building the wheel failed: {detail}")
    return wheel


@contextmanager
def _workspace_errors(doing: str) -> Iterator[None]:
    from databricks.sdk.errors import DatabricksError

    try:
        yield
    except DatabricksError as e:
        raise DeployError(f"{doing}: {first_line(e)}") from e


def workspace_client():
    """A client configured from the environment (DATABRICKS_HOST and a token, or a profile)."""
    from databricks.sdk import WorkspaceClient

    try:
        return WorkspaceClient()
    except ValueError as e:
        raise DeployError(
            "no Databricks credentials: set DATABRICKS_HOST and DATABRICKS_TOKEN (or DATABRICKS_CONFIG_PROFILE); "
            f"{str(e).splitlines()[0]}"
        ) from e


def upload_wheel(w, wheel: Path, destination: str) -> None:
    from databricks.sdk.service.workspace import ImportFormat

    # Jobs name workspace files as /Workspace/...; the Workspace API names the same file without it.
    api_path = destination.removeprefix("/Workspace")
    with _workspace_errors(f"uploading {wheel.name} to {destination}"):
        w.workspace.mkdirs(api_path.rsplit("/", 1)[0])
        with wheel.open("rb") as content:
            w.workspace.upload(api_path, content, format=ImportFormat.AUTO, overwrite=True)


def existing_job(w, settings: dict) -> int | None:
    """The id of the one job named as `settings` name it, None if there is none; DeployError where deploying
    would be wrong: two jobs of that name, or a job `databricks bundle deploy` manages."""
    from databricks.sdk.service.jobs import JobDeploymentKind

    name = settings["name"]
    with _workspace_errors(f"deploying job {name!r}"):
        found = list(w.jobs.list(name=name))
    if len(found) > 1:
        raise DeployError(f"{len(found)} jobs are named {name!r}: delete all but one, then deploy again")
    if not found:
        return None
    deployment = found[0].settings.deployment if found[0].settings else None
    if deployment and deployment.kind == JobDeploymentKind.BUNDLE:
        raise DeployError(f"job {name!r} is managed by `databricks bundle deploy`: deploy it with that, not both")
    return found[0].job_id


def upsert_job(w, settings: dict, job_id: int | None) -> tuple[str, int]:
    """Create the job (`job_id` None), or reset job `job_id` to these settings; ("created"|"updated", id)."""
    from databricks.sdk.service.jobs import JobSettings

    new = JobSettings.from_dict(settings)
    with _workspace_errors(f"deploying job {new.name!r}"):
        if job_id is not None:
            w.jobs.reset(job_id, new)
            return "updated", job_id
        created = w.jobs.create(**{f.name: getattr(new, f.name) for f in dataclasses.fields(new)})
        return "created", created.job_id


def deploy(bundle: Bundle, w, wheel: Path | None = None, echo=print) -> list[tuple[str, str, int]]:
    """Upload the wheel (built now unless given) and upsert every job; returns (name, action, job id)."""
    settings = job_settings(bundle)
    # Every job checked before the wheel is built and uploaded: a job that cannot be deployed costs no build.
    job_ids = [existing_job(w, job) for job in settings]
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            echo(f"building {wheel_name(bundle.root)}")
            wheel = build_wheel(bundle.root, Path(tmp))
        destination = uploaded_wheel_path(bundle)
        upload_wheel(w, wheel, destination)
        echo(f"uploaded {wheel.name} to {destination}")
    done = []
    for job, existing in zip(settings, job_ids, strict=True):
        action, job_id = upsert_job(w, job, existing)
        echo(f"{action} job {job['name']!r} (job_id {job_id})")
        done.append((job["name"], action, job_id))
    return done
