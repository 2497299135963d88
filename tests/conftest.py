"""One Sail session per test run, and the JVM parity check of every module of pure-transformation tests.

Pure transformations take the `spark` fixture: they run on Sail, and every query they run is replayed on classic
JVM Spark and compared at the end of the session, one parity check per test module (tests/jvm_parity.py), so
nothing Sail-only sneaks in. I/O runs on Sail, the embedded engine, over a temporary lakehouse folder per test.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from fitlake import engine
from fitlake.contracts import LAYERS
from fitlake.lakehouse import Lakehouse
from fitlake.settings import Settings
from tests.jvm_parity import PARITY_CASE, JvmParity, JvmParityItem

# Python turns naive datetimes into instants with the process time zone; pin it like the sessions'.
os.environ["TZ"] = "UTC"
time.tzset()

PARITY = pytest.StashKey[JvmParity]()


@pytest.fixture(scope="session")
def sail_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[engine.EngineHandle]:
    handle = engine.start(Settings(home=tmp_path_factory.mktemp("sail")))
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def sail(sail_engine: engine.EngineHandle) -> SparkSession:
    return sail_engine.spark


@pytest.fixture(scope="session")
def jvm_parity(sail: SparkSession, tmp_path_factory: pytest.TempPathFactory, pytestconfig) -> Iterator[JvmParity]:
    parity = JvmParity(sail, tmp_path_factory.mktemp("jvm"))
    pytestconfig.stash[PARITY] = parity
    yield parity
    parity.stop()


@pytest.fixture
def spark(sail: SparkSession, jvm_parity: JvmParity, request: pytest.FixtureRequest) -> Iterator[SparkSession]:
    """The session for pure transformations: Sail, with every query recorded for the module's JVM parity check (unless
    the module gives that check all of its cases at once)."""
    if hasattr(request.module, PARITY_CASE):
        yield sail
        return
    with jvm_parity.recording(request.node.getparent(pytest.Module).nodeid, request.node.nodeid):
        yield sail


# Session fixtures a test run builds once and tests share: tests taking one run in one process (one xdist group).
# `spark`: a module's queries are recorded in the process that runs its JVM parity check, and one JVM serves them all.
# They are the longest groups, so they are scheduled first, in this order: the JVM replays `spark`'s queries one by one
# while Sail runs the tests (its replays, not the tests, set that group's length), and the two days' three pipeline
# runs follow each other. pyproject.toml turns off xdist's own reordering (by tests per group), which sent the
# two-test `two_days` group last and made its two minutes the run's tail.
SHARED_FIXTURES = ("home", "two_days", "spark")  # a test taking two goes with the first: its run is built once
SCHEDULED_FIRST = ("spark", "two_days", "home")


def _group(item: pytest.Item) -> str:
    """The process an item must run in: that of the shared fixture it takes, else its module's (module-scoped
    fixtures are made once)."""
    if isinstance(item, JvmParityItem):
        return "spark"
    taken = getattr(item, "fixturenames", ())
    return next((f for f in SHARED_FIXTURES if f in taken), item.getparent(pytest.Module).nodeid)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add one JVM parity check per module whose tests take `spark`, after the module's tests; group the items by
    the process they need, the shared fixtures' first."""
    modules = {item.getparent(pytest.Module): None for item in items if "spark" in getattr(item, "fixturenames", ())}

    def parity() -> JvmParity:
        if PARITY not in config.stash:
            pytest.fail("no test of this module ran on the `spark` fixture, so there is nothing to compare")
        return config.stash[PARITY]

    items += [JvmParityItem.from_parent(m, name="jvm_parity", check=parity) for m in modules]
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    shared = {name: rank for rank, name in enumerate(SCHEDULED_FIRST)}
    items.sort(key=lambda item: shared.get(_group(item), len(shared)))


class _DropParityChecksWithoutTests:
    """After -k or -m deselected tests: a module none of whose `spark` tests is left has nothing to compare. (A class:
    one conftest module cannot hold two implementations of one hook.)"""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        recorded = {item.getparent(pytest.Module) for item in items if "spark" in getattr(item, "fixturenames", ())}
        items[:] = [item for item in items if not isinstance(item, JvmParityItem) or item.parent in recorded]


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_DropParityChecksWithoutTests())


def pytest_collection_finish(session: pytest.Session) -> None:
    """The modules a test process has imported by now (pyspark, Great Expectations, MLflow, pandas, ...) live as
    long as it does: kept out of the garbage collector's full passes, which went through them all again each time
    (7.0 and 4.4 s of full collections in the two test processes of one run; bench/RESULTS.md)."""
    gc.freeze()


@contextmanager
def temporary_lakehouse(sail_engine: engine.EngineHandle, home: Path) -> Iterator[Lakehouse]:
    """A lakehouse in `home` on the test run's Sail session, its tables on disk registered; they are
    unregistered afterwards (their files stay) so the next one starts from an empty catalog."""
    # Test files are complete when written: no waiting for them to settle (tests/fitlake/test_ingest.py tests it).
    lh = Lakehouse(sail_engine.spark, Settings(home=home, settle_seconds=0), sail_engine.catalog)
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
