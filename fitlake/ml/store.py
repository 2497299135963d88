"""Where this lakehouse's MLflow store is, known without importing MLflow (which takes over a second)."""

from __future__ import annotations

import os
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
