"""Row quality in pure DataFrame functions: flag rule failures and duplicates, split off the quarantine.

A Silver transform ends with `conform(...)`: every row keeps its place, flagged with the rules it broke
(`_quarantine_reason`), as withheld for lack of research consent (`_is_withheld`), or as a duplicate of an
earlier row on the table's keys (`_is_duplicate`). The task then writes the clean rows to the table and
the broken ones to `<table>_quarantine`, so every Bronze row is accounted for:
rows in = rows out + quarantined + duplicates + withheld (+ merged).

A table whose row gathers several source records (silver.wearable_minutes: a device-minute's steps from one
file, its heart rate from another) flags the records after the first as merged (`merge_rows`): each is counted
once, as merged into the row that carries its measure, never as a duplicate, which would be a copy thrown away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Window, WindowSpec
from pyspark.sql import functions as F

from fitlake.contracts import (
    BATCH_ID,
    LINE_NUMBER,
    MISSING_FIELDS,
    RAW,
    SOURCE_FILE,
    STRING,
    TIMESTAMP,
    Column,
    Deduplication,
    Expectation,
    TableContract,
    unique_rule,
)

if TYPE_CHECKING:
    from fitlake.registry import TableModule

QUARANTINE_REASON = "_quarantine_reason"
IS_DUPLICATE = "_is_duplicate"
# Research data of a member who has not consented: it parsed, but never leaves Bronze (not even to quarantine).
IS_WITHHELD = "_is_withheld"
# A valid record whose values were gathered into another record's row (merge_rows); only merging tables have it.
IS_MERGED = "_is_merged"
# Lineage a Silver transform carries through so a quarantined row can be traced to its source line.
QUARANTINE_LINEAGE = tuple(c.name for c in (RAW, SOURCE_FILE, LINE_NUMBER, BATCH_ID))


def has_quarantine(m: TableModule) -> bool:
    """Silver is where raw rows are conformed, so every Silver table has a quarantine table; a Silver table
    that keeps versions of another's rows (HISTORY) has none of its own."""
    return m.contract.schema == "silver" and m.history is None


def quarantine_contract(contract: TableContract) -> TableContract:
    return TableContract(
        name=f"{contract.name}_quarantine",
        comment=f"Rows rejected on their way into {contract.name}, with the rules they broke.",
        columns=(
            Column(QUARANTINE_REASON, STRING, "Rules the row broke, separated by '; '", nullable=False),
            RAW,
            SOURCE_FILE,
            LINE_NUMBER,
            BATCH_ID,
            Column("_quarantined_at", TIMESTAMP, "When the row was quarantined (UTC)", nullable=False),
        ),
    )


def _fails(expectation: Expectation) -> SparkColumn:
    """True when a row breaks the rule. NULL counts as broken: an unknown value never passes a check."""
    return ~F.coalesce(F.expr(expectation.sql), F.lit(False))


def flag_failures(df: DataFrame, *tiers: Iterable[Expectation] | SparkColumn) -> DataFrame:
    """Add `_quarantine_reason`: the failed rules joined by '; ', or NULL when the row passes them all.

    Rules come in tiers, checked in order; a row is judged only by the first tier it fails, so a
    line that did not parse is quarantined as malformed, not also for every field it therefore lacks.
    A tier may also be a reason computed from the row itself (`missing_columns`), NULL when it passes.
    """
    # Each tier's reasons are a column of their own, referred to by name: written into the reason expression, a
    # tier appeared there twice (tested for "" and then taken), and a rule such as known_timezone (a list of every
    # zone, 10 KB) made each Silver plan that much larger to analyse, on both engines.
    reasons: dict[str, SparkColumn] = {}
    for i, tier in enumerate(tiers):
        if isinstance(tier, SparkColumn):
            reasons[f"_tier_{i}"] = tier
            continue
        failures = [F.when(_fails(e), F.lit(e.rule)) for e in tier]
        if failures:
            reasons[f"_tier_{i}"] = F.concat_ws("; ", *failures)
    if not reasons:
        return df.withColumn(QUARANTINE_REASON, F.lit(None).cast("string"))
    first_broken = F.coalesce(*[F.when(F.col(name) != "", F.col(name)) for name in reasons])
    return df.withColumns(reasons).withColumn(QUARANTINE_REASON, first_broken).drop(*reasons)


