"""Every notebook runs end to end, as a plain Python script, against the tiny lakehouse."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import cli_env

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.py"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_in_databricks_source_format_and_runs(notebook, home):
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
