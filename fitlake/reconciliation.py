"""`ops.reconciliation`: proof, per Silver table and Bronze batch, that no row was lost or invented.

For each batch a Silver table was built from: Bronze rows = Silver rows + quarantined + duplicates removed
+ withheld (research data without consent) + merged (a record gathered into another's row). A Silver table
built from several Bronze tables (silver.wearable_minutes) balances against all of them, counted in records: a
row is one, a line of a Wide minute export 60 (bronze._raw's `records_per_line`). The counts come from the
tables as written, not from the transform's own bookkeeping, so a write that lost rows shows here. A table
that does not balance still gets its rows recorded (so `fitlake sql` shows where), then the step fails.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake import io
from fitlake.contracts import TableContract
from fitlake.errors import ReconciliationError
from fitlake.lakehouse import Lakehouse
from fitlake.quality import outcome_counts, quarantine_contract
from fitlake.registry import contracts
from ops.reconciliation import CONTRACT


def _per_batch(df: DataFrame, name: str, records_per_row: int = 1) -> DataFrame:
    return df.groupBy(F.col("_batch_id").alias("batch_id")).agg((F.count(F.lit(1)) * records_per_row).alias(name))


def bronze_records(sources: list[tuple[DataFrame, TableContract]]) -> DataFrame:
    """Records per batch over the Bronze tables, each row counted as its contract's records_per_line."""
    counted = [_per_batch(df, "bronze_rows", getattr(contract, "records_per_line", 1)) for df, contract in sources]
    return reduce(DataFrame.unionByName, counted).groupBy("batch_id").agg(F.sum("bronze_rows").alias("bronze_rows"))


# What a transform's flags take out of a batch besides the quarantine.
OUTCOMES = ("duplicates", "withheld", "merged")


def batch_outcomes(flagged: DataFrame) -> DataFrame:
    """Per batch, the rows the transform's flags took out: duplicates, withheld, merged."""
    outcomes = flagged.groupBy(F.col("_batch_id").alias("batch_id")).agg(*outcome_counts(flagged))
    return outcomes.select("batch_id", *OUTCOMES)


def reconcile(
    bronze: DataFrame,
    outcomes: DataFrame,
    silver: DataFrame,
    quarantine: DataFrame,
    table: str,
    source: str,
    run_id: str,
) -> DataFrame:
    """One row per batch, from Bronze's records per batch (bronze_records), the transform's outcomes per batch
    (batch_outcomes) and the written tables."""
    counted = (
        bronze.join(_per_batch(silver, "silver_rows"), "batch_id", "full")
        .join(_per_batch(quarantine, "quarantined"), "batch_id", "full")
        .join(outcomes, "batch_id", "full")
    )
    n = {
        c: F.coalesce(F.col(c), F.lit(0)).cast("bigint")
        for c in ("bronze_rows", "silver_rows", "quarantined", "duplicates", "withheld", "merged")
    }
    return counted.select(
        F.lit(table).alias("table_name"),
        F.lit(source).alias("source_table"),
        "batch_id",
        *[v.alias(k) for k, v in n.items()],
        (n["bronze_rows"] == n["silver_rows"] + n["quarantined"] + n["duplicates"] + n["withheld"] + n["merged"]).alias(
            "balanced"
        ),
        F.lit(run_id).alias("run_id"),
        F.lit(datetime.now(UTC)).alias("checked_at"),
    )


def record(lh: Lakehouse, table: TableContract, sources: list[str], flagged: DataFrame, run_id: str) -> list:
    """Write the table's reconciliation rows (replacing its earlier ones); fail when a batch does not balance."""
    bronze = bronze_records([(lh.read(s), contracts()[s]) for s in sources])
    source = ", ".join(sources)
    rows = reconcile(
        bronze,
        batch_outcomes(flagged),
        lh.read(table),
        lh.read(quarantine_contract(table)),
        table.name,
        source,
        run_id,
    ).collect()
    io.write(lh, CONTRACT, lh.spark.createDataFrame(rows, CONTRACT.spark_schema), "replace_partitions")
    return _balanced(table, source, rows)


def record_batches(
    lh: Lakehouse, table: TableContract, sources: list[str], flagged: DataFrame, earlier: DataFrame, run_id: str
) -> list:
    """Write the reconciliation rows of the batches an incremental build touched (fitlake.incremental): those of
    its new batches, and those its quarantined rows, looked at again, came in with. A batch's duplicates, withheld
    and merged rows are its earlier rows' (`earlier`, from ops.reconciliation) and those of `flagged`."""
    touched = flagged.select(F.col("_batch_id").alias("batch_id")).distinct()

    def of_touched(df: DataFrame) -> DataFrame:
        return df.join(touched.withColumnRenamed("batch_id", "_batch_id"), "_batch_id", "left_semi")

    outcomes = (
        earlier.join(touched, "batch_id", "left_semi")
        .select("batch_id", *OUTCOMES)
        .unionByName(batch_outcomes(flagged))
        .groupBy("batch_id")
        .agg(*[F.sum(c).alias(c) for c in OUTCOMES])
    )
    bronze = bronze_records([(of_touched(lh.read(s)), contracts()[s]) for s in sources])
    silver, quarantine = of_touched(lh.read(table)), of_touched(lh.read(quarantine_contract(table)))
    source = ", ".join(sources)
    rows = reconcile(bronze, outcomes, silver, quarantine, table.name, source, run_id).collect()
    io.write(lh, CONTRACT, lh.spark.createDataFrame(rows, CONTRACT.spark_schema), "upsert")
    return _balanced(table, source, rows)


def _balanced(table: TableContract, source: str, rows: list) -> list:
    """`rows`, when every batch balances; else ReconciliationError naming the first few that do not."""
    unbalanced = [r for r in rows if not r.balanced]
    if unbalanced:
        shown = "; ".join(
            f"batch {r.batch_id}: {r.bronze_rows} bronze != {r.silver_rows} silver + {r.quarantined} quarantined"
            f" + {r.duplicates} duplicates + {r.withheld} withheld + {r.merged} merged"
            for r in unbalanced[:3]
        )
        raise ReconciliationError(
            f"{table.name} does not balance against {source} ({len(unbalanced)} batches): {shown}"
        )
    return rows
