"""A fake of databricks-sql-connector's connection and cursor: records what is executed, answers DESCRIBE HISTORY
with `version` and any query with one instructor leaderboard row."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

ROW = {"week_start": dt.date(2025, 3, 3), "location_id": "BKN", "instructor_id": "I1", "attendance": 5, "classes": 1,
       "rank": 1}  # fmt: skip


class FakeCursor:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection
        self._result: pa.Table | None = None

    def __enter__(self) -> FakeCursor:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def execute(self, operation: str, parameters=None) -> FakeCursor:
        self.connection.executed.append((operation, parameters))
        if operation.startswith("DESCRIBE HISTORY"):
            self._result = pa.table({"version": [self.connection.version], "operation": ["WRITE"]})
        else:
            self._result = pa.Table.from_pylist([ROW])
        return self

    def fetchall_arrow(self) -> pa.Table:
        return self._result


class FakeConnection:
    def __init__(self) -> None:
        self.executed: list[tuple[str, dict | None]] = []
        self.version = 7

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)
