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

from fitlake.delta_tables import damaged_log_message, read_table
from fitlake.errors import TableDamaged
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
        self._held: dict[str, TableVersion] = {}  # the version of each table DuckDB holds (registered Arrow)
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
                self._hold(table, version)
            sql = self._sql.get(query.name) or self._sql.setdefault(query.name, query.render(self.dialect, arrow_name))
            return self._duckdb.sql(sql, params=dict(parameters)).to_arrow_table()

    def interrupt(self) -> None:
        """Stop the query DuckDB is running (the SQL explorer's time limit); it raises duckdb.InterruptException."""
        self._duckdb.interrupt()

    def _hold(self, table: str, version: TableVersion) -> None:
        """Read `version` of the table into Arrow and hand it to DuckDB, unless that is the version it holds."""
        if self._held.get(table) != version:
            path = self.tables.path(table)
            try:
                opened = DeltaTable(str(path), version=version.version)
            except Exception as e:  # delta-rs raises a bare DeltaError, its message a Rust backtrace
                raise TableDamaged(damaged_log_message(table, path, e)) from None
            snapshot = read_table(opened)
            self._duckdb.register(arrow_name(table), snapshot)  # replaces (and frees) the older version's
            self._held[table] = version
