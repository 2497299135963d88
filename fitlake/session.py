"""Open the lakehouse: start the engine, register the catalog's tables, stop the engine on exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fitlake import engine
from fitlake.lakehouse import Lakehouse
from fitlake.settings import Settings


@contextmanager
def open_lakehouse(settings: Settings) -> Iterator[Lakehouse]:
    handle = engine.start(settings)
    try:
        lh = Lakehouse(handle.spark, settings, handle.catalog, handle.persistent_catalog)
        lh.register_existing()
        yield lh
    finally:
        handle.stop()
