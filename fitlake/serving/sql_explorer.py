"""The dashboard's SQL explorer: the one place where SQL a person types is run, and only after it is checked.

A query passes fitlake.readonly_sql's check (read-only, no file reads), is a query rather than SHOW or EXPLAIN, and
reads Gold and ops tables only, by `<schema>.<table>`: Silver holds the one table with names and contact details
(silver.member_pii), and no Gold or ops contract declares a personal column (checked here on the contracts, so a
new one is refused without a change). It is then run by the read path's backend, wrapped in a row limit (one row
more, to tell the user the result was cut) and stopped at a time limit.
"""

from __future__ import annotations

import concurrent.futures
import time
from dataclasses import dataclass

import pyarrow as pa
import sqlglot
from sqlglot import exp

from fitlake import registry
from fitlake.errors import UsageError
from fitlake.readonly_sql import DIALECT, why_refused
from fitlake.serving.named_query import NamedQuery
from fitlake.serving.read_path import ReadPath

ROW_LIMIT = 1000
TIME_LIMIT_SECONDS = 10.0
EXPLORABLE_LAYERS = ("gold", "ops")
_QUERIES = (exp.Select, exp.SetOperation)


class QueryRefused(UsageError):
    """The explorer does not run this query; the message says why in one line."""


@dataclass(frozen=True)
class Explored:
    rows: pa.Table
    truncated: bool  # the query returned more than the row limit; `rows` holds the first ROW_LIMIT
    seconds: float


def explorable_tables() -> tuple[str, ...]:
    """The tables the explorer reads: Gold and ops tables without a personal column."""
    return tuple(
        sorted(
            name
            for name, contract in registry.contracts().items()
            if name.split(".")[0] in EXPLORABLE_LAYERS and not any(c.pii for c in contract.columns)
        )
    )


def explorer_query(sql: str, row_limit: int = ROW_LIMIT) -> NamedQuery:
    """`sql` checked and wrapped in the row limit, as a named query of no parameters; QueryRefused if it may not run."""
    if refused := why_refused(sql):
        raise QueryRefused(refused)
    tree = sqlglot.parse_one(sql, read=DIALECT)
    if not isinstance(tree, _QUERIES):
        raise QueryRefused(
            "the explorer runs queries (SELECT, WITH ... SELECT); use `fitlake sql` for SHOW or DESCRIBE"
        )
    if any(tree.find_all(exp.Placeholder)):
        raise QueryRefused("the explorer takes no parameter markers (:name, ?): write the values in the query")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    allowed = set(explorable_tables())
    for table in tree.find_all(exp.Table):
        named = f"{table.db}.{table.name}"
        if not table.db and table.name in ctes:
            continue
        if not table.db:
            raise QueryRefused(f"name tables <schema>.<table> (gold.{table.name}); {table.name} has no schema")
        if named not in allowed:
            raise QueryRefused(
                f"{named} is not a table the explorer reads: it reads the Gold and ops tables (e.g. gold.dim_member)"
            )
    limited = exp.select("*").from_(tree.subquery("explored")).limit(row_limit + 1)
    return NamedQuery(
        name="sql_explorer",
        description="A query typed in the SQL explorer",
        sql=limited.sql(DIALECT),
        defaults={},
        columns=(),
    )


def explore(read_path: ReadPath, sql: str, row_limit: int = ROW_LIMIT, seconds: float = TIME_LIMIT_SECONDS) -> Explored:
    """Run `sql` on the read path's backend; QueryRefused when it may not run or passes the time limit (stopped)."""
    query = explorer_query(sql, row_limit)
    backend = read_path.backend
    started = time.perf_counter()
    # The query runs in a thread of its own so that this one can stop it: DuckDB's interrupt, a warehouse's cancel.
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        running = pool.submit(backend.run, query, {}, backend.versions(query.tables))
        try:
            rows = running.result(timeout=seconds)
        except concurrent.futures.TimeoutError:
            backend.interrupt()
            raise QueryRefused(f"the query ran longer than the {seconds:g} s limit and was stopped") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    truncated = rows.num_rows > row_limit
    return Explored(rows.slice(0, row_limit), truncated, time.perf_counter() - started)
