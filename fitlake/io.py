"""Write DataFrames to contract tables, always through the table name.

Every write first checks the DataFrame against the table's contract: Sail silently drops a column
that a Delta table does not have, so an unexpected column is refused here rather than lost there.

Modes:
  overwrite           replace the whole table
  append              add rows
  upsert              MERGE on the contract's keys: update matches, insert the rest
  replace_partitions  replace exactly the partitions present in the DataFrame (Delta replaceWhere)
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from typing import Literal

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import TableContract, quote
from fitlake.errors import ContractViolation
from fitlake.lakehouse import Lakehouse
from fitlake.permissions import holds_personal_data, make_private, private_folder

WriteMode = Literal["overwrite", "append", "upsert", "replace_partitions"]


def conform_to_contract(df: DataFrame, contract: TableContract) -> DataFrame:
    """Select the contract's columns in order; refuse missing, unexpected or mistyped columns."""
    actual = {f.name: f.dataType for f in df.schema.fields}
    missing = [c.name for c in contract.columns if c.name not in actual]
    extra = [name for name in actual if name not in contract.column_names]
    mistyped = [
        f"{c.name} is {actual[c.name].simpleString()}, declared {c.data_type.simpleString()}"
        for c in contract.columns
        if c.name in actual and actual[c.name] != c.data_type
    ]
    problems = [
        *([f"missing columns {missing}"] if missing else []),
        *([f"unexpected columns {extra}"] if extra else []),
        *mistyped,
    ]
    if problems:
        raise ContractViolation(f"data for {contract.name} breaks its contract: {'; '.join(problems)}")
    return df.select(*contract.column_names)


# One writer at a time per table: steps run side by side (fitlake.steps) and Sail, unlike Databricks, does
# not detect conflicting Delta commits. Shared tables (ops.run_log, the ledger) are appended to by many steps.
_table_locks: dict[str, threading.Lock] = {}
_table_locks_guard = threading.Lock()


def _lock_for(name: str) -> threading.Lock:
    with _table_locks_guard:
        return _table_locks.setdefault(name, threading.Lock())


def write(lh: Lakehouse, contract: TableContract, df: DataFrame, mode: WriteMode) -> None:
    df = conform_to_contract(df, contract)
    with _lock_for(lh.table_name(contract)):
        _write(lh, contract, df, mode)


def _write(lh: Lakehouse, contract: TableContract, df: DataFrame, mode: WriteMode) -> None:
    lh.ensure_table(contract)
    private = holds_personal_data(contract) and lh.location(contract) is not None
    if private:  # owner-only before the rows land in it, and the new files owner-only after
        make_private(lh.location(contract))
    try:
        _write_rows(lh, contract, df, mode)
    finally:
        if private:
            make_private(lh.location(contract))


def _write_rows(lh: Lakehouse, contract: TableContract, df: DataFrame, mode: WriteMode) -> None:
    name = lh.table_name(contract)
    if mode == "overwrite":
        if contract.partition_by:  # one file per partition value, not one per input partition and value
            df = df.repartition(*contract.partition_by)
        df.write.mode("overwrite").saveAsTable(name)
    elif mode == "append":
        df.write.mode("append").saveAsTable(name)
    elif mode == "upsert":
        _merge_on_keys(lh, contract, df)
    elif mode == "replace_partitions":
        _replace_partitions(contract, df, name)
    else:
        raise ValueError(f"unknown write mode {mode!r}")


