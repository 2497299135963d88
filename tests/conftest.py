"""One Sail session and one JVM Spark session per test run.

Pure transformations run on both (the `spark` fixture), so nothing Sail-only sneaks in; I/O runs on
Sail, the embedded engine, over a temporary lakehouse folder per test. Both sessions speak Spark
Connect: a classic JVM session in the same process would turn every F.col() into a classic Column.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from fitlake import engine
from fitlake.contracts import LAYERS
from fitlake.lakehouse import Lakehouse
from fitlake.settings import Settings

# Python turns naive datetimes into instants with the process time zone; pin it like the sessions'.
os.environ["TZ"] = "UTC"
time.tzset()


@dataclass
class Engines:
    jvm: SparkSession
    sail: engine.EngineHandle


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    """Both sessions, made and stopped in the one order that works in a single process.

    PySpark's remote("local[...]") hands back any Connect session that already exists, so the JVM
    session is made first; and stopping any Connect session while a local JVM server runs stops that
    server too, so the JVM session is stopped first.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    jvm = (
        SparkSession.builder.remote("local[2]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    sail = engine.start(Settings(home=tmp_path_factory.mktemp("sail")))
    yield Engines(jvm, sail)
    jvm.stop()
    sail.stop()


@pytest.fixture(scope="session")
def jvm(engines: Engines) -> SparkSession:
    return engines.jvm


@pytest.fixture(scope="session")
def sail_engine(engines: Engines) -> engine.EngineHandle:
    return engines.sail


@pytest.fixture(scope="session")
def sail(sail_engine: engine.EngineHandle) -> SparkSession:
    return sail_engine.spark


@pytest.fixture(params=["sail", "jvm"])
def spark(request: pytest.FixtureRequest) -> SparkSession:
    """The session for pure transformations: every such test runs once on each engine."""
    return request.getfixturevalue(request.param)


@contextmanager
def temporary_lakehouse(sail_engine: engine.EngineHandle, home: Path) -> Iterator[Lakehouse]:
    """A lakehouse in `home` on the test run's Sail session, its tables on disk registered; they are
    unregistered afterwards (their files stay) so the next one starts from an empty catalog."""
    lh = Lakehouse(sail_engine.spark, Settings(home=home), sail_engine.catalog)
    lh.register_existing()  # as `fitlake` does when it starts
    try:
        yield lh
    finally:
        spark = sail_engine.spark
        for schema in spark.catalog.listDatabases():
            if schema.name in LAYERS:
                for table in spark.catalog.listTables(f"{sail_engine.catalog}.{schema.name}"):
                    spark.sql(f"DROP TABLE IF EXISTS {lh.table_name(f'{schema.name}.{table.name}')}")


@pytest.fixture
def lakehouse(sail_engine: engine.EngineHandle, tmp_path) -> Iterator[Lakehouse]:
    with temporary_lakehouse(sail_engine, tmp_path) as lh:
        yield lh
