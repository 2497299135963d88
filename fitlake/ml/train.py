"""`fitlake train`: fit the churn candidates on gold.churn_training, log them in MLflow, register the best,
and move the `champion` alias to it only if it beats the current champion on the validation months.

One parent run per training, one nested run per candidate (params, validation and test metrics, the ROC,
precision-recall and calibration plots, permutation importance, the model with its signature and an input
example). The test months are only reported: the choice between candidates and against the champion is
made on validation, so the test figures stay an honest estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
import sklearn
import skops.io
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from mlflow.tracking import MlflowClient
from threadpoolctl import threadpool_limits

from fitlake.lakehouse import Lakehouse
from fitlake.ml import churn_model, features, figures, tracking
from fitlake.ml.oracle import true_churn_probability

EXPERIMENT = "fitlake_churn"


@dataclass
class Candidate:
    name: str
    run_id: str
    model: object  # fitted and calibrated
    validation: dict[str, float]
    test: dict[str, float]


@dataclass
class TrainingResult:
    run_id: str
    model: str
    version: str
    chosen: str
    champion_version: str
    champion_moved: bool
    split: features.Split
    oracle_test_auc: float | None
    candidates: dict[str, Candidate] = field(default_factory=dict)

    @property
    def best(self) -> Candidate:
        return self.candidates[self.chosen]


def pip_requirements() -> list[str]:
    # Stated, not inferred: MLflow's inference loads the model in a fresh interpreter (seconds per model).
    return [f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}", f"numpy=={np.__version__}"]


def _params(model) -> dict[str, object]:
    estimator = model.named_steps["model"]
    keys = ("learning_rate", "max_iter", "max_leaf_nodes", "min_samples_leaf", "l2_regularization", "C")
    params = {k: v for k, v in estimator.get_params().items() if k in keys}
    return {"estimator": type(estimator).__name__, "class_weight": "balanced", "calibration": "sigmoid", **params}


def _fit_candidate(
    name: str, pipeline, parts: dict[str, tuple[pd.DataFrame, pd.Series]], oracle: np.ndarray | None
) -> Candidate:
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = parts["train"], parts["validation"], parts["test"]
    # Nested runs go to the active experiment, not their parent's, unless told.
    with mlflow.start_run(experiment_id=mlflow.active_run().info.experiment_id, run_name=name, nested=True) as run:
        pipeline.fit(x_train, y_train)
        model = churn_model.calibrate(pipeline, x_val, y_val)
        validation = churn_model.metrics(y_val, features.churn_probability(model, x_val))
        p_test = features.churn_probability(model, x_test)
        test = churn_model.metrics(y_test, p_test)
        mlflow.log_params(_params(pipeline))
        mlflow.log_metrics({f"validation_{k}": v for k, v in validation.items()})
        mlflow.log_metrics({f"test_{k}": v for k, v in test.items()})
        plots = figures.evaluation_figures(y_test, p_test, oracle, "test months")
        for file, fig in plots.items():
            mlflow.log_figure(fig, file)
        figures.close(plots)
    return Candidate(name, run.info.run_id, model, validation, test)


def _log_model(chosen: Candidate, parts: dict[str, tuple[pd.DataFrame, pd.Series]]) -> str:
    """Permutation importance and the model itself, in the chosen candidate's run: the one registered. (For
    both candidates they took most of a training's time: 2.6 of 4.5 s on a test's data.)"""
    (x_train, _), (x_val, y_val) = parts["train"], parts["validation"]
    model = chosen.model
    with mlflow.start_run(run_id=chosen.run_id, nested=True):
        importance, fig = figures.feature_importance(model, x_val, y_val, churn_model.SEED)
        mlflow.log_figure(fig, "feature_importance.png")
        figures.close({"feature_importance.png": fig})
        mlflow.log_dict({k: float(v) for k, v in importance.items()}, "feature_importance.json")
        example = x_train.head(5)
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict_proba(example)[:, 1]),
            input_example=example,
            pip_requirements=pip_requirements(),
            # MLflow stores scikit-learn models with skops, which loads only types declared trusted: this model
            # was fitted here, from our own code, so the types it holds are ours to trust.
            skops_trusted_types=skops.io.get_untrusted_types(data=skops.io.dumps(model)),
        )
    return logged.model_uri


def _champion_validation_auc(
    name: str, x_val: pd.DataFrame, y_val: pd.Series, say: Callable[[str], None]
) -> tuple[str, float] | None:
    """The current champion's version and its AUC on this training's validation months (None if none).
    A champion that cannot be loaded or takes other inputs cannot be compared: it counts as beaten."""
    current = tracking.champion(name)
    if current is None:
        return None
    try:
        model = mlflow.sklearn.load_model(f"models:/{name}@{tracking.CHAMPION}")
        p = features.churn_probability(model, x_val)
    except (MlflowException, KeyError, ValueError) as e:
        say(f"  the champion, version {current.version}, cannot be loaded or score these inputs: {e}")
        return str(current.version), float("-inf")
    return str(current.version), churn_model.metrics(y_val, p)["auc"]


def train_churn(lh: Lakehouse, say: Callable[[str], None] = print) -> TrainingResult:
    # One OpenMP thread: beside the embedded engine's threads, gradient boosting's spin-waiting OpenMP pool
    # took 8 s instead of 0.5 s to fit on small (measured on 2 cores); on a cluster the driver is not shared.
    with threadpool_limits(limits=1, user_api="openmp"):
        return _train_churn(lh, say)


def _train_churn(lh: Lakehouse, say: Callable[[str], None]) -> TrainingResult:
    tracking.configure(lh.settings)
    name = tracking.registered_model(lh.settings)
    training = lh.read("gold.churn_training").toPandas()
    split = features.temporal_split(list(training["as_of_date"]))
    frames = {part: split.of(training, part) for part in ("train", "validation", "test")}
    parts = {p: (features.model_inputs(f), churn_model.labels(f)) for p, f in frames.items()}
    truth = true_churn_probability(lh)
    oracle = None if truth is None else frames["test"]["member_key"].map(truth).to_numpy(dtype=float)
    if oracle is not None and np.isnan(oracle).any():
        say(f"  {int(np.isnan(oracle).sum())} test rows have no truth: the oracle AUC leaves them out")
    oracle_auc = None
    if oracle is not None:
        known = ~np.isnan(oracle)
        oracle_auc = churn_model.metrics(parts["test"][1][known], oracle[known])["auc"]
    say(
        f"  training set: {len(training):,} rows; train {_months(split.train)}, "
        f"validation {_months(split.validation)}, test {_months(split.test)}"
    )
    with tracking.start_run(lh.settings, EXPERIMENT, run_name="churn") as parent:
        mlflow.log_params(
            {
                "label_days": features.LABEL_DAYS,
                "train_months": ",".join(map(str, split.train)),
                "validation_months": ",".join(map(str, split.validation)),
                "test_months": ",".join(map(str, split.test)),
                **{f"{p}_rows": len(f) for p, f in frames.items()},
            }
        )
        if oracle_auc is not None:
            mlflow.log_metric("oracle_test_auc", oracle_auc)
        found = {n: _fit_candidate(n, pipe, parts, oracle) for n, pipe in churn_model.candidates().items()}
        chosen = max(found.values(), key=lambda c: c.validation["auc"])
        for c in found.values():
            say(
                f"  {c.name:<20} validation AUC {c.validation['auc']:.3f} | test AUC {c.test['auc']:.3f}, "
                f"lift@10% {c.test['top_decile_lift']:.2f}, Brier {c.test['brier']:.4f}"
            )
        version = str(mlflow.register_model(_log_model(chosen, parts), name).version)
        client = MlflowClient()
        client.set_model_version_tag(name, version, "candidate", chosen.name)
        client.set_model_version_tag(name, version, "validation_auc", f"{chosen.validation['auc']:.4f}")
        current = _champion_validation_auc(name, *parts["validation"], say)
        moved = current is None or chosen.validation["auc"] > current[1]
        if moved:
            client.set_registered_model_alias(name, tracking.CHAMPION, version)
        champion_version = version if moved else current[0]
        mlflow.log_metrics({f"best_{k}": v for k, v in chosen.test.items()})
        mlflow.set_tags({"chosen": chosen.name, "registered_version": version, "champion": champion_version})
    result = TrainingResult(
        parent.info.run_id, name, version, chosen.name, champion_version, moved, split, oracle_auc, found
    )
    say(_verdict(result, current))
    return result


def _months(dates: list) -> str:
    return f"{dates[0]}..{dates[-1]}" if len(dates) > 1 else str(dates[0])


def _verdict(r: TrainingResult, current: tuple[str, float] | None) -> str:
    best = r.best.test
    oracle = "n/a (no generator truth)" if r.oracle_test_auc is None else f"{r.oracle_test_auc:.3f}"
    if current is None:
        alias = f"the first champion is version {r.version}"
    elif r.champion_moved and current[1] == float("-inf"):
        alias = f"champion moves to version {r.version} (version {current[0]} could not be compared)"
    elif r.champion_moved:
        alias = f"champion moves to version {r.version} (validation AUC {current[1]:.3f} for version {current[0]})"
    else:
        alias = f"champion stays version {current[0]}: validation AUC {current[1]:.3f}, not beaten"
    return (
        f"  chose {r.chosen}: test AUC {best['auc']:.3f} (oracle AUC {oracle}), "
        f"top-decile lift {best['top_decile_lift']:.2f}, Brier {best['brier']:.4f}\n"
        f"  registered {r.model} version {r.version}; {alias}\n"
        f"  MLflow run {r.run_id} ({mlflow.get_tracking_uri()})"
    )
