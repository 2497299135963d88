"""Open the lakehouse: start the engine, register the catalog's tables, stop the engine on exit; and what a
command that writes does first (`writing`): one writer per home, a killed run's leftovers removed, the
secrets checked against the tables, all before its engine starts."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fitlake import engine
from fitlake.errors import UsageError
from fitlake.lakehouse import Lakehouse
from fitlake.lock import when_no_writer, writer_lock
from fitlake.permissions import private_folder
from fitlake.privacy import guard_secrets
from fitlake.settings import Settings


def require_home(settings: Settings) -> None:
    """A local lakehouse folder must exist before a command reads or writes it: a missing one is almost always a
    mistyped --home or FITLAKE_HOME, and making it would hide that."""
    if settings.engine == "databricks":  # Unity Catalog holds the tables
        return
    if not settings.home.exists():
        raise UsageError(
            f"no lakehouse at {settings.home}: run `fitlake generate` first, or point --home / FITLAKE_HOME at it"
        )
    if not settings.home.is_dir():
        raise UsageError(f"the lakehouse home {settings.home} is a file, not a folder")


def make_home(path: Path) -> Path:
    """A folder a command writes its own output into (`generate`'s target, `stedi`'s home), made if missing."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} is a file, not a folder: name a folder to write into")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # a file where a parent folder should be, no permission
        raise UsageError(f"cannot make the folder {path}: {e.strerror}") from None
    return path


def _empty_staging(settings: Settings) -> None:
    """A killed run's staging files go (a Silver build stages members' names there); the folder stays."""
    for leftover in settings.staging.iterdir():
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


@contextmanager
def writing(
    settings: Settings, command: str, wait: float = 0.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """The block as this home's one writer (fitlake.lock; LakehouseBusy if another process writes it for longer
    than `wait` seconds), with a killed run's staging removed and the secrets checked (fitlake.privacy). On
    Databricks the job's `max_concurrent_runs: 1` is the lock, and there is no local home to tidy."""
    if settings.engine == "databricks":
        yield
        return
    require_home(settings)
    with writer_lock(settings.home, command, wait, on_wait):
        private_folder(settings.staging)
        _empty_staging(settings)
        guard_secrets(settings)
        yield


def remove_killed_runs_staging(settings: Settings) -> None:
    """A command that only reads still removes a killed run's staging files, unless a run is writing right now."""
    if settings.engine != "databricks" and settings.staging.is_dir() and any(settings.staging.iterdir()):
        when_no_writer(settings.home, lambda: _empty_staging(settings))


@contextmanager
def open_lakehouse(settings: Settings) -> Iterator[Lakehouse]:
    remove_killed_runs_staging(settings)
    handle = engine.start(settings)
    try:
        lh = Lakehouse(handle.spark, settings, handle.catalog, handle.persistent_catalog)
        lh.register_existing()
        yield lh
    finally:
        handle.stop()
