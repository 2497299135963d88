"""`fitlake score`: the champion churn model scores the current snapshot into gold.churn_predictions."""

from __future__ import annotations

import mlflow
import mlflow.sklearn

from fitlake import io, registry
from fitlake.errors import NoChampionModel
from fitlake.lakehouse import Lakehouse
from fitlake.ml import tracking
from fitlake.ml.features import ScoringModel


def load_champion(lh: Lakehouse) -> ScoringModel:
    tracking.configure(lh.settings)
    name = tracking.registered_model(lh.settings)
    version = tracking.champion(name)
    if version is None:
        raise NoChampionModel(
            f"no version of {name} holds the '{tracking.CHAMPION}' alias in {mlflow.get_tracking_uri()}: "
            "run `fitlake train` first"
        )
    estimator = mlflow.sklearn.load_model(f"models:/{name}@{tracking.CHAMPION}")
    return ScoringModel(name, str(version.version), version.run_id, estimator)


def score_churn(lh: Lakehouse, model: ScoringModel) -> int:
    """Replace gold.churn_predictions with `model`'s scores; returns the number of members scored."""
    # Found at run time, not imported: the table's module imports fitlake.ml.features, and fitlake.ml no gold.
    predictions = registry.table_module("gold.churn_predictions")
    scored = predictions.transform(*[lh.read(name) for name in predictions.inputs], model=model)
    io.replace_if_valid(lh, predictions.contract, scored)
    return lh.read(predictions.contract).count()
