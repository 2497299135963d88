from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from fitlake.errors import NotEnoughHistory
from fitlake.ml import churn_model, features
from gold.churn_training import LABEL

MONTHS = [date(2025, m, 1) for m in range(1, 11)]


def feature_rows(n: int = 4) -> pd.DataFrame:
    as_of = date(2025, 5, 1)
    return pd.DataFrame(
        {
            "as_of_date": [as_of] * n,
            "tenure_days": [400, 20, 90, 35][:n],
            "visits_30d": [8, 0, 2, 1][:n],
            "visits_90d": [20, 0, 5, 1][:n],
            "visit_trend": [1, 0, -3, 1][:n],
            "visits_per_week": [1.5, 0.0, 0.4, 0.2][:n],
            "days_since_last_visit": [2, None, 40, 30][:n],
            "last_activity_date": [as_of - timedelta(days=1), None, as_of - timedelta(days=7), None][:n],
            "classes_attended_90d": [3, 0, 1, 0][:n],
            "no_shows_90d": [0, 0, 2, 0][:n],
            "late_cancels_90d": [0, 0, 1, 0][:n],
            "retail_spend_90d": [12.5, 0.0, 0.0, 5.0][:n],
            "app_events_30d": [4, 0, 0, 1][:n],
            "app_active_days_30d": [3, 0, 0, 1][:n],
            "monthly_fee": [59.0, 39.0, 75.65, 59.0][:n],
            "is_frozen": [False, False, True, False][:n],
            "plan": ["plus", "basic", "elite", "plus"][:n],
            "billing_period": ["monthly", "monthly", "annual", "monthly"][:n],
        }
    )


def test_a_member_who_has_not_come_in_yet_has_stayed_away_since_joining():
    inputs = features.model_inputs(feature_rows())
    assert list(inputs.columns) == features.INPUTS
    assert inputs["days_since_last_visit"].tolist() == [2, 20, 40, 30]
    assert inputs["days_since_last_activity"].tolist() == [1, 20, 7, 35]  # no activity at all: the tenure
    assert inputs["is_frozen"].tolist() == [0, 0, 1, 0]


def test_the_label_and_its_window_are_never_model_inputs():
    assert LABEL not in features.INPUTS and "label_window_end" not in features.INPUTS
    labelled = feature_rows().assign(**{LABEL: [True, False, True, False], "label_window_end": date(2025, 5, 31)})
    pd.testing.assert_frame_equal(features.model_inputs(labelled), features.model_inputs(feature_rows()))


@pytest.mark.parametrize(
    ("n", "train", "validation", "test"),
    [(3, 1, 1, 1), (9, 5, 2, 2), (10, 6, 2, 2)],
)
def test_the_split_keeps_the_latest_months_for_test_and_the_ones_before_for_validation(n, train, validation, test):
    months = MONTHS[:n]
    split = features.temporal_split(list(reversed(months)) * 3)  # one date per row, any order
    assert (len(split.train), len(split.validation), len(split.test)) == (train, validation, test)
    assert split.train + split.validation + split.test == months
    assert max(split.train) < min(split.validation) and max(split.validation) < min(split.test)


def test_two_labelled_months_are_not_enough_and_the_error_says_what_is_needed():
    with pytest.raises(NotEnoughHistory, match=r"needs 3 labelled monthly snapshots.*has 2"):
        features.temporal_split(MONTHS[:2])


def test_top_decile_lift_is_the_churn_rate_of_the_riskiest_tenth_over_the_churn_rate():
    y = pd.Series([1, 0, 0, 0, 0, 0, 0, 0, 0, 0] * 2)  # 2 churners in 20: base rate 0.1
    p = np.linspace(1, 0, 20)  # rows 0 and 1 riskiest: a churner and a stayer
    assert churn_model.top_decile_lift(y, p) == pytest.approx(0.5 / 0.1)


def test_metrics_refuse_months_with_no_churner():
    with pytest.raises(NotEnoughHistory, match="no churner"):
        churn_model.metrics(pd.Series([0, 0, 0]), np.array([0.1, 0.2, 0.3]))


def synthetic_training(seed: int, months: list[date], members: int = 150) -> pd.DataFrame:
    """Members who stop coming churn: the signal the candidates must find, with noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for as_of in months:
        away = rng.random(members) < 0.15
        visits = np.where(away, rng.poisson(0.5, members), rng.poisson(6, members))
        churned = rng.random(members) < np.where(away, 0.5, 0.03)
        f = feature_rows(1).loc[[0] * members].reset_index(drop=True)
        f["as_of_date"] = as_of
        f["visits_30d"], f["visits_90d"] = visits, visits * 3
        f["days_since_last_visit"] = np.where(away, rng.integers(20, 60, members), rng.integers(0, 7, members))
        f[LABEL] = churned
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_both_candidates_learn_a_planted_signal_and_give_calibrated_probabilities():
    training = synthetic_training(1, MONTHS[:5])
    split = features.temporal_split(list(training["as_of_date"]))
    part = {p: split.of(training, p) for p in ("train", "validation", "test")}
    x = {p: features.model_inputs(f) for p, f in part.items()}
    y = {p: churn_model.labels(f) for p, f in part.items()}
    for name, pipeline in churn_model.candidates().items():
        model = churn_model.calibrate(pipeline.fit(x["train"], y["train"]), x["validation"], y["validation"])
        m = churn_model.metrics(y["test"], features.churn_probability(model, x["test"]))
        assert m["auc"] > 0.8, name
        assert m["top_decile_lift"] > 2.5, name
        # Calibrated: the mean probability is near the churn rate, not the 50% balanced weights would give.
        mean_p = features.churn_probability(model, x["test"]).mean()
        assert abs(mean_p - m["churn_rate"]) < 0.05, name
