"""Training and scoring end to end on a temporary lakehouse: MLflow runs, the registry, the champion alias."""

from datetime import date
from decimal import Decimal

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow.tracking import MlflowClient
from sklearn.dummy import DummyClassifier

from fitlake import io
from fitlake.ml import churn_model, features, tracking, train
from fitlake.runlog import RunLog
from fitlake.tasks import TaskContext, score_churn, train_churn
from gold import churn_predictions, churn_training, member_churn_features
from tests.fitlake.ml.test_churn_model import MONTHS, synthetic_training


def _frame(lh, rows: pd.DataFrame, contract):
    return lh.spark.createDataFrame(rows[contract.column_names], schema=contract.spark_schema)


def write_churn_gold(lh, training: pd.DataFrame) -> int:
    """gold.churn_training from `training`, and as current snapshot its last month's members a month later."""
    training = training.assign(
        monthly_fee=[Decimal(f"{v:.2f}") for v in training["monthly_fee"]],
        member_key=[f"k{i % 150:03d}" for i in range(len(training))],
        location_id="BKN",
        last_visit_date=None,
        label_window_end=training["as_of_date"] + pd.Timedelta(days=30),
    )
    io.write(lh, churn_training.CONTRACT, _frame(lh, training, churn_training.CONTRACT), "overwrite")
    last = training[training["as_of_date"] == training["as_of_date"].max()]
    current = last.assign(as_of_date=date(2025, 12, 1), is_current=True)
    io.write(lh, member_churn_features.CONTRACT, _frame(lh, current, member_churn_features.CONTRACT), "overwrite")
    return len(current)


def _context(lh) -> TaskContext:
    return TaskContext(lh, RunLog(lh, "test-run"))


def _champion_version(lh) -> str:
    tracking.configure(lh.settings)
    return str(tracking.champion(tracking.MODEL).version)


def test_training_logs_each_candidate_registers_the_best_and_moves_the_champion_only_when_beaten(lakehouse, capsys):
    write_churn_gold(lakehouse, synthetic_training(1, MONTHS[:5]))
    train_churn(_context(lakehouse))
    out = capsys.readouterr().out
    assert "the first champion is version 1" in out and "oracle AUC n/a (no generator truth)" in out
    assert _champion_version(lakehouse) == "1"

    # Everything went to the lakehouse's own store: nothing under the working directory's ./mlruns.
    assert mlflow.get_tracking_uri() == f"sqlite:///{lakehouse.settings.home / 'mlflow' / 'mlflow.db'}"
    client = MlflowClient()
    experiment = client.get_experiment_by_name("fitlake_churn")
    assert experiment.artifact_location.startswith((lakehouse.settings.home / "mlflow").as_uri())
    runs = {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}
    assert set(runs) == {"churn", "logistic_regression", "gradient_boosting"}
    chosen = runs["churn"].data.tags["chosen"]
    for name in ("logistic_regression", "gradient_boosting"):
        run = runs[name]
        assert run.data.tags["mlflow.parentRunId"] == runs["churn"].info.run_id
        assert {"validation_auc", "test_auc", "test_brier", "test_top_decile_lift"} <= set(run.data.metrics)
        assert run.data.params["class_weight"] == "balanced"
        files = {a.path for a in client.list_artifacts(run.info.run_id)}
        assert {"roc_curve.png", "precision_recall_curve.png", "calibration.png"} <= files
        # The chosen candidate's run holds the permutation importance, and logged the model registered.
        assert ({"feature_importance.png", "feature_importance.json"} <= files) == (name == chosen), name
    version = client.get_model_version(tracking.MODEL, "1")
    model = mlflow.models.get_model_info(f"models:/{tracking.MODEL}/1")
    assert model.signature.inputs.input_names() == features.INPUTS
    assert model.saved_input_example_info is not None
    assert version.tags["candidate"] == chosen
    assert version.run_id == model.run_id == runs[chosen].info.run_id

    # The same data again: an equal challenger is not better, so the champion stays.
    train_churn(_context(lakehouse))
    assert "champion stays version 1" in capsys.readouterr().out
    assert _champion_version(lakehouse) == "1"

    # A champion that knows nothing (one probability for all) is beaten by the next training.
    training = synthetic_training(1, MONTHS[:5])
    x, y = features.model_inputs(training), churn_model.labels(training)
    with mlflow.start_run(experiment_id=experiment.experiment_id, run_name="constant"):
        # Requirements stated as the pipeline states them: inferring them runs a fresh interpreter (6 s).
        constant = DummyClassifier(strategy="prior").fit(x, y)
        info = mlflow.sklearn.log_model(constant, name="model", pip_requirements=train.pip_requirements())
    weak = mlflow.register_model(info.model_uri, tracking.MODEL).version
    client.set_registered_model_alias(tracking.MODEL, tracking.CHAMPION, weak)
    train_churn(_context(lakehouse))
    assert (
        f"champion moves to version {int(weak) + 1} (validation AUC 0.500 for version {weak})"
        in capsys.readouterr().out
    )
    assert _champion_version(lakehouse) == str(int(weak) + 1)


def test_the_first_scoring_trains_a_champion_then_scores_every_member_on_the_books(lakehouse, capsys):
    members = write_churn_gold(lakehouse, synthetic_training(2, MONTHS[:4]))
    score_churn(_context(lakehouse))
    assert "no champion churn model yet: training the first one" in capsys.readouterr().out
    predictions = lakehouse.read(churn_predictions.CONTRACT).toPandas()
    assert len(predictions) == members
    assert set(predictions["as_of_date"]) == {date(2025, 12, 1)}
    assert set(predictions["model_version"]) == {"1"} and set(predictions["model_name"]) == {"fitlake_churn"}
    assert sorted(predictions["risk_decile"].unique()) == list(range(1, 11))
    # Decile 1 holds the highest probabilities.
    by_decile = predictions.groupby("risk_decile")["churn_probability"]
    assert by_decile.min()[1] >= by_decile.max()[2]

    # A rerun replaces the scores: still one row per member.
    score_churn(_context(lakehouse))
    assert lakehouse.read(churn_predictions.CONTRACT).count() == members


def test_with_too_little_history_scoring_says_why_and_writes_nothing(lakehouse, capsys):
    write_churn_gold(lakehouse, synthetic_training(3, MONTHS[:2]))
    score_churn(_context(lakehouse))
    assert "nothing scored: a churn model needs 3 labelled monthly snapshots" in capsys.readouterr().out
    assert not lakehouse.exists(churn_predictions.CONTRACT)
