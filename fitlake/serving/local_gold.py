"""Named queries on the local lakehouse, no Spark engine: delta-rs reads each table's version into Arrow, DuckDB
runs the query on it (chosen over polars by measurement: bench/serving.py, bench/RESULTS.md).

A table is read once per Delta version (`fitlake.delta_tables.read_table`: delta-rs's own engine, not pyarrow's
dataset scan) and kept until a newer version replaces it, so queries with new parameters reuse it. DuckDB cannot
read Delta itself here (its `delta` extension is downloaded at run time, from a host these machines cannot reach).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from deltalake import DeltaTable

from fitlake.delta_tables import read_table
from fitlake.serving.delta_versions import DeltaVersions, TableVersion
from fitlake.serving.named_query import NamedQuery


def arrow_name(table: str) -> str:
    """The name a Gold table's Arrow snapshot has in DuckDB: `gold.x` -> `gold__x`."""
    return table.replace(".", "__")


class LocalGold:
    """The backend of the local lakehouse whose Delta tables are under `tables_root` (`<home>/<catalog>`)."""

    dialect = "duckdb"

    def __init__(self, tables_root: Path) -> None:
        self.tables = DeltaVersions(tables_root)
        self._snapshots: dict[str, tuple[TableVersion, pa.Table]] = {}
        self._sql: dict[str, str] = {}
        # One DuckDB connection, used by one query at a time: a cache miss is rare, and a connection is not
        # safe to share between threads.
        self._duckdb = duckdb.connect()
        self._lock = threading.Lock()

    def versions(self, tables: tuple[str, ...]) -> dict[str, TableVersion]:
        return {t: self.tables.current(t) for t in tables}

    def run(self, query: NamedQuery, parameters: Mapping[str, Any], versions: Mapping[str, TableVersion]) -> pa.Table:
        """The query's rows on exactly `versions` of its tables (a newer commit meanwhile is the next key's)."""
        with self._lock:
            for table, version in versions.items():
                self._duckdb.register(arrow_name(table), self._snapshot(table, version))
            sql = self._sql.get(query.name) or self._sql.setdefault(query.name, query.render(self.dialect, arrow_name))
            return self._duckdb.sql(sql, params=dict(parameters)).to_arrow_table()

    def _snapshot(self, table: str, version: TableVersion) -> pa.Table:
        held = self._snapshots.get(table)
        if held is None or held[0] != version:
            dt = DeltaTable(str(self.tables.path(table)), version=version.version)
            held = (version, read_table(dt))
            self._snapshots[table] = held
        return held[1]
