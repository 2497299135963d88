"""Named queries on the local lakehouse, no Spark engine: delta-rs reads each table's version into Arrow, DuckDB
runs the query on it (chosen over polars by measurement: bench/serving.py, bench/RESULTS.md).

A table is read once per Delta version (`fitlake.delta_tables.read_table`: delta-rs's own engine, not pyarrow's
dataset scan) and kept until a newer version replaces it, so queries with new parameters reuse it. A query that reads
one week of a date-partitioned table (NamedQuery.week_of) reads that week's partitions only, kept by week. DuckDB cannot
read Delta itself here (its `delta` extension is downloaded at run time, from a host these machines cannot reach).
"""

from __future__ import annotations

import datetime as dt
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
        # The version of each Arrow table DuckDB holds, by the name it is registered under: a table's, or one week's.
        self._held: dict[str, TableVersion] = {}
        self._newest_weeks: dict[tuple[str, TableVersion], dt.date | None] = {}
        self._opened: dict[str, tuple[TableVersion, DeltaTable]] = {}
        self._sql: dict[tuple, str] = {}  # each query's SQL for the names of the Arrow tables it reads
        # One DuckDB connection, used by one query at a time: a cache miss is rare, and a connection is not
        # safe to share between threads.
        self._duckdb = duckdb.connect()
        self._lock = threading.Lock()

    def versions(self, tables: tuple[str, ...]) -> dict[str, TableVersion]:
        return {t: self.tables.current(t) for t in tables}

    def run(self, query: NamedQuery, parameters: Mapping[str, Any], versions: Mapping[str, TableVersion]) -> pa.Table:
        """The query's rows on exactly `versions` of its tables (a newer commit meanwhile is the next key's)."""
        with self._lock:
            names = {table: self._hold(table, version, self._week(query, table, version, parameters))
                     for table, version in versions.items()}  # fmt: skip
            key = (query.name, tuple(sorted(names.items())))
            sql = self._sql.get(key) or self._sql.setdefault(key, query.render(self.dialect, names.__getitem__))
            return self._duckdb.sql(sql, params=dict(parameters)).to_arrow_table()

    def interrupt(self) -> None:
        """Stop the query DuckDB is running (the SQL explorer's time limit); it raises duckdb.InterruptException."""
        self._duckdb.interrupt()

    def _open(self, table: str, version: TableVersion) -> DeltaTable:
        """The table at `version`, its log read once (opening is most of a week's cost: the log lists every file)."""
        known = self._opened.get(table)
        if known is not None and known[0] == version:
            return known[1]
        path = self.tables.path(table)
        try:
            opened = DeltaTable(str(path), version=version.version)
        except Exception as e:  # delta-rs raises a bare DeltaError, its message a Rust backtrace
            raise TableDamaged(damaged_log_message(table, path, e)) from None
        self._opened[table] = (version, opened)  # the latest version asked, replacing the one before
        return opened

    def _week(
        self, query: NamedQuery, table: str, version: TableVersion, parameters: Mapping[str, Any]
    ) -> tuple[str, dt.date] | None:
        """The partition column and Monday of the week of `table` the query reads; None: it reads the whole table."""
        week_of = query.week_of
        if week_of is None or week_of.table != table:
            return None
        if (given := parameters.get(week_of.parameter)) is not None:
            # A date, whatever the caller passed: it is written into the partition filter below.
            return week_of.column, given if isinstance(given, dt.date) else dt.date.fromisoformat(str(given))
        if (table, version) not in self._newest_weeks:  # the log's partition values: no data file is read
            days = [p[week_of.column] for p in self._open(table, version).partitions() if p.get(week_of.column)]
            self._newest_weeks[(table, version)] = monday(dt.date.fromisoformat(max(days))) if days else None
        newest = self._newest_weeks[(table, version)]
        return (week_of.column, newest) if newest else None

    def _hold(self, table: str, version: TableVersion, week: tuple[str, dt.date] | None) -> str:
        """The name DuckDB knows `version` of the table by (one week of it, when `week` is given), read into Arrow and
        handed to DuckDB unless that is the version it holds under that name."""
        name = arrow_name(table) + (f"__week_{week[1]:%Y%m%d}" if week else "")
        if self._held.get(name) != version:
            opened = self._open(table, version)
            if week is None:
                snapshot = read_table(opened)
            else:
                column, first = week
                last = first + dt.timedelta(days=6)
                snapshot = read_table(opened, where=f"\"{column}\" BETWEEN DATE '{first}' AND DATE '{last}'")
            self._duckdb.register(name, snapshot)  # replaces (and frees) the older version's
            self._held[name] = version
        return name


def monday(day: dt.date) -> dt.date:
    """The first day of the ISO week of `day`."""
    return day - dt.timedelta(days=day.weekday())
