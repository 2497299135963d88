"""Where this lakehouse's MLflow store is, known without importing MLflow (which takes over a second).

A new local store starts as a copy of an empty one already at MLflow's schema. MLflow brings a new SQLite
database to its schema by running every migration since its first release, 3 to 8 s on 2 cores, each time a
lakehouse first tracks a run; the copy takes 0.1 s. The empty store is made once per MLflow version and kept
in the user's cache folder (FITLAKE_CACHE_DIR, else $XDG_CACHE_HOME/fitlake, else ~/.cache/fitlake). It holds
the tables only: MLflow adds its Default experiment on first use, as in a store it made itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fitlake.settings import Settings

# mlflow.set_tracking_uri also sets MLFLOW_TRACKING_URI in the environment: a value found there that FitLake
# put there is one lakehouse's store, not the user's choice, and must not follow into the next lakehouse.
SET_BY_US: set[str] = set()


def users_tracking_uri() -> str | None:
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    return None if uri in SET_BY_US else uri


def local_db(settings: Settings) -> Path | None:
    """The SQLite store under <home>/mlflow/ that FitLake uses unless told otherwise; None on Databricks."""
    return None if settings.engine == "databricks" else settings.home / "mlflow" / "mlflow.db"


def holds_no_model(settings: Settings) -> bool:
    """True when the store is this lakehouse's own and has never been created: no model can be registered."""
    db = local_db(settings)
    return users_tracking_uri() is None and db is not None and not db.exists()


def cache_dir() -> Path:
    if os.environ.get("FITLAKE_CACHE_DIR"):
        return Path(os.environ["FITLAKE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fitlake"


def _empty_store() -> Path:
    """An empty SQLite store at this MLflow's schema, made on first need."""
    import mlflow
    import sqlalchemy
    from mlflow.store.db.utils import _initialize_tables

    empty = cache_dir() / f"mlflow-{mlflow.__version__}-empty.db"
    if not empty.exists():
        empty.parent.mkdir(parents=True, exist_ok=True)
        partial = empty.with_name(f".{empty.name}.{os.getpid()}.part")
        partial.unlink(missing_ok=True)
        engine = sqlalchemy.create_engine(f"sqlite:///{partial}")
        try:
            _initialize_tables(engine)
        finally:
            engine.dispose()
        os.replace(partial, empty)  # whole or not at all, whoever makes it at the same time
    return empty


def seed_local_store(db: Path) -> None:
    """Start a store that does not exist yet as a copy of the empty one (see the module's docstring). Where that
    cannot be done (no cache folder, another MLflow), MLflow makes the store itself, as it would anyway."""
    if db.exists():
        return
    try:
        empty = _empty_store()
        partial = db.with_name(f".{db.name}.part")
        shutil.copyfile(empty, partial)
        os.replace(partial, db)
    except (OSError, ImportError, AttributeError):
        return
