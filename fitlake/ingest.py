"""Exactly-once ingestion of landing files into Bronze, with a ledger of the files each table has taken.

The Bronze append is the atomic step: a file counts as ingested when its lines are in the Bronze table
or the ledger lists it. A run killed between the Bronze append and the ledger append leaves files in
Bronze with no ledger row; the next run writes those rows from what Bronze holds (lines, batch, time),
so the ledger ends as if nothing had happened and no line is appended twice. The ledger alone
remembers files that held no data lines (a header-only CSV on a quiet day).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake import io
from fitlake.bronze_rows import to_bronze
from fitlake.contracts import TableContract
from fitlake.lakehouse import Lakehouse
from fitlake.landing import partitions_for, read_lines
from fitlake.runlog import Step
from ops.ingested_files import CONTRACT as LEDGER


def _ledger(lh: Lakehouse, table: TableContract) -> DataFrame:
    return lh.read(LEDGER).filter(F.col("table_name") == table.name)


def _files_in_bronze(lh: Lakehouse, table: TableContract) -> DataFrame:
    """One ledger row per file the Bronze table holds lines of, as the ledger would have recorded it."""
    return (
        lh.read(table)
        .groupBy(F.col("_source_file").alias("source_file"))
        .agg(
            F.count(F.lit(1)).alias("lines"),
            F.min("_batch_id").alias("batch_id"),
            F.min("_ingested_at").alias("ingested_at"),
        )
        .select(F.lit(table.name).alias("table_name"), "source_file", "lines", "batch_id", "ingested_at")
    )


def ledger_unrecorded_files(lh: Lakehouse, table: TableContract) -> int:
    """Write the ledger rows a killed run did not get to write; returns how many files that was."""
    missing = _files_in_bronze(lh, table).join(_ledger(lh, table), "source_file", "left_anti")
    rows = missing.select(*LEDGER.column_names).collect()  # a join puts its key column first
    if rows:
        io.write(lh, LEDGER, lh.spark.createDataFrame(rows, LEDGER.spark_schema), "append")
    return len(rows)


def ingest(lh: Lakehouse, module: ModuleType, run_id: str, step: Step, landing: Path | None = None) -> None:
    # A Bronze module is a declaration (its landing SOURCE and CONTRACT); to_bronze does the rest.
    """Append the lines of every landing file the table has not ingested yet, then ledger the files.

    `landing` is the folder the source's files are under (default: the lakehouse's own landing folder);
    the ledger records paths relative to it.
    """
    contract, source = module.CONTRACT, module.SOURCE
    landing = landing or lh.settings.landing
    files = source.files(landing)
    lh.ensure_table(LEDGER)
    lh.ensure_table(contract)
    recovered = ledger_unrecorded_files(lh, contract)
    if recovered:
        step.progress(f"ledgered {recovered} files an interrupted run had appended to Bronze but not ledgered")
    ledgered = {r[0] for r in _ledger(lh, contract).select("source_file").collect()}
    new = sorted(set(files) - ledgered)
    step.progress(f"{len(new)} new of {len(files)} landing files")
    step.rows_in = step.rows_out = 0
    if not new:
        return
    now = datetime.now(UTC)
    with read_lines(lh.spark, landing, new, source.format, lh.settings.staging / contract.name) as lines:
        batch = to_bronze(lines, contract, run_id, now, lh.secrets).repartition(partitions_for(landing, new))
        io.write(lh, contract, batch, "append")
    step.progress(f"appended {len(new)} files to Bronze; recording them in the ledger")
    appended = lh.read(contract).filter(F.col("_batch_id") == run_id).groupBy("_source_file").count().collect()
    # A retry within one run may find files of an earlier attempt under the same batch id: count only these.
    per_file = {f: n for f, n in appended if f in new}
    ledger = [(contract.name, f, per_file.get(f, 0), run_id, now) for f in new]
    io.write(lh, LEDGER, lh.spark.createDataFrame(ledger, LEDGER.spark_schema), "append")
    step.rows_in = step.rows_out = sum(per_file.values())
