"""Exactly-once ingestion of landing files into Bronze, with a ledger of the file versions each table has taken.

A file is known by its content. The ledger (ops.ingested_files) holds one row per version of a file: its size,
SHA-256, line count and modification time when read. On each run every landing file is compared with its latest
version, cheaply first: the same size and modification time mean the same file, and it is not opened. A file
whose size or time differs is read and hashed (streamed), and then it is:

- the same content (only touched, or copied without its times): nothing is read again; the ledger remembers the
  new time, so the next run does not hash it again;
- appended to: it grew, its first `size_bytes` bytes still hash to the version ingested, and that version
  ended at a line break. Only the lines after it are read, numbered on from the version's last line (an export
  written in several goes, a log that grows);
- rewritten: any other change. The file is read whole again as a batch of its own. Bronze is the append-only
  record of what was received, so its earlier lines stay there too, and Silver's dedupe on each table's keys
  (the contract's `keep`) decides which copy of a record counts: for events (FIRST_DELIVERY) the first
  delivery, so re-sent records are duplicates and a changed copy of an event already received does not replace
  it; for reference data exported whole (LATEST_DELIVERY, latest_by) the rewritten file's copy, as the latest
  export. Records the rewrite added are new rows either way; records it dropped stay, as Bronze received them.

A file changed less than `FITLAKE_SETTLE_SECONDS` (default 5) ago may still be being written: it is left for
the next run and named. Exports come without a marker that they are complete, so time is the only sign.
ingest_bronze waits once, at most that long, when the newest landing file is that fresh, so `fitlake generate`
followed by `fitlake run` reads every file. A file that changes while it is being read is left out the same way.
Not detected: a file rewritten with the same size and the same modification time (a tool that restores times,
`cp -p`, `rsync -t`, over different bytes of the same length); touch it to have it read.

A file that cannot be read as text of its format (fitlake.landing_files: compressed, binary, not UTF-8, a CSV
header naming a column twice) is rejected whole: recorded with its reason in ops.rejected_files and in the ledger
as rejected, so it is not read again until its content changes, while every other file and table goes on.

The ledger append comes before the Bronze append, and is the promise the Bronze append keeps: a run killed (or
an append failed) between the two leaves ledger rows whose lines are not in Bronze, and the next attempt, first
thing, withdraws them (only the latest batch can be in that state, since every attempt starts with this check),
so those files are read again and no line is appended twice or lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from pyspark.sql import Row
from pyspark.sql import functions as F

from fitlake import io
from fitlake.bronze_rows import to_bronze
from fitlake.contracts import TableContract, sql_string
from fitlake.lakehouse import Lakehouse
from fitlake.landing import partitions_for, read_lines
from fitlake.landing_files import FileFacts
from fitlake.landing_versions import (
    EPOCH,
    MICROSECOND,
    READ,
    FileStat,
    Survey,
    latest_versions,
    micros,
    stat_now,
    survey,
)
from fitlake.runlog import Step
from ops.ingested_files import CONTRACT as LEDGER
from ops.ingested_files import INGESTED, REJECTED
from ops.rejected_files import CONTRACT as REJECTED_FILES


def _ledger_rows(lh: Lakehouse, table: TableContract) -> list[Row]:
    return lh.read(LEDGER).filter(F.col("table_name") == table.name).collect()


def withdraw_unappended_batch(lh: Lakehouse, table: TableContract, rows: list[Row]) -> list[Row]:
    """Delete the ledger rows of the table's latest batch when they promise lines Bronze does not hold (the run
    that wrote them stopped before its Bronze append); returns the ledger rows that remain."""
    if not rows:
        return rows
    at = max(micros(r.ingested_at) for r in rows)
    latest = [r for r in rows if micros(r.ingested_at) == at]
    if not sum(r.lines for r in latest if r.status == INGESTED):
        return rows
    when, batch = EPOCH + at * MICROSECOND, latest[0].batch_id
    appended = lh.read(table).filter(
        (F.col("_ingest_date") == F.lit(when.date()))
        & (F.col("_batch_id") == batch)
        & (F.col("_ingested_at") == F.lit(when))
    )
    if appended.limit(1).count():
        return rows
    timestamp = when.strftime("%Y-%m-%d %H:%M:%S.%f")
    io.delete_rows(
        lh,
        LEDGER,
        f"table_name = {sql_string(table.name)} AND batch_id = {sql_string(batch)} "
        f"AND ingested_at = TIMESTAMP {sql_string(timestamp)}",
    )
    return [r for r in rows if micros(r.ingested_at) != at]


def _named(files: list[str], limit: int = 5) -> str:
    shown = ", ".join(files[:limit])
    return shown + (f" and {len(files) - limit} more" if len(files) > limit else "")


def ingest(lh: Lakehouse, module: ModuleType, run_id: str, step: Step, landing: Path | None = None) -> None:
    # A Bronze module is a declaration (its landing SOURCE and CONTRACT); to_bronze does the rest.
    """Append the lines of every landing file version the table has not taken yet, after ledgering the versions.

    `landing` is the folder the source's files are under (default: the lakehouse's own landing folder);
    the ledger records paths relative to it.
    """
    contract, source = module.CONTRACT, module.SOURCE
    landing = landing or lh.settings.landing
    for table in (LEDGER, REJECTED_FILES, contract):
        lh.ensure_table(table)
    ledgered = _ledger_rows(lh, contract)
    remaining = withdraw_unappended_batch(lh, contract, ledgered)
    if len(remaining) != len(ledgered):
        step.progress(
            f"withdrew {len(ledgered) - len(remaining)} ledger rows of an interrupted run whose Bronze append "
            "never happened; their files are read again"
        )
    known = latest_versions(remaining)
    found = survey(landing, source, known, lh.settings.settle_seconds)
    step.progress(found.summary())
    if found.young:
        step.progress(
            f"left for the next run, changed in the last {lh.settings.settle_seconds:g} s "
            f"(still being written?): {_named(found.young)}"
        )
    step.rows_in = step.rows_out = 0
    now = datetime.now(UTC)
    same = found.of_kind("same")
    if same:  # touched, same bytes: remember the new time so the next run need not hash the file again
        touched = [_touched(known[f], found.stats[f]) for f in same]
        io.write(lh, LEDGER, lh.spark.createDataFrame(touched, LEDGER.spark_schema), "upsert")
    rejected = found.of_kind("rejected")
    if rejected:
        _record_rejections(lh, contract, {f: found.facts[f] for f in rejected}, run_id, now)
        for f in rejected:
            # A warning, so the run's summary lists it under "needs attention", not only this step's output.
            step.warn(f"rejected {f}: {found.facts[f].problem} (kept out of Bronze; see ops.rejected_files)")
    ledger = [_ledger_row(contract, f, found, REJECTED, 0, run_id, now) for f in rejected]
    to_read = found.of_kind(*READ)
    if not to_read:
        if ledger:
            io.write(lh, LEDGER, lh.spark.createDataFrame(ledger, LEDGER.spark_schema), "append")
        return
    from_line = {f: found.changes[f].from_line for f in to_read}
    quoted = {f for f in to_read if found.facts[f].has_quote}
    staging = lh.settings.staging / contract.name
    with read_lines(lh.spark, landing, to_read, source.format, staging, from_line, quoted) as lines:
        # The facts were taken before the file was staged: a file that changed since is left for the next run.
        moved = [f for f in to_read if stat_now(landing / f) != found.stats[f]]
        if moved:
            step.progress(f"left for the next run, changed while being read: {_named(moved)}")
            lines = lines.filter(~F.col("_source_file").isin(moved))
        per_file = dict(lines.groupBy("_source_file").count().collect())
        read = [f for f in to_read if f not in moved]
        ledger += [_ledger_row(contract, f, found, INGESTED, per_file.get(f, 0), run_id, now) for f in read]
        if ledger:
            io.write(lh, LEDGER, lh.spark.createDataFrame(ledger, LEDGER.spark_schema), "append")
        step.progress(f"ledgered {len(read)} files; appending their lines to Bronze")
        if sum(per_file.values()):
            batch = to_bronze(lines, contract, run_id, now, lh.secrets).repartition(partitions_for(landing, read))
            io.write(lh, contract, batch, "append")
    step.rows_in = step.rows_out = sum(per_file.values())


def _ledger_row(
    table: TableContract, f: str, found: Survey, status: str, lines: int, run_id: str, now: datetime
) -> tuple:
    facts, first_line = found.facts[f], found.changes[f].from_line
    modified_at = found.stats[f].modified_at
    return (table.name, f, status, lines, first_line, facts.lines, facts.size, facts.sha256, modified_at, run_id, now)


def _touched(version: Row, stat: FileStat) -> tuple:
    return tuple(stat.modified_at if c == "modified_at" else version[c] for c in LEDGER.column_names)


def _record_rejections(
    lh: Lakehouse, table: TableContract, facts: dict[str, FileFacts], run_id: str, now: datetime
) -> None:
    """Record rejected file versions in ops.rejected_files, each once (a run killed before its ledger rows were
    written rejects the same bytes again)."""
    recorded = {
        (r.source_file, r.sha256)
        for r in lh.read(REJECTED_FILES)
        .filter(F.col("table_name") == table.name)
        .select("source_file", "sha256")
        .collect()
    }
    rows = [
        (table.name, f, ff.size, ff.sha256, ff.problem, run_id, now)
        for f, ff in sorted(facts.items())
        if (f, ff.sha256) not in recorded
    ]
    if rows:
        io.write(lh, REJECTED_FILES, lh.spark.createDataFrame(rows, REJECTED_FILES.spark_schema), "append")
