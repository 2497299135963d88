"""A named query: Databricks SQL with `:name` parameter markers, the Gold tables it reads and the columns it returns.

The SQL is written once, in the dialect analysts use, and checked read-only (fitlake.readonly_sql) when the query is
declared. Each backend renders it once: sqlglot rewrites the table names (a catalog and schema prefix on Databricks,
the Arrow tables DuckDB was handed locally) and the parameter markers (`:week` on Databricks, `$week` in DuckDB).
Values only ever travel as bound parameters: no text a caller sends becomes SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sqlglot
from sqlglot import exp

from fitlake.contracts import Column
from fitlake.readonly_sql import DIALECT, why_refused


@dataclass(frozen=True)
class WeekOfPartitions:
    """A query reads one ISO week of a table partitioned by date: the week starting on the Monday given as parameter
    `parameter`, or, when it is None, the week of the table's newest partition (as the query's own SQL picks it).

    The local backend then reads that week's partitions only (seven files of 365, not all of them); the query's SQL
    still selects the week itself, so it gives the same rows on the whole table (the SQL warehouse prunes on its own).
    """

    table: str
    column: str
    parameter: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    # Parameter -> its value when the caller gives none (None: the filter is off, or the SQL picks: the latest week).
    defaults: Mapping[str, Any]
    columns: tuple[Column, ...]
    week_of: WeekOfPartitions | None = None
    tables: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if refused := why_refused(self.sql):
            raise ValueError(f"query {self.name} is not read-only: {refused}")
        if leaked := [c.name for c in self.columns if c.pii]:
            raise ValueError(f"query {self.name} returns personal data: {leaked}")
        markers = {p.name for p in self._tree.find_all(exp.Placeholder)}
        if markers != set(self.defaults):
            raise ValueError(
                f"query {self.name}: markers {sorted(markers)} are not its parameters {sorted(self.defaults)}"
            )
        read = sorted({f"{t.db}.{t.name}" for t in self._gold_tables(self._tree)})
        object.__setattr__(self, "tables", tuple(read))
        if self.week_of and (self.week_of.table not in read or self.week_of.parameter not in self.defaults):
            raise ValueError(f"query {self.name}: {self.week_of} names a table it does not read or no parameter")

    @cached_property
    def _tree(self) -> exp.Expression:
        return sqlglot.parse_one(self.sql, read=DIALECT)

    @staticmethod
    def _gold_tables(tree: exp.Expression) -> list[exp.Table]:
        """The tables named `schema.table`; a name without a schema is one of the query's own CTEs."""
        return [t for t in tree.find_all(exp.Table) if t.db]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value: the given ones over the defaults. An unknown parameter is a caller's mistake."""
        unknown = set(given) - set(self.defaults)
        if unknown:
            raise ValueError(
                f"query {self.name} takes no parameters {sorted(unknown)}; it takes {sorted(self.defaults)}"
            )
        return {**self.defaults, **given}

    def render(self, dialect: str, table_name: Callable[[str], str]) -> str:
        """The SQL for a backend: each `schema.table` as `table_name` gives it, the markers in `dialect`."""
        tree = self._tree.copy()
        for table in self._gold_tables(tree):
            renamed = exp.to_table(table_name(f"{table.db}.{table.name}"), dialect=dialect)
            if table.alias:
                renamed.set("alias", table.args["alias"])
            table.replace(renamed)
        return tree.sql(dialect)
