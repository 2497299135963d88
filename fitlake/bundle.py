"""Read the Databricks Asset Bundle (databricks.yml and the job files it includes) for one target.

This is the subset of bundle semantics `fitlake deploy` needs, so the jobs can be deployed with
databricks-sdk where the databricks CLI is not installed: `include` globs, variables (defaults, then
the target's, then BUNDLE_VAR_<name> from the environment, then --var), `${var.*}`, `${bundle.*}` and
`${workspace.*}` references, and the target's `presets` (name_prefix, trigger_pause_status). What it
does not support (target-level resource overrides, other reference kinds) is refused, not ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from fitlake.errors import UsageError

BUNDLE_FILE = "databricks.yml"
# ${a.b.c}; Databricks' own {{job.run_id}}-style references are left for the Jobs service.
REFERENCE = re.compile(r"\$\{([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)\}")


@dataclass(frozen=True)
class Job:
    key: str
    source: Path  # the YAML file that declares it: relative library paths are relative to its folder
    settings: dict


@dataclass(frozen=True)
class Bundle:
    root: Path
    target: str
    workspace: dict[str, str]
    jobs: tuple[Job, ...]
    # The bundle's apps, by resource key: `databricks bundle deploy` deploys them, `fitlake deploy` does not.
    apps: tuple[str, ...] = ()

    @property
    def artifact_path(self) -> str:
        return self.workspace["artifact_path"]


def _read(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise UsageError(f"cannot read {path}: {str(e).splitlines()[0]}") from e


def jobs_in(path: Path) -> dict[str, dict]:
    """The job resources declared in one bundle YAML file, by resource key."""
    return (_read(path).get("resources") or {}).get("jobs") or {}


def apps_in(path: Path) -> tuple[str, ...]:
    """The keys of the app resources declared in one bundle YAML file."""
    return tuple((_read(path).get("resources") or {}).get("apps") or {})


def substitute(value: object, lookup: Mapping[str, str], where: str) -> object:
    """`value` with every ${name} reference replaced from `lookup`; an unknown name is an error."""
    if isinstance(value, str):

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name not in lookup:
                raise UsageError(f"{where}: unknown reference ${{{name}}}")
            return str(lookup[name])

        return REFERENCE.sub(replace, value)
    if isinstance(value, list):
        return [substitute(v, lookup, where) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, lookup, where) for k, v in value.items()}
    return value


def _variables(config: dict, target: dict, overrides: Mapping[str, str]) -> dict[str, str]:
    declared = config.get("variables") or {}
    values = {name: spec.get("default") for name, spec in declared.items()}
    values.update(target.get("variables") or {})
    values.update({n: os.environ[f"BUNDLE_VAR_{n}"] for n in declared if f"BUNDLE_VAR_{n}" in os.environ})
    values.update(overrides)
    undeclared = sorted(set(values) - set(declared))
    if undeclared:
        raise UsageError(f"variables {undeclared} are not declared in {BUNDLE_FILE}")
    missing = sorted(n for n, v in values.items() if v is None)
    if missing:
        raise UsageError(f"variables {missing} have no value: set them with --var name=value or BUNDLE_VAR_<name>")
    return {f"var.{n}": v for n, v in values.items()}


def _apply_presets(settings: dict, presets: dict) -> dict:
    settings = {**settings, "name": presets.get("name_prefix", "") + settings["name"]}
    pause = presets.get("trigger_pause_status")
    if pause and "schedule" in settings:
        settings["schedule"] = {**settings["schedule"], "pause_status": pause}
    return settings


def load(root: Path, target: str, overrides: Mapping[str, str] | None = None) -> Bundle:
    """The bundle's jobs for `target`, every reference resolved and the target's presets applied."""
    bundle_file = root / BUNDLE_FILE
    if not bundle_file.is_file():
        raise UsageError(f"no {BUNDLE_FILE} in {root}: deploy from a FitLake source checkout")
    config = _read(bundle_file)
    targets = config.get("targets") or {}
    if target not in targets:
        raise UsageError(f"{BUNDLE_FILE} has no target {target!r}; it has {', '.join(targets) or 'none'}")
    target_config = targets[target] or {}
    if "resources" in target_config:
        raise UsageError(f"target {target!r} overrides resources, which fitlake deploy does not support")
    name = (config.get("bundle") or {}).get("name")
    if not name:
        raise UsageError(f"{BUNDLE_FILE} must set bundle.name")
    lookup: dict[str, str] = {"bundle.name": name, "bundle.target": target}
    lookup.update(_variables(config, target_config, overrides or {}))
    workspace = {**(config.get("workspace") or {}), **(target_config.get("workspace") or {})}
    if "root_path" not in workspace:
        raise UsageError(f"{BUNDLE_FILE} must set workspace.root_path (fitlake deploy does not look up your user)")
    workspace = substitute(workspace, lookup, f"{BUNDLE_FILE} workspace")
    workspace.setdefault("artifact_path", f"{workspace['root_path']}/artifacts")
    lookup.update({f"workspace.{k}": v for k, v in workspace.items()})

    jobs: dict[str, Job] = {}
    apps: list[str] = []
    for pattern in config.get("include") or []:
        for path in sorted(root.glob(pattern)):
            apps += apps_in(path)
            for key, spec in jobs_in(path).items():
                if key in jobs:
                    raise UsageError(f"job {key!r} is declared in both {jobs[key].source.name} and {path.name}")
                settings = substitute(spec, lookup, f"{path.name} job {key}")
                jobs[key] = Job(key, path, _apply_presets(settings, target_config.get("presets") or {}))
    return Bundle(root, target, workspace, tuple(jobs.values()), tuple(apps))
