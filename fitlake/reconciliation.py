"""`ops.reconciliation`: proof, per Silver table and Bronze batch, that no row was lost or invented.

For each batch a Silver table was built from: Bronze rows = Silver rows + quarantined + duplicates removed
+ withheld (research data without consent). The counts come from the tables as written, not from the
transform's own bookkeeping, so a write that lost rows shows here. A table that does not balance still
gets its rows recorded (so `fitlake sql` shows where), then the step fails.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake import io
from fitlake.contracts import TableContract
from fitlake.errors import ReconciliationError
from fitlake.lakehouse import Lakehouse
from fitlake.quality import outcome_counts, quarantine_contract
from ops.reconciliation import CONTRACT


def _per_batch(df: DataFrame, name: str) -> DataFrame:
    return df.groupBy(F.col("_batch_id").alias("batch_id")).agg(F.count(F.lit(1)).alias(name))


def reconcile(
    bronze: DataFrame,
    flagged: DataFrame,
    silver: DataFrame,
    quarantine: DataFrame,
    table: str,
    source: str,
    run_id: str,
) -> DataFrame:
    """One row per batch, from Bronze, the transform's flags (duplicates, withheld) and the written tables."""
    outcomes = flagged.groupBy(F.col("_batch_id").alias("batch_id")).agg(*outcome_counts(flagged))
    counted = (
        _per_batch(bronze, "bronze_rows")
        .join(_per_batch(silver, "silver_rows"), "batch_id", "full")
        .join(_per_batch(quarantine, "quarantined"), "batch_id", "full")
        .join(outcomes.select("batch_id", "duplicates", "withheld"), "batch_id", "full")
    )
    n = {
        c: F.coalesce(F.col(c), F.lit(0)).cast("bigint")
        for c in ("bronze_rows", "silver_rows", "quarantined", "duplicates", "withheld")
    }
    return counted.select(
        F.lit(table).alias("table_name"),
        F.lit(source).alias("source_table"),
        "batch_id",
        *[v.alias(k) for k, v in n.items()],
        (n["bronze_rows"] == n["silver_rows"] + n["quarantined"] + n["duplicates"] + n["withheld"]).alias("balanced"),
        F.lit(run_id).alias("run_id"),
        F.lit(datetime.now(UTC)).alias("checked_at"),
    )


def record(lh: Lakehouse, table: TableContract, source: str, flagged: DataFrame, run_id: str) -> list:
    """Write the table's reconciliation rows (replacing its earlier ones); fail when a batch does not balance."""
    rows = reconcile(
        lh.read(source), flagged, lh.read(table), lh.read(quarantine_contract(table)), table.name, source, run_id
    ).collect()
    io.write(lh, CONTRACT, lh.spark.createDataFrame(rows, CONTRACT.spark_schema), "replace_partitions")
    unbalanced = [r for r in rows if not r.balanced]
    if unbalanced:
        shown = "; ".join(
            f"batch {r.batch_id}: {r.bronze_rows} bronze != {r.silver_rows} silver + {r.quarantined} quarantined"
            f" + {r.duplicates} duplicates + {r.withheld} withheld"
            for r in unbalanced[:3]
        )
        raise ReconciliationError(
            f"{table.name} does not balance against {source} ({len(unbalanced)} batches): {shown}"
        )
    return rows
