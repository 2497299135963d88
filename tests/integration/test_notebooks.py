"""Every notebook runs end to end, as a plain Python script: against the tiny lakehouse, and the churn notebook
also against a lakehouse with the labelled months a model needs (tiny's two weeks have none)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fitlake.ml.test_churn_model import MONTHS, synthetic_training
from tests.fitlake.ml.test_train import write_churn_gold
from tests.integration.conftest import cli_env

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.py"))


def run_notebook(notebook: Path, home: Path) -> str:
    text = notebook.read_text()
    assert text.startswith("# Databricks notebook source\n")
    assert "# COMMAND ----------" in text
    result = subprocess.run(
        [sys.executable, str(notebook)],
        capture_output=True,
        text=True,
        env=cli_env(FITLAKE_HOME=str(home)),
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "+---" in result.stdout  # it showed its tables
    return result.stdout


def test_there_are_an_eda_and_a_churn_notebook():
    assert {"member_eda", "churn_model"} <= {n.stem for n in NOTEBOOKS}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_in_databricks_source_format_and_runs(notebook, home):
    out = run_notebook(notebook, home)
    if notebook.stem == "churn_model":
        assert "No model yet: a churn model needs 3 labelled monthly snapshots" in out


def test_the_churn_notebook_trains_registers_and_scores_when_the_history_allows(lakehouse):
    members = write_churn_gold(lakehouse, synthetic_training(4, MONTHS[:4]))
    out = run_notebook(Path(__file__).parents[2] / "notebooks" / "churn_model.py", lakehouse.settings.home)
    assert "the first champion is version 1" in out
    assert "|logistic_regression" in out and "|gradient_boosting" in out
    assert f"{members:,} members scored" in out
    assert (lakehouse.settings.home / "mlflow" / "mlflow.db").is_file()
