"""Workflow definitions: Databricks Asset Bundle job resources, also run locally by `fitlake run`."""

from pathlib import Path

DAILY_JOB = Path(__file__).with_name("fitlake_daily.job.yml")
WEEKLY_TRAINING_JOB = Path(__file__).with_name("fitlake_weekly_training.job.yml")
JOBS = (DAILY_JOB, WEEKLY_TRAINING_JOB)
# The source checkout holding databricks.yml, which includes the job files of this folder.
BUNDLE_ROOT = Path(__file__).resolve().parent.parent
