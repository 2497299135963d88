"""Where MLflow keeps FitLake's runs and registered models, and the registered model's `champion` alias.

Locally: a SQLite tracking store and registry in `<home>/mlflow/mlflow.db`, artifacts beside it, so a
lakehouse folder holds its models too. On a Databricks cluster: the workspace's tracking server and Unity
Catalog's registry, the model named `<catalog>.<gold schema>.fitlake_churn`. MLFLOW_TRACKING_URI (and
MLFLOW_REGISTRY_URI) override both.
"""

from __future__ import annotations

import os

import mlflow
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from fitlake.ml.store import SET_BY_US, local_db, seed_local_store, users_tracking_uri
from fitlake.settings import Settings

MODEL = "fitlake_churn"
CHAMPION = "champion"


def configure(settings: Settings) -> str:
    """Point MLflow at this lakehouse's tracking store and registry; returns the tracking URI."""
    # MLflow reports usage to its maintainers unless told not to; FitLake does not opt users in for them.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    uri = users_tracking_uri()
    if not uri:
        db = local_db(settings)
        if db is None:
            uri = "databricks"
        else:
            db.parent.mkdir(parents=True, exist_ok=True)
            seed_local_store(db)
            uri = f"sqlite:///{db}"
        SET_BY_US.add(uri)
    mlflow.set_tracking_uri(uri)
    registry = os.environ.get("MLFLOW_REGISTRY_URI")
    if not registry or registry in SET_BY_US:
        registry = "databricks-uc" if uri == "databricks" else uri
        SET_BY_US.add(registry)
    mlflow.set_registry_uri(registry)
    return uri


def experiment(settings: Settings, name: str) -> str:
    """The id of experiment `name`, made on first use. A local store keeps its artifacts under <home>/mlflow/
    (MLflow's default is ./mlruns, relative to wherever the command ran); a workspace names it by path."""
    client = MlflowClient()
    path = f"/Shared/fitlake/{name}" if mlflow.get_tracking_uri() == "databricks" else name
    found = client.get_experiment_by_name(path)
    if found is not None:
        return found.experiment_id
    db = local_db(settings)
    local = db is not None and mlflow.get_tracking_uri() == f"sqlite:///{db}"
    artifacts = (db.parent / "artifacts").as_uri() if local else None
    return client.create_experiment(path, artifact_location=artifacts)


def start_run(settings: Settings, experiment_name: str, **kwargs) -> mlflow.ActiveRun:
    """An MLflow run in this lakehouse's experiment `experiment_name` (the store configured first)."""
    configure(settings)
    return mlflow.start_run(experiment_id=experiment(settings, experiment_name), **kwargs)


def registered_model(settings: Settings) -> str:
    """Unity Catalog names a model within a schema: the Gold one, beside the predictions."""
    if mlflow.get_registry_uri() == "databricks-uc":
        return f"{settings.catalog}.{settings.schema('gold')}.{MODEL}"
    return MODEL


def champion(name: str) -> ModelVersion | None:
    """The version holding the champion alias, or None before the first one is chosen."""
    try:
        return MlflowClient().get_model_version_by_alias(name, CHAMPION)
    except MlflowException as e:
        if e.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", "NOT_FOUND"):
            return None
        raise
