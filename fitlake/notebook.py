"""A Spark session for notebooks: the cluster's own on Databricks, the embedded lakehouse elsewhere.

    spark = notebook_session(globals().get("spark"))

On Databricks the notebook already has `spark`; it is returned as is. Locally, the lakehouse under
FITLAKE_HOME is opened on Sail (its tables registered) and closed when the Python process exits.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack

from pyspark.sql import SparkSession

from fitlake.session import open_lakehouse
from fitlake.settings import Settings


def notebook_session(existing: SparkSession | None = None) -> SparkSession:
    settings = Settings.resolve()
    if existing is not None:
        existing.sql(f"USE CATALOG {settings.catalog}")
        return existing
    stack = ExitStack()
    lh = stack.enter_context(open_lakehouse(settings))
    atexit.register(stack.close)
    return lh.spark
