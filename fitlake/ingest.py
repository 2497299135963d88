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

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from pyspark.sql import Row
from pyspark.sql import functions as F

from fitlake import io
from fitlake.bronze_rows import to_bronze
from fitlake.contracts import TableContract, sql_string
from fitlake.lakehouse import Lakehouse
from fitlake.landing import partitions_for, read_lines
from fitlake.landing_files import FileFacts, inspect_file
from fitlake.runlog import Step
from ops.ingested_files import CONTRACT as LEDGER
from ops.ingested_files import INGESTED, REJECTED
from ops.rejected_files import CONTRACT as REJECTED_FILES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """An instant in microseconds since the epoch (what Delta stores); a naive datetime is local time, as PySpark
    returns timestamps."""
    return (at.astimezone(UTC) - EPOCH) // MICROSECOND


@dataclass(frozen=True)
class FileStat:
    size: int
    modified_us: int

    @classmethod
    def of(cls, path: Path) -> FileStat:
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns // 1000)

    @property
    def modified_at(self) -> datetime:
        return EPOCH + self.modified_us * MICROSECOND


def _stat_now(path: Path) -> FileStat | None:
    """The file's stat, or None when it is gone (moved away or deleted while the run read it)."""
    try:
        return FileStat.of(path)
    except FileNotFoundError:
        return None


def latest_versions(rows: list[Row]) -> dict[str, Row]:
    """Each file's latest ledger row."""
    latest: dict[str, Row] = {}
    for row in sorted(rows, key=lambda r: micros(r.ingested_at)):
        latest[row.source_file] = row
    return latest


def is_unchanged(version: Row, stat: FileStat) -> bool:
    return version.size_bytes == stat.size and micros(version.modified_at) == stat.modified_us


def prefix_to_check(version: Row | None, stat: FileStat) -> int | None:
    """The bytes whose hash tells an append from a rewrite: the ingested version's, when the file grew."""
    if version is not None and version.status == INGESTED and stat.size > version.size_bytes:
        return version.size_bytes
    return None


@dataclass(frozen=True)
class Change:
    kind: str  # new, appended, rewritten, same (touched only) or rejected
    from_line: int = 1


def change(version: Row | None, facts: FileFacts) -> Change:
    """How a file that looks changed (or is new) is taken; see the module docstring for the rule."""
    if version is not None and facts.sha256 == version.sha256 and facts.size == version.size_bytes:
        return Change("same")
    if facts.problem:
        return Change("rejected")
    if version is None:
        return Change("new")
    appended = (
        version.status == INGESTED
        and facts.prefix_sha256 == version.sha256
        and facts.prefix_ends_line
        and facts.size > version.size_bytes
    )
    return Change("appended", version.last_line + 1) if appended else Change("rewritten")


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


def seconds_to_settle(paths: list[Path], settle_seconds: float) -> float:
    """How long until the most recently changed of `paths` has been left alone for `settle_seconds` (0 when it
    has; at most `settle_seconds`, whatever a clock ahead of ours stamped on a file)."""
    newest = max((os.stat(p).st_mtime for p in paths), default=0.0)
    return min(max(newest + settle_seconds - datetime.now(UTC).timestamp(), 0.0), settle_seconds)


def _named(files: list[str], limit: int = 5) -> str:
    shown = ", ".join(files[:limit])
    return shown + (f" and {len(files) - limit} more" if len(files) > limit else "")


