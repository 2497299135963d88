"""Incremental Silver builds: a day's run transforms the Bronze batches a table has not taken yet, not its history.

A Silver table of events kept on first delivery (`keep=FIRST_DELIVERY`) declares `INCREMENTAL`: the tables it
looks rows up in, and which columns of each its transform reads. Its batches already taken are the ones
ops.reconciliation holds for it (each build records every batch it took there). A build then transforms

- the rows of the Bronze batches not taken yet, from each Bronze table it reads, and
- the Bronze lines of the rows in its quarantine, looked at again: a check-in whose member arrived in a later file
  was an orphan, and is a check-in now; a record re-sent while its first copy is in quarantine is a duplicate of it.

A valid row whose key the table already holds is a duplicate (the row there was delivered first), and is counted
as one in its batch. The valid rows are appended, the quarantine loses the rows looked at again and gains what
is still quarantined, and ops.reconciliation gets the counts of every batch touched, so every Bronze row stays
accounted for.

That gives the table a full build would give as long as what the table holds was decided by rows it can see now.
So a table is built whole instead, saying why, when:
- it has no build yet, or the code, the secrets or the table itself changed since its last build;
- a table it looks rows up in changed what it said of a value looked up before (a product renamed into another's
  name, a site's time zone corrected): a value only gained, such as a new member, changes no row already kept;
- its rows per batch differ from what ops.reconciliation recorded (a build stopped between its writes, or the
  table was written by hand);
- a row looked at again is now valid and the table holds its key from a later delivery: the earlier one should win;
- in a table whose rows gather several records (silver.wearable_minutes), a new record belongs to a row already
  kept: appending cannot merge it into that row.

`fitlake run --full-refresh` builds every table whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake import io, quality, quarantine_limits, reconciliation
from fitlake.contracts import Incremental, Lookup
from fitlake.lakehouse import Lakehouse
from fitlake.quarantine_limits import Verdict
from fitlake.registry import TableModule, contracts
from fitlake.table_builds import TableBuilds, described, table_version
from ops.reconciliation import CONTRACT as RECONCILIATION

# A Bronze line: its batch, file and line number.
LINE = ("_batch_id", "_source_file", "_line_number")
ALREADY_KEPT = "_already_kept"


def inputs(lh: Lakehouse, m: TableModule) -> list[DataFrame]:
    """The tables the transform of `m` reads, each as the columns it declares reading (Incremental.lookups)."""
    declared: Incremental | None = getattr(m.module, "INCREMENTAL", None)
    lookups = {lookup.table: lookup for lookup in declared.lookups} if declared else {}
    return [lh.read(name).select(*lookups[name].columns) if name in lookups else lh.read(name) for name in m.inputs]


@dataclass(frozen=True)
class Increment:
    """How a table is built incrementally: from its Bronze table's rows of batches not in `taken` (those
    ops.reconciliation holds for it), and the lines of its quarantined rows."""

    taken: frozenset[str]
    bronze: tuple[str, ...]


def lookup_changed(lh: Lakehouse, lookup: Lookup, version_then: int | None) -> bool:
    """True when the lookup's table says something else of a value looked up before than it did at `version_then`
    (or that version cannot be read any more: vacuumed); gaining values is no change."""
    if version_then is None:
        return True
    if version_then == table_version(lh, contracts()[lookup.table]):
        return False
    name = lh.table_name(lookup.table)
    try:
        then = lh.spark.read.option("versionAsOf", version_then).table(name).select(*lookup.columns).distinct()
        looked_up = then.select(*lookup.on).distinct()
        now = lh.read(lookup.table).select(*lookup.columns).distinct()
        same_values = reduce(lambda a, b: a & b, [now[c].eqNullSafe(looked_up[c]) for c in lookup.on])
        now_of_old_values = now.join(looked_up, same_values, "left_semi")
        return bool(
            then.exceptAll(now_of_old_values).limit(1).count() or now_of_old_values.exceptAll(then).limit(1).count()
        )
    except AnalysisException:
        return True


def _rows_per_batch(df: DataFrame) -> dict[str, int]:
    return {r["_batch_id"]: r["count"] for r in df.groupBy("_batch_id").count().collect()}


def plan(lh: Lakehouse, m: TableModule, builds: TableBuilds, inputs_now: str) -> Increment | str | None:
    """The increment to build `m` by, or why it is built whole; None for a table that is always built whole."""
    declared: Incremental | None = getattr(m.module, "INCREMENTAL", None)
    if declared is None:
        return None
    last = builds.last_build(m.contract)
    if last is None:
        return "first build" if not builds.full_refresh else "a full refresh"
    then, now = described(last.inputs), described(inputs_now)
    if then["code"] != now["code"]:
        return "FitLake's code or the engine changed since its last build"
    if then.get("secrets") != now.get("secrets"):
        return "the secrets changed since its last build"
    if table_version(lh, m.contract) != last.table_version:
        return "the table was written since its last build"
    for lookup in declared.lookups:
        if lookup_changed(lh, lookup, last.versions.get(lookup.table)):
            return f"{lookup.table} changed values it looked up before"
    recorded = lh.read(RECONCILIATION).filter(F.col("table_name") == m.name).collect()
    kept = _rows_per_batch(lh.read(m.contract))
    quarantined = _rows_per_batch(lh.read(quality.quarantine_contract(m.contract)))
    as_recorded = {r.batch_id: (r.silver_rows, r.quarantined) for r in recorded}
    held = {b: (kept.get(b, 0), quarantined.get(b, 0)) for b in {*kept, *quarantined, *as_recorded}}
    if held != as_recorded:
        return "its rows per batch differ from ops.reconciliation (a build stopped part way, or a write by hand)"
    bronze = tuple(name for name in m.inputs if name.startswith("bronze."))
    return Increment(frozenset(as_recorded), bronze)


class BuildWhole(Exception):
    """The increment cannot give what a full build gives: the table is built whole, for the reason given."""


def _rows_to_transform(lh: Lakehouse, m: TableModule, bronze_table: str, increment: Increment) -> DataFrame:
    bronze = lh.read(bronze_table)
    new = bronze.filter(~F.col("_batch_id").isin(list(increment.taken))) if increment.taken else bronze
    quarantined = lh.read(quality.quarantine_contract(m.contract)).select(*LINE)
    again = bronze.join(quarantined, list(LINE), "left_semi")
    return new.unionByName(again)


def _shuffled(rows: DataFrame) -> DataFrame:
    """`rows` after an exchange. Sail 0.7.2 checks a Delta table's NOT NULL columns on an append's rows as read,
    before a filter over a Parquet read: valid_rows of the staged increment failed on member_key while none of its
    rows lacks one, and even with `member_key IS NOT NULL` in the filter; with a repartition between, it passes."""
    return rows.repartition(1)


@dataclass(frozen=True)
class Built:
    rows: quality.SplitCounts  # of the rows transformed: the new batches' and those looked at again
    looked_at_again: int
    verdict: Verdict  # on the new batches' rows


def build(lh: Lakehouse, m: TableModule, increment: Increment, run_id: str) -> Built:
    """Build `m` by `increment`.

    BuildWhole, before anything is written, when the table must be built whole instead."""
    merges = m.module.INCREMENTAL.merges_records
    read = inputs(lh, m)
    for name in increment.bronze:
        read[m.inputs.index(name)] = _rows_to_transform(lh, m, name, increment)
    transformed = m.transform(*read, **({"secrets": lh.secrets} if m.needs_secrets else {}))
    keys = list(m.contract.keys)
    kept = lh.read(m.contract).select(*keys, F.lit(True).alias(ALREADY_KEPT))
    valid = F.col(quality.QUARANTINE_REASON).isNull() & ~F.col(quality.IS_DUPLICATE) & ~F.col(quality.IS_WITHHELD)
    if merges:
        valid = valid & ~F.col(quality.IS_MERGED)
    judged = (
        transformed.select(*quality.read_by_the_build(m.contract), *([quality.IS_MERGED] if merges else []))
        .join(kept, keys, "left")
        .withColumn(ALREADY_KEPT, valid & F.coalesce(ALREADY_KEPT, F.lit(False)))
    )
    again = F.col("_batch_id").isin(list(increment.taken)) if increment.taken else F.lit(False)
    with io.staged(lh, f"{m.name}.increment", judged) as flagged:
        if merges and flagged.filter(F.col(ALREADY_KEPT)).limit(1).count():
            raise BuildWhole("a new record of a row already kept is merged into it by a whole build")
        if flagged.filter(F.col(ALREADY_KEPT) & again).limit(1).count():
            raise BuildWhole("a quarantined row is valid now, and a later copy of it is kept already")
        flagged = flagged.withColumn(quality.IS_DUPLICATE, F.col(quality.IS_DUPLICATE) | F.col(ALREADY_KEPT))
        lines_again = flagged.filter(again).select(*LINE)
        looked_at_again = lines_again.count()
        io.write(lh, m.contract, _shuffled(quality.valid_rows(flagged, m.contract)), "append")
        q_contract = quality.quarantine_contract(m.contract)
        if looked_at_again:
            io.delete_matching(lh, q_contract, lines_again, LINE)
        quarantined = quality.quarantined_rows(flagged, datetime.now(UTC), keep_raw=not m.is_research_data)
        io.write(lh, q_contract, _shuffled(quarantined), "append")
        earlier = lh.read(RECONCILIATION).filter(F.col("table_name") == m.name)
        reconciliation.record_batches(lh, m.contract, list(increment.bronze), flagged, earlier, run_id)
        verdict = quarantine_limits.judge(m.contract, flagged.filter(~again))
        return Built(quality.count_outcomes(flagged), looked_at_again, verdict)
