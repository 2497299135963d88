"""The churn models, on pandas: model inputs, the temporal split, the candidates, their metrics.

Pure functions of frames of gold.churn_training (or the current snapshot of gold.member_churn_features):
fitlake.ml.train logs what they return in MLflow, gold.churn_predictions scores with the chosen model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from fitlake.errors import NotEnoughHistory
from gold.churn_training import LABEL

NUMERIC = [
    "tenure_days",
    "visits_30d",
    "visits_90d",
    "visit_trend",
    "visits_per_week",
    "days_since_last_visit",
    "days_since_last_activity",
    "classes_attended_90d",
    "no_shows_90d",
    "late_cancels_90d",
    "retail_spend_90d",
    "app_events_30d",
    "app_active_days_30d",
    "monthly_fee",
    "is_frozen",
]
CATEGORICAL = ["plan", "billing_period"]
INPUTS = NUMERIC + CATEGORICAL

MIN_SNAPSHOTS = 3  # one each for training, validation and test
HOLDOUT_SHARE = 0.2  # of the labelled snapshots, the latest for test and the ones before for validation
SEED = 7


def model_inputs(features: pd.DataFrame) -> pd.DataFrame:
    """The columns the models take, from rows of gold.member_churn_features (or churn_training).

    Recency is NULL for a member who has not come in yet; as far as the data tells, they have stayed away
    since joining, so it becomes the tenure (the models need a number, and this one means what it says).
    """
    as_of = pd.to_datetime(features["as_of_date"])
    since_activity = (as_of - pd.to_datetime(features["last_activity_date"])).dt.days
    tenure = features["tenure_days"].astype("float64")
    inputs = pd.DataFrame(
        {
            **{c: features[c].astype("float64") for c in NUMERIC if c in features},
            "days_since_last_visit": features["days_since_last_visit"].astype("float64").fillna(tenure),
            "days_since_last_activity": since_activity.astype("float64").fillna(tenure),
            "is_frozen": features["is_frozen"].astype("float64"),
            **{c: features[c].astype(str) for c in CATEGORICAL},
        },
        index=features.index,
    )
    return inputs[INPUTS]


@dataclass(frozen=True)
class Split:
    train: list
    validation: list
    test: list

    def of(self, training: pd.DataFrame, part: str) -> pd.DataFrame:
        return training[training["as_of_date"].isin(getattr(self, part))]


def temporal_split(snapshot_dates: list) -> Split:
    """The labelled snapshots in time order: the latest ones for test, the ones before for validation,
    the rest for training, so every model is judged on months after those it learned from."""
    dates = sorted(set(snapshot_dates))
    if len(dates) < MIN_SNAPSHOTS:
        raise NotEnoughHistory(
            f"a churn model needs {MIN_SNAPSHOTS} labelled monthly snapshots (training, validation, test); "
            f"gold.churn_training has {len(dates)}. A snapshot needs 90 days of history and 30 days of outcome."
        )
    held = max(1, round(len(dates) * HOLDOUT_SHARE))
    return Split(train=dates[: -2 * held], validation=dates[-2 * held : -held], test=dates[-held:])


def candidates() -> dict[str, Pipeline]:
    """The models compared at each training. Churners are a few percent of members: both weigh the classes
    equally while fitting (class_weight='balanced'), and `calibrate` maps their scores back to
    probabilities, so the Brier score and the predicted probabilities mean what they say."""
    scaled = ColumnTransformer(
        [("numeric", StandardScaler(), NUMERIC), ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)]
    )
    ordinal = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    coded = ColumnTransformer([("numeric", "passthrough", NUMERIC), ("categorical", ordinal, CATEGORICAL)])
    boosting = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        categorical_features=list(range(len(NUMERIC), len(INPUTS))),
        class_weight="balanced",
        early_stopping=False,  # its holdout would be random rows, not later months
        random_state=SEED,
    )
    return {
        "logistic_regression": Pipeline(
            [("prepare", scaled), ("model", LogisticRegression(class_weight="balanced", max_iter=2000))]
        ),
        "gradient_boosting": Pipeline([("prepare", coded), ("model", boosting)]),
    }


def calibrate(fitted: Pipeline, x_validation: pd.DataFrame, y_validation: pd.Series) -> CalibratedClassifierCV:
    """Platt scaling on the validation months: monotone, so rankings (and AUC) stay as they were."""
    return CalibratedClassifierCV(FrozenEstimator(fitted), method="sigmoid").fit(x_validation, y_validation)


def churn_probability(model, inputs: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(inputs[INPUTS])[:, 1]


def top_decile_lift(y: pd.Series, p: np.ndarray) -> float:
    """Churn rate among the tenth of members scored riskiest, over the churn rate of all."""
    n = max(1, math.ceil(len(y) / 10))
    order = np.argsort(-p, kind="stable")[:n]
    return float(np.asarray(y)[order].mean() / np.asarray(y).mean())


def metrics(y: pd.Series, p: np.ndarray) -> dict[str, float]:
    y = np.asarray(y, dtype=int)
    if y.min() == y.max():
        raise NotEnoughHistory("the evaluation months hold no churner (or only churners): AUC is undefined")
    return {
        "auc": float(roc_auc_score(y, p)),
        "average_precision": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6))),
        "top_decile_lift": top_decile_lift(pd.Series(y), p),
        "churn_rate": float(y.mean()),
        "rows": float(len(y)),
    }


def labels(training: pd.DataFrame) -> pd.Series:
    return training[LABEL].astype(int)


@dataclass(frozen=True)
class ScoringModel:
    """A registered model version, loaded: what gold.churn_predictions records with each score."""

    name: str
    version: str
    run_id: str
    estimator: object  # anything with predict_proba over INPUTS
