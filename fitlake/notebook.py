"""A lakehouse for notebooks: the cluster's own Spark session on Databricks, the embedded engine elsewhere.

    lh = notebook_lakehouse(globals().get("spark"))
    spark = lh.spark

On Databricks the notebook already has `spark`; the lakehouse wraps it, over Unity Catalog's tables.
Locally, the lakehouse under FITLAKE_HOME is opened on Sail (its tables registered) and closed when the
Python process exits. `notebook_session` is the same for a notebook that needs only the session.
"""

from __future__ import annotations

import atexit
import os
from contextlib import ExitStack

from pyspark.sql import SparkSession

from fitlake.lakehouse import Lakehouse
from fitlake.session import open_lakehouse
from fitlake.settings import Settings


def notebook_lakehouse(existing: SparkSession | None = None) -> Lakehouse:
    if existing is not None:
        settings = Settings.resolve(engine="databricks")
        if "FITLAKE_HOME" not in os.environ:  # the jobs' home (workflows/*.job.yml): staging files go there
            volume = f"/Volumes/{settings.catalog}/{settings.schema('ops')}/lakehouse"
            settings = Settings.resolve(home=volume, engine="databricks")
        existing.sql(f"USE CATALOG {settings.catalog}")
        return Lakehouse(existing, settings, settings.catalog, persistent_catalog=True)
    stack = ExitStack()
    lh = stack.enter_context(open_lakehouse(Settings.resolve()))
    atexit.register(stack.close)
    return lh


def notebook_session(existing: SparkSession | None = None) -> SparkSession:
    return notebook_lakehouse(existing).spark
