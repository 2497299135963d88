"""The one read path of Gold: a named query, its parameters, the Delta versions of its tables -> its result, cached.

The cache key is (query, parameters, versions of the tables it reads). The versions are asked of the backend on
every call (locally two file stats a table), so a rebuilt table is a new key and its first reader recomputes, and
while Gold is unchanged every reader is answered from the cache: never stale, never recomputed. Old versions' keys
are never asked again and fall out of the LRU.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

import cachetools
import pyarrow as pa

from fitlake.serving.named_query import NamedQuery
from fitlake.serving.queries import QUERIES

CACHED_RESULTS = 1024


class Backend(Protocol):
    def versions(self, tables: tuple[str, ...]) -> Mapping[str, Any]: ...

    def run(self, query: NamedQuery, parameters: Mapping[str, Any], versions: Mapping[str, Any]) -> pa.Table: ...

    def interrupt(self) -> None: ...


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)  # money at 2 decimals: a float prints it back exactly
    raise TypeError(f"cannot serve a {type(value).__name__} as JSON")


@dataclass(frozen=True)
class QueryResult:
    query: str
    parameters: dict[str, Any]
    versions: dict[str, int]
    rows: list[dict[str, Any]] = field(repr=False)

    @cached_property
    def json(self) -> bytes:
        """The result as the API sends it, encoded once per cached result."""
        body = {"query": self.query, "parameters": self.parameters, "versions": self.versions, "rows": self.rows}
        return json.dumps(body, default=_json_value, separators=(",", ":")).encode()


def _version_number(version: Any) -> int:
    """A version as people read it: locally a TableVersion (number and commit identity), on Databricks a number."""
    return getattr(version, "version", version)


@dataclass(frozen=True)
class Request:
    query: NamedQuery
    parameters: dict[str, Any]
    versions: dict[str, Any]

    @property
    def key(self) -> tuple:
        return self.query.name, tuple(sorted(self.parameters.items())), tuple(sorted(self.versions.items()))


class ReadPath:
    def __init__(self, backend: Backend, queries: Mapping[str, NamedQuery] = QUERIES, size: int = CACHED_RESULTS):
        self.backend = backend
        self.queries = queries
        self._cache: cachetools.LRUCache = cachetools.LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}  # a lock per key being computed
        self.computed = 0  # results computed rather than served from the cache

    def run(self, name: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        """The query's result on the tables as they are now: from the cache, or computed and cached."""
        request = self.request(name, parameters)
        return self.cached(request) or self.compute(request)

    def request(self, name: str, parameters: Mapping[str, Any] | None = None) -> Request:
        """The query, its parameters bound and the current versions of its tables: the cache key."""
        query = self.queries[name]
        bound = query.bind(parameters or {})
        return Request(query, bound, dict(self.backend.versions(query.tables)))

    def cached(self, request: Request) -> QueryResult | None:
        with self._lock:
            return self._cache.get(request.key)

    def compute(self, request: Request) -> QueryResult:
        """Run the query (a table read and a query locally, a round trip on Databricks) and cache its result.

        Once per key: the requests that missed the cache together, right after a rebuild, wait for the first one's
        result instead of each running the query again."""
        with self._lock:
            computing = self._computing.setdefault(request.key, threading.Lock())
        with computing:
            result = self.cached(request) or self._computed(request)
        with self._lock:
            self._computing.pop(request.key, None)
        return result

    def _computed(self, request: Request) -> QueryResult:
        query = request.query
        table = self.backend.run(query, request.parameters, request.versions)
        served = {t: _version_number(v) for t, v in request.versions.items()}
        result = QueryResult(query.name, request.parameters, served, table.select(query.column_names).to_pylist())
        with self._lock:
            self._cache[request.key] = result
            self.computed += 1
        return result

    def versions(self, tables: tuple[str, ...]) -> dict[str, int]:
        """The Delta version of each table as served now."""
        return {t: _version_number(v) for t, v in self.backend.versions(tables).items()}

    @property
    def tables(self) -> tuple[str, ...]:
        """Every table a query reads."""
        return tuple(sorted({t for q in self.queries.values() for t in q.tables}))