@contextmanager
def staged(lh: Lakehouse, name: str, df: DataFrame) -> Iterator[DataFrame]:
    """`df` computed once, into Parquet under the staging folder, and read back for the block's several uses.

    A DataFrame is a plan: a Silver build writes the clean rows, then the quarantined ones, then counts them
    all per batch, and each use ran the whole transform again, decryption UDFs included (silver.wearable_minutes
    on small: 14.5 s, three passes). Cache and persist would do the same in memory, but serverless Databricks
    refuses them; a file works on every engine.
    """
    folder = private_folder(lh.settings.staging) / name  # members' names pass through it
    shutil.rmtree(folder, ignore_errors=True)  # what a killed run left
    df.write.mode("overwrite").parquet(str(folder / "rows"))
    try:
        # Sail writes no file for no rows, and a folder without one reads back without columns.
        has_rows = any((folder / "rows").glob("*.parquet"))
        yield lh.spark.read.parquet(str(folder / "rows")) if has_rows else df
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def replace_if_valid(lh: Lakehouse, contract: TableContract, df: DataFrame) -> None:
    """Overwrite the table with `df`, computed once, unless a row breaks one of its error-level rules: then
    nothing is written and the ContractViolation names each rule and its row count (a Gold build, a scoring)."""
    from fitlake import quality

    with staged(lh, f"{contract.name}.result", df) as result:
        broken = quality.broken_rules(result, contract)
        if broken:
            raise ContractViolation(quality.describe_broken(contract.name, broken))
        write(lh, contract, result, "overwrite")


@contextmanager
def _as_view(lh: Lakehouse, df: DataFrame) -> Iterator[str]:
    """`df` as a temporary view, for SQL that has no DataFrame form (MERGE)."""
    view = f"fitlake_rows_{uuid.uuid4().hex}"
    df.createOrReplaceTempView(view)
    try:
        yield view
    finally:
        lh.spark.catalog.dropTempView(view)


def _merge_on_keys(lh: Lakehouse, contract: TableContract, df: DataFrame) -> None:
    if not contract.keys:
        raise ContractViolation(f"{contract.name} declares no keys, so it cannot be upserted")
    duplicated = df.groupBy(*contract.keys).count().filter("count > 1").limit(1).count()
    if duplicated:
        raise ContractViolation(
            f"data for {contract.name} has several rows for one key {list(contract.keys)}: deduplicate before upserting"
        )
    on = " AND ".join(f"t.{quote(k)} <=> s.{quote(k)}" for k in contract.keys)
    with _as_view(lh, df) as view:
        lh.spark.sql(
            f"MERGE INTO {lh.table_name(contract)} AS t USING {view} AS s ON {on} "
            "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
        )


def partition_predicate(contract: TableContract, values: list[tuple]) -> SparkColumn:
    """A predicate matching exactly the given partition value tuples."""
    cols = [F.col(c) for c in contract.partition_by]
    if len(cols) == 1:
        return cols[0].isin([v[0] for v in values])
    matches = [reduce(lambda a, b: a & b, [c == F.lit(v) for c, v in zip(cols, row, strict=True)]) for row in values]
    return reduce(lambda a, b: a | b, matches)


def _replace_partitions(contract: TableContract, df: DataFrame, name: str) -> None:
    if not contract.partition_by:
        raise ContractViolation(f"{contract.name} is not partitioned, so partitions cannot be replaced")
    values = [tuple(r) for r in df.select(*contract.partition_by).distinct().collect()]
    if not values:
        return
    # writeTo(...).overwrite(condition) is Delta's replaceWhere through the table name. Sail ignores the
    # replaceWhere *option* on saveAsTable and overwrites the whole table (docs/engine-notes.md).
    df.writeTo(name).overwrite(partition_predicate(contract, values))


def delete_matching(lh: Lakehouse, contract: TableContract, rows: DataFrame, on: tuple[str, ...]) -> None:
    """Delete the table's rows equal to one of `rows` on the columns `on`, in one commit (a MERGE)."""
    matched = " AND ".join(f"t.{quote(c)} = s.{quote(c)}" for c in on)
    with _lock_for(lh.table_name(contract)), _as_view(lh, rows.select(*on).distinct()) as view:
        lh.spark.sql(
            f"MERGE INTO {lh.table_name(contract)} AS t USING {view} AS s ON {matched} WHEN MATCHED THEN DELETE"
        )


def delete_rows(lh: Lakehouse, contract: TableContract, where: str) -> None:
    """Delete the rows matching the SQL condition `where` (Delta DELETE), one writer at a time like every write."""
    with _lock_for(lh.table_name(contract)):
        lh.spark.sql(f"DELETE FROM {lh.table_name(contract)} WHERE {where}")
