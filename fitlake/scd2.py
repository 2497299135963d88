"""Slowly changing dimensions, type 2: keep every version of an entity, each valid from one instant to the next.

A versioned table declares `HISTORY = ScdType2(key, tracked)`; its transform returns candidate states (the
key, the tracked attributes, `valid_from` and lineage). `merge_versions` adds, with one Delta MERGE, the
states newer than each key's current version that change a tracked attribute, closing the version they
replace. States not newer than the current version are ignored, so a rerun adds nothing and days merged
one by one give the same history as a backfill.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake import io
from fitlake.contracts import TableContract, quote
from fitlake.lakehouse import Lakehouse


@dataclass(frozen=True)
class ScdType2:
    key: str
    tracked: tuple[str, ...]
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"
    is_current: str = "is_current"


def _changed(tracked: tuple[str, ...], window: Window) -> SparkColumn:
    """True when a tracked attribute differs from the previous state (NULL-safe), or there is none."""
    first = F.lag(F.lit(1)).over(window).isNull()
    differs = [~F.col(c).eqNullSafe(F.lag(c).over(window)) for c in tracked]
    return first | reduce(lambda a, b: a | b, differs)


def new_versions(current: DataFrame, candidates: DataFrame, scd: ScdType2, columns: list[str]) -> DataFrame:
    """Candidate states that open a version: newer than the key's current version and changing something.

    Returns the contract's columns; `valid_to` is the next new version's start (NULL for the last).
    """
    k, start = scd.key, scd.valid_from
    latest = current.select(k, F.col(start).alias("_current_from"))
    newer = (
        candidates.join(latest, k, "left")
        .filter(F.col("_current_from").isNull() | (F.col(start) > F.col("_current_from")))
        .drop("_current_from")
        .withColumn("_is_new", F.lit(True))
    )
    existing = current.select(*[c for c in newer.columns if c != "_is_new"]).withColumn("_is_new", F.lit(False))
    by_key = Window.partitionBy(k).orderBy(start)
    opened = (
        existing.unionByName(newer)
        .withColumn("_opens", _changed(scd.tracked, by_key))
        .filter(F.col("_is_new") & F.col("_opens"))
    )
    return opened.select(
        *[c for c in columns if c not in (scd.valid_to, scd.is_current)],
        F.lead(start).over(by_key).alias(scd.valid_to),
        F.lead(start).over(by_key).isNull().alias(scd.is_current),
    ).select(*columns)


def merge_versions(lh: Lakehouse, contract: TableContract, scd: ScdType2, candidates: DataFrame) -> int:
    """Close the current versions that new states replace and insert the new versions; returns how many."""
    lh.ensure_table(contract)
    current = lh.read(contract).filter(F.col(scd.is_current))
    opened = new_versions(current, candidates.drop(scd.valid_to, scd.is_current), scd, contract.column_names)
    rows = opened.collect()  # a day's changes: small, and counted before the MERGE reads them
    if not rows:
        return 0
    staged = io.conform_to_contract(lh.spark.createDataFrame(rows, contract.spark_schema), contract)
    k, start = quote(scd.key), quote(scd.valid_from)
    closes = staged.groupBy(scd.key).agg(F.min(scd.valid_from).alias("_closed_at"))
    view = f"fitlake_scd2_{uuid.uuid4().hex}"
    # One MERGE: rows with a merge key close the current version, rows without one are inserted.
    staged.select(
        F.lit(None).cast("string").alias("_merge_key"), F.lit(None).cast("timestamp").alias("_closed_at"), "*"
    ).unionByName(
        current.join(closes, scd.key).select(
            F.col(scd.key).alias("_merge_key"), "_closed_at", *[F.col(c) for c in contract.column_names]
        )
    ).createOrReplaceTempView(view)
    insert_columns = ", ".join(quote(c) for c in contract.column_names)
    insert_values = ", ".join(f"s.{quote(c)}" for c in contract.column_names)
    try:
        lh.spark.sql(
            f"MERGE INTO {lh.table_name(contract)} AS t USING {view} AS s "
            f"ON t.{k} = s._merge_key AND t.{start} = s.{start} AND t.{quote(scd.is_current)} "
            f"WHEN MATCHED THEN UPDATE SET t.{quote(scd.valid_to)} = s._closed_at, t.{quote(scd.is_current)} = false "
            f"WHEN NOT MATCHED AND s._merge_key IS NULL THEN INSERT ({insert_columns}) VALUES ({insert_values})"
        )
    finally:
        lh.spark.catalog.dropTempView(view)
    return len(rows)