def ingest(lh: Lakehouse, module: ModuleType, run_id: str, step: Step, landing: Path | None = None) -> None:
    # A Bronze module is a declaration (its landing SOURCE and CONTRACT); to_bronze does the rest.
    """Append the lines of every landing file version the table has not taken yet, then ledger the versions.

    `landing` is the folder the source's files are under (default: the lakehouse's own landing folder);
    the ledger records paths relative to it.
    """
    contract, source = module.CONTRACT, module.SOURCE
    landing = landing or lh.settings.landing
    files = source.files(landing)
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
    now = datetime.now(UTC)
    stats = {f: FileStat.of(landing / f) for f in files}
    looks_changed = [f for f in files if f not in known or not is_unchanged(known[f], stats[f])]
    settle = timedelta(seconds=lh.settings.settle_seconds)
    young = [f for f in looks_changed if settle and now - stats[f].modified_at < settle]
    facts = {
        f: inspect_file(landing / f, source.format, prefix_to_check(known.get(f), stats[f]))
        for f in looks_changed
        if f not in young
    }
    changes = {f: change(known.get(f), facts[f]) for f in facts}
    by_kind = {k: [f for f, c in sorted(changes.items()) if c.kind == k] for k in ("new", "appended", "rewritten")}
    same = [f for f, c in changes.items() if c.kind == "same"]
    rejected = sorted(f for f, c in changes.items() if c.kind == "rejected")

    summary = f"{len(by_kind['new'])} new of {len(files)} landing files"
    extra = [f"{len(v)} {k}" for k, v in (("appended to", by_kind["appended"]), ("rewritten", by_kind["rewritten"]))]
    extra += [f"{len(rejected)} rejected"] if rejected else []
    step.progress(summary + "".join(f", {e}" for e in extra if not e.startswith("0 ")))
    if young:
        step.progress(
            f"left for the next run, changed in the last {lh.settings.settle_seconds:g} s "
            f"(still being written?): {_named(young)}"
        )
    step.rows_in = step.rows_out = 0
    if same:  # touched, same bytes: remember the new time so the next run need not hash the file again
        io.write(
            lh,
            LEDGER,
            lh.spark.createDataFrame([_touched(known[f], stats[f]) for f in same], LEDGER.spark_schema),
            "upsert",
        )

    ledger = [_rejected_row(contract, f, stats[f], facts[f], run_id, now) for f in rejected]
    if rejected:
        _record_rejections(lh, contract, {f: facts[f] for f in rejected}, run_id, now)
        for f in rejected:
            step.progress(f"rejected {f}: {facts[f].problem} (kept out of Bronze; see ops.rejected_files)")
    to_read = [f for f, c in sorted(changes.items()) if c.kind in ("new", "appended", "rewritten")]
    if not to_read:
        if ledger:
            io.write(lh, LEDGER, lh.spark.createDataFrame(ledger, LEDGER.spark_schema), "append")
        return
    from_line = {f: changes[f].from_line for f in to_read}
    quoted = {f for f in to_read if facts[f].has_quote}
    staging = lh.settings.staging / contract.name
    with read_lines(lh.spark, landing, to_read, source.format, staging, from_line, quoted) as lines:
        # The facts were taken before the file was staged: a file that changed since is left for the next run.
        moved = [f for f in to_read if _stat_now(landing / f) != stats[f]]
        if moved:
            step.progress(f"left for the next run, changed while being read: {_named(moved)}")
            lines = lines.filter(~F.col("_source_file").isin(moved))
        per_file = dict(lines.groupBy("_source_file").count().collect())
        read = [f for f in to_read if f not in moved]
        ledger += [
            _ingested_row(contract, f, stats[f], facts[f], from_line[f], per_file.get(f, 0), run_id, now) for f in read
        ]
        if ledger:
            io.write(lh, LEDGER, lh.spark.createDataFrame(ledger, LEDGER.spark_schema), "append")
        step.progress(f"ledgered {len(read)} files; appending their lines to Bronze")
        if sum(per_file.values()):
            batch = to_bronze(lines, contract, run_id, now, lh.secrets).repartition(partitions_for(landing, read))
            io.write(lh, contract, batch, "append")
    step.rows_in = step.rows_out = sum(per_file.values())


def _ingested_row(
    table: TableContract,
    f: str,
    stat: FileStat,
    facts: FileFacts,
    first_line: int,
    lines: int,
    run_id: str,
    now: datetime,
) -> tuple:
    return (
        table.name,
        f,
        INGESTED,
        lines,
        first_line,
        facts.lines,
        facts.size,
        facts.sha256,
        stat.modified_at,
        run_id,
        now,
    )


def _rejected_row(table: TableContract, f: str, stat: FileStat, facts: FileFacts, run_id: str, now: datetime) -> tuple:
    return (table.name, f, REJECTED, 0, 1, facts.lines, facts.size, facts.sha256, stat.modified_at, run_id, now)


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