MISSING_COLUMN = "missing_column"


def missing_column_rule(field: str) -> str:
    """The quarantine reason of a line whose file lacks the required `field` under every spelling."""
    return f"{MISSING_COLUMN}({field})"


def missing_columns() -> SparkColumn:
    """The reason of a line that lacks required fields (bronze/_raw.py `required`): `missing_column(<field>)` for
    each, from the line's `_missing_fields`; NULL when it has them all. Derived from the Bronze row rather than
    declared per Silver table, so every table read from a source with required fields gets it."""
    missing = F.col(MISSING_FIELDS.name)
    rules = F.transform(missing, lambda f: F.concat(F.lit(f"{MISSING_COLUMN}("), f, F.lit(")")))
    return F.when(F.size(missing) > 0, F.array_join(rules, "; "))


# Passes when the line has every required field; for the consent check, which judges only rows that parsed.
HAS_REQUIRED_FIELDS = Expectation(MISSING_COLUMN, f"{MISSING_FIELDS.name} IS NULL", columns=(MISSING_FIELDS.name,))


def flag_duplicates(df: DataFrame, keys: Iterable[str], order_by: Iterable[SparkColumn]) -> DataFrame:
    """Add `_is_duplicate`: true for a valid row that is not the first on its keys in `order_by` order, and for a
    quarantined row that is not the first with its keys and the same quarantine reason.

    A source that sends its records again (a re-downloaded export) sends its bad records again too: the first copy
    is in quarantine, a later copy is a duplicate and loses its reason, so it is counted once and not quarantined
    twice. A quarantined row without all its keys is no known record, so it is never anyone's copy. Withheld rows
    are no duplicates, and quarantined and withheld rows never shadow a valid row with the same key.
    """
    keys = list(keys)
    if not keys:
        return df.withColumn(IS_DUPLICATE, F.lit(False))
    quarantined = F.col(QUARANTINE_REASON).isNotNull()
    known = quarantined
    for k in keys:
        known = known & F.col(k).isNotNull()
    # The reason is NULL for every valid row, so one window orders valid rows on their keys and bad ones on their
    # keys and reason.
    window = Window.partitionBy("_judged", QUARANTINE_REASON, *keys).orderBy(*order_by)
    judged = F.when(quarantined, F.lit("quarantined")).when(~F.col(IS_WITHHELD), F.lit("valid"))
    copy = F.col("_judged").isin("valid", "quarantined") & (F.row_number().over(window) > 1)
    return (
        df.withColumn("_judged", F.when(quarantined & ~known, F.lit(None)).otherwise(judged))
        .withColumn(IS_DUPLICATE, F.coalesce(copy, F.lit(False)))
        .withColumn(QUARANTINE_REASON, F.when(~F.col(IS_DUPLICATE), F.col(QUARANTINE_REASON)))
        .drop("_judged")
    )


def flag_withheld(df: DataFrame, consented: SparkColumn | None, parse_rules: Iterable[Expectation]) -> DataFrame:
    """Add `_is_withheld`: the row parsed but `consented` is not true. Its quarantine reason, if any, is cleared:
    data a member did not let us use is not looked at further."""
    if consented is None:
        return df.withColumn(IS_WITHHELD, F.lit(False))
    parsed_ok = F.lit(True)
    for e in parse_rules:
        parsed_ok = parsed_ok & ~_fails(e)
    withheld = parsed_ok & ~F.coalesce(consented, F.lit(False))
    return df.withColumn(IS_WITHHELD, withheld).withColumn(
        QUARANTINE_REASON, F.when(~F.col(IS_WITHHELD), F.col(QUARANTINE_REASON))
    )


# Lineage of each Bronze line that conform carries to the table (ROW_LINEAGE) and to the quarantine, and orders
# deliveries by.
LINE_LINEAGE = (
    "_source_file",
    "_line_number",
    "_raw",
    "_parse_error",
    MISSING_FIELDS.name,
    "_batch_id",
    "_ingested_at",
)


def from_bronze(raw: DataFrame, *columns: SparkColumn | str) -> DataFrame:
    """A Silver transform's first step: the Bronze rows as its parsed columns, the lines' lineage carried along."""
    return raw.select(*columns, *LINE_LINEAGE)


