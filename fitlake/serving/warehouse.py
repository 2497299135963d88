"""Named queries on Databricks: a SQL warehouse runs them through databricks-sql-connector, with native parameter
markers (`:week`), so values are bound by the warehouse, never spliced into the text.

Versions come from `DESCRIBE HISTORY <table> LIMIT 1`, one round trip a table a call: the cache is as fresh as on
the local lakehouse, at a warehouse's latency rather than a file stat's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import pyarrow as pa

from fitlake.errors import SettingsError
from fitlake.serving.named_query import NamedQuery
from fitlake.settings import Settings

HTTP_PATH_VARIABLE = "FITLAKE_WAREHOUSE_HTTP_PATH"
WAREHOUSE_ID_VARIABLE = "FITLAKE_WAREHOUSE_ID"


class Cursor(Protocol):
    def execute(self, operation: str, parameters: Mapping[str, Any] | None = None) -> Any: ...

    def fetchall_arrow(self) -> pa.Table: ...

    def cancel(self) -> None: ...


class Connection(Protocol):
    def cursor(self) -> Any: ...


def warehouse_http_path(environ: Mapping[str, str] = os.environ) -> str:
    """FITLAKE_WAREHOUSE_HTTP_PATH, or the path of FITLAKE_WAREHOUSE_ID (what a Databricks App's SQL warehouse resource
    hands its app.yaml)."""
    if path := environ.get(HTTP_PATH_VARIABLE):
        return path
    if warehouse_id := environ.get(WAREHOUSE_ID_VARIABLE):
        return f"/sql/1.0/warehouses/{warehouse_id}"
    raise SettingsError(
        f"set {HTTP_PATH_VARIABLE} to the SQL warehouse's HTTP path (/sql/1.0/warehouses/<id>)"
        f" or {WAREHOUSE_ID_VARIABLE} to its id"
    )


def connect_from_environment() -> Connection:
    """A connection to the SQL warehouse of `warehouse_http_path`, authenticated as databricks-sdk finds: a token
    (DATABRICKS_HOST and DATABRICKS_TOKEN, or a profile) or, in a Databricks App, its service principal's OAuth."""
    from databricks import sql
    from databricks.sdk.core import Config

    http_path = warehouse_http_path()
    config = Config()
    # Config.authenticate gives the headers of whichever authentication it found (a token has no OAuth flow).
    return sql.connect(
        server_hostname=config.hostname, http_path=http_path, credentials_provider=lambda: config.authenticate
    )


class SqlWarehouse:
    """The backend of Unity Catalog's `<catalog>.<prefix>gold.<table>` tables, as `settings` names them."""

    dialect = "databricks"

    def __init__(self, settings: Settings, connect: Callable[[], Connection] | None = None) -> None:
        self.settings = settings
        self._connection = (connect or connect_from_environment)()
        self._running: Cursor | None = None  # the cursor of the query running now, for interrupt()

    def full_name(self, table: str) -> str:
        layer, name = table.split(".")
        return f"{self.settings.catalog}.{self.settings.schema(layer)}.{name}"

    def versions(self, tables: tuple[str, ...]) -> dict[str, int]:
        found = {}
        with self._connection.cursor() as cursor:
            for table in tables:  # names from our own settings and queries, never from a caller
                cursor.execute(f"DESCRIBE HISTORY {self.full_name(table)} LIMIT 1")
                found[table] = int(cursor.fetchall_arrow().column("version")[0].as_py())
        return found

    def run(self, query: NamedQuery, parameters: Mapping[str, Any], versions: Mapping[str, int]) -> pa.Table:
        """The query's rows now (a warehouse reads the latest version; `versions` only keys the cache)."""
        with self._connection.cursor() as cursor:
            self._running = cursor
            try:
                cursor.execute(query.render(self.dialect, self.full_name), dict(parameters))
                return cursor.fetchall_arrow()
            finally:
                self._running = None

    def interrupt(self) -> None:
        """Cancel the query the warehouse is running (the SQL explorer's time limit)."""
        running = self._running
        if running is not None:
            running.cancel()
