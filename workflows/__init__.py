"""Workflow definitions: Databricks Asset Bundle job resources, also run locally by `fitlake run`."""

from pathlib import Path

DAILY_JOB = Path(__file__).with_name("fitlake_daily.job.yml")