def delivery_order(keep: Deduplication) -> list[SparkColumn]:
    return [F.col(c[1:]).desc() if c.startswith("-") else F.col(c) for c in keep.order]


def conform(
    df: DataFrame, contract: TableContract, consented: SparkColumn | None = None, keys: Iterable[str] | None = None
) -> DataFrame:
    """A Silver transform's last step: flag the rows by the contract's rules, in its tiers (rule_tiers), then
    consent, then duplicates on the keys, keeping the row the contract's `keep` names.

    `consented` is given for research data (wearables, workouts): true when the member allowed its use.
    `keys` replaces the contract's keys for duplicates when rows are records that merge_rows gathers into
    the table's rows afterwards: a copy is a record repeated, not another record of the same row.
    """
    # No check here that `df` carries LINE_LINEAGE (from_bronze): asking for its columns costs an analysis of the
    # whole plan, ~1 s for silver.wearable_minutes', on every build; the rules below name a missing one anyway.
    if contract.keys and contract.keep is None:
        raise ValueError(f"{contract.name}: declare which of the rows sharing its keys is kept (`keep`)")
    tiers = contract.rule_tiers()
    # A line whose file lacks a required column is judged right after whether it is a record at all.
    judged = flag_failures(df, tiers[0], missing_columns(), *tiers[1:])
    flagged = flag_withheld(judged, consented, (*tiers[0], HAS_REQUIRED_FIELDS, *tiers[1]))
    order = delivery_order(contract.keep) if contract.keep else []
    return flag_duplicates(flagged, contract.keys if keys is None else keys, order)


MERGE_RANK = "_merge_rank"


def first_given(column: str | SparkColumn) -> Callable[[WindowSpec], SparkColumn]:
    """For merge_rows: the value of the first record, in delivery order, that has one (NULL if none has)."""
    value = F.col(column) if isinstance(column, str) else column
    # min_by skips the records whose rank is NULL: those without a value. A minimum over struct(rank, value) did
    # the same four times slower on Sail 0.7.2 (13.8 s against 3.3 s a measure on small's 0.95M minutes).
    return lambda records: F.min_by(value, F.when(value.isNotNull(), F.col(MERGE_RANK))).over(records)


def merge_rows(
    flagged: DataFrame,
    keys: Iterable[str],
    order_by: Iterable[SparkColumn],
    merged: dict[str, Callable[[WindowSpec], SparkColumn]],
) -> DataFrame:
    """Gather the valid records sharing `keys` into one row: the first in `order_by` order is kept, each column
    of `merged` set to what its function makes of the window over them all (`first_given(c)`: the first record
    that has a value; MERGE_RANK is each record's place in `order_by` order), each a column of `flagged`; the others
    are flagged `_is_merged`. Quarantined, duplicate and withheld records take no part.

    The window is unordered (the whole partition, one pass) and "first" the value of the least rank (first_given):
    Sail 0.7.2 took 107 s for the Fitabase heart-rate file's 0.9M records with seven `first(c, ignorenulls)` over an
    ordered whole-partition frame, 3.4 s with a minimum over struct(rank, value), and no self-join doubles the plan
    upstream. The rank's own ordered window is what is left: 6 of the 19 s the merge takes on small."""
    keys = list(keys)
    valid = F.col(QUARANTINE_REASON).isNull() & ~F.col(IS_DUPLICATE) & ~F.col(IS_WITHHELD)
    records = Window.partitionBy("_is_valid", *keys)
    ranked = flagged.withColumn("_is_valid", valid).withColumn(
        MERGE_RANK, F.row_number().over(records.orderBy(*order_by))
    )
    # A record that takes no part keeps its own values (what its rules were judged on).
    gathered = {
        name: F.when(F.col("_is_valid"), aggregate(records)).otherwise(F.col(name))
        for name, aggregate in merged.items()
    }
    return (
        ranked.withColumns(gathered)
        .withColumn(IS_MERGED, F.col("_is_valid") & (F.col(MERGE_RANK) > 1))
        .drop("_is_valid", MERGE_RANK)
    )


def failure_counts(df: DataFrame, expectations: Iterable[Expectation]) -> dict[str, int]:
    """Rows breaking each rule, for tables that fail loudly instead of quarantining (Gold)."""
    expectations = list(expectations)
    if not expectations:
        return {}
    row = df.agg(*[F.sum(_fails(e).cast("int")).alias(f"rule_{i}") for i, e in enumerate(expectations)]).first()
    return {e.rule: row[f"rule_{i}"] or 0 for i, e in enumerate(expectations)}


