"""What the churn models take and give, without scikit-learn: the columns they read from
gold.member_churn_features, the label they learn, the temporal split of the labelled months, and a loaded
model version. gold.churn_training and gold.churn_predictions import this, and every `fitlake` command
imports the gold modules, so this stays light (scikit-learn takes a second to import).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fitlake.errors import NotEnoughHistory

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

# What the models predict: the membership ends within LABEL_DAYS of the snapshot (gold.churn_training's label).
LABEL_DAYS = 30
LABEL = "churned_within_30d"


MIN_SNAPSHOTS = 3  # one each for training, validation and test
HOLDOUT_SHARE = 0.2  # of the labelled snapshots, the latest for test and the ones before for validation


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


def churn_probability(model, inputs: pd.DataFrame) -> np.ndarray:
    """P(churn) per row of `inputs`, from any model with scikit-learn's predict_proba."""
    return model.predict_proba(inputs[INPUTS])[:, 1]


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


@dataclass(frozen=True)
class ScoringModel:
    """A registered model version, loaded: what gold.churn_predictions records with each score."""

    name: str
    version: str
    run_id: str
    estimator: object  # anything with predict_proba over INPUTS
