"""The churn models, on pandas: the temporal split, the candidates, their metrics (inputs: fitlake.ml.features).

Pure functions of frames of gold.churn_training (or the current snapshot of gold.member_churn_features):
fitlake.ml.train logs what they return in MLflow, gold.churn_predictions scores with the chosen model.
"""

from __future__ import annotations

import math

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
from fitlake.ml.features import CATEGORICAL, INPUTS, LABEL, NUMERIC

SEED = 7


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