def rows_sharing_a_key(df: DataFrame, keys: Iterable[str]) -> int:
    """Rows whose key another row also has: 0 when the keys are unique (and for a table without keys)."""
    keys = list(keys)
    if not keys:
        return 0
    # A window, not groupBy().count().filter().agg(): Sail 0.7.2 fails that plan on a one-row Delta table
    # ("Physical input schema should be the same as the one converted from logical input schema").
    rows_per_key = F.count(F.lit(1)).over(Window.partitionBy(*keys))
    return df.select(rows_per_key.alias("_rows_per_key")).filter("_rows_per_key > 1").count()


def broken_rules(df: DataFrame, contract: TableContract) -> dict[str, int]:
    """Rows breaking each of the contract's error-level row rules and its key uniqueness; only rules broken."""
    rules = [e for e in contract.row_expectations if e.level == "error"]
    counts = failure_counts(df, rules)
    if contract.keys:
        counts[unique_rule(contract.keys)] = rows_sharing_a_key(df, contract.keys)
    return {rule: n for rule, n in counts.items() if n}


def describe_broken(table: str, broken: dict[str, int]) -> str:
    return f"{table} breaks {', '.join(f'{rule} ({n} rows)' for rule, n in broken.items())}"


@dataclass(frozen=True)
class SplitCounts:
    rows_in: int
    quarantined: int
    duplicates: int
    withheld: int = 0
    merged: int = 0

    @property
    def rows_out(self) -> int:
        return self.rows_in - self.quarantined - self.duplicates - self.withheld - self.merged


def _is_merged(flagged: DataFrame) -> SparkColumn:
    return F.col(IS_MERGED) if IS_MERGED in flagged.columns else F.lit(False)


def outcome_counts(flagged: DataFrame) -> list[SparkColumn]:
    """Aggregates of a flagged frame: rows_in, quarantined, duplicates, withheld, merged."""
    return [
        F.count(F.lit(1)).alias("rows_in"),
        F.count(QUARANTINE_REASON).alias("quarantined"),
        F.coalesce(F.sum(F.col(IS_DUPLICATE).cast("int")), F.lit(0)).alias("duplicates"),
        F.coalesce(F.sum(F.col(IS_WITHHELD).cast("int")), F.lit(0)).alias("withheld"),
        F.coalesce(F.sum(_is_merged(flagged).cast("int")), F.lit(0)).alias("merged"),
    ]


def count_outcomes(flagged: DataFrame) -> SplitCounts:
    row = flagged.agg(*outcome_counts(flagged)).first()
    return SplitCounts(row["rows_in"], row["quarantined"], row["duplicates"], row["withheld"], row["merged"])


def read_by_the_build(contract: TableContract) -> tuple[str, ...]:
    """The columns of a transform's flagged rows a Silver build reads (valid_rows, quarantined_rows, the
    reconciliation, the quarantine limits): the table's columns, the quarantine's lineage and the flags."""
    return tuple(
        dict.fromkeys((*contract.column_names, *QUARANTINE_LINEAGE, QUARANTINE_REASON, IS_DUPLICATE, IS_WITHHELD))
    )


def valid_rows(flagged: DataFrame, contract: TableContract) -> DataFrame:
    keep = F.col(QUARANTINE_REASON).isNull() & ~F.col(IS_DUPLICATE) & ~F.col(IS_WITHHELD) & ~_is_merged(flagged)
    return flagged.filter(keep).select(*contract.column_names)


def quarantined_rows(flagged: DataFrame, quarantined_at: datetime, keep_raw: bool = True) -> DataFrame:
    """The quarantined rows with their lineage. Without `keep_raw` the raw line stays in Bronze only
    (research data: a broken line may belong to a member who has not consented)."""
    raw = F.col(RAW.name) if keep_raw else F.lit(None).cast("string").alias(RAW.name)
    lineage = [raw if c == RAW.name else F.col(c) for c in QUARANTINE_LINEAGE]
    return flagged.filter(F.col(QUARANTINE_REASON).isNotNull()).select(
        QUARANTINE_REASON, *lineage, F.lit(quarantined_at).alias("_quarantined_at")
    )
