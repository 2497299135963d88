"""Exactly-once ingestion of landing files into Bronze, with a ledger of the files each table has taken.

A file counts as ingested when the ledger lists it or its lines are in the Bronze table: the Bronze
append is the atomic step, so a crash before the ledger row is written cannot make a file count twice.
The ledger is what remembers files that held no data lines (a header-only CSV on a quiet day).
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType

from pyspark.sql import functions as F

from fitlake import io
from fitlake.catalog import Lakehouse
from fitlake.contracts import BIGINT, STRING, TIMESTAMP, Column, TableContract
from fitlake.landing import partitions_for, read_lines
from fitlake.runlog import Step

CONTRACT = TableContract(
    name="ops.ingested_files",
    comment="Landing files each Bronze table has ingested; a file is ingested once.",
    columns=(
        Column("table_name", STRING, "Bronze table, as <schema>.<table>", nullable=False),
        Column("source_file", STRING, "Landing file, relative to the landing folder", nullable=False),
        Column("lines", BIGINT, "Data lines the file contributed", nullable=False),
        Column("batch_id", STRING, "Run that ingested the file", nullable=False),
        Column("ingested_at", TIMESTAMP, "When the file was ingested (UTC)", nullable=False),
    ),
    keys=("table_name", "source_file"),
)


def ingested_files(lh: Lakehouse, table: TableContract) -> set[str]:
    lh.ensure_table(CONTRACT)
    lh.ensure_table(table)
    in_ledger = lh.read(CONTRACT).filter(F.col("table_name") == table.name).select("source_file")
    in_table = lh.read(table).select(F.col("_source_file").alias("source_file"))
    return {r[0] for r in in_ledger.union(in_table).distinct().collect()}


def ingest(lh: Lakehouse, module: ModuleType, run_id: str, step: Step) -> None:
    """Append the lines of every landing file the table has not ingested yet, then ledger the files."""
    contract, source = module.CONTRACT, module.SOURCE
    landing = lh.settings.landing
    files = source.files(landing)
    new = sorted(set(files) - ingested_files(lh, contract))
    step.progress(f"{len(new)} new of {len(files)} landing files")
    step.rows_in = step.rows_out = 0
    if not new:
        return
    now = datetime.now(UTC)
    lines = read_lines(lh.spark, landing, new, source.format)
    batch = module.transform(lines, run_id, now).repartition(partitions_for(landing, new))
    io.write(lh, contract, batch, "append")
    per_file = dict(lh.read(contract).filter(F.col("_batch_id") == run_id).groupBy("_source_file").count().collect())
    ledger = [(contract.name, f, per_file.get(f, 0), run_id, now) for f in new]
    io.write(lh, CONTRACT, lh.spark.createDataFrame(ledger, CONTRACT.spark_schema), "append")
    step.rows_in = step.rows_out = sum(per_file.values())
