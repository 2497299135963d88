"""Row quality in pure DataFrame functions: flag rule failures and duplicates, split off the quarantine.

A Silver transform ends with `conform(...)`: every row keeps its place, flagged with the rules it broke
(`_quarantine_reason`) or as a duplicate of an earlier row on the table's keys (`_is_duplicate`). The
task then writes the clean rows to the table and the broken ones to `<table>_quarantine`, so every
Bronze row is accounted for: rows in = rows out + quarantined + duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import (
    BATCH_ID,
    LINE_NUMBER,
    RAW,
    SOURCE_FILE,
    STRING,
    TIMESTAMP,
    Column,
    Expectation,
    TableContract,
)

QUARANTINE_REASON = "_quarantine_reason"
IS_DUPLICATE = "_is_duplicate"
# Lineage a Silver transform carries through so a quarantined row can be traced to its source line.
QUARANTINE_LINEAGE = tuple(c.name for c in (RAW, SOURCE_FILE, LINE_NUMBER, BATCH_ID))


def has_quarantine(module: ModuleType) -> bool:
    """Silver is where raw rows are conformed, so every Silver table has a quarantine table."""
    return module.CONTRACT.schema == "silver"


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


def flag_failures(df: DataFrame, *tiers: Iterable[Expectation]) -> DataFrame:
    """Add `_quarantine_reason`: the failed rules joined by '; ', or NULL when the row passes them all.

    Rules come in tiers, checked in order; a row is judged only by the first tier it fails, so a
    line that did not parse is quarantined as malformed, not also for every field it therefore lacks.
    """
    reason = F.lit(None).cast("string")
    for tier in reversed(tiers):
        failures = [F.when(_fails(e), F.lit(e.rule)) for e in tier]
        if failures:
            tier_reason = F.concat_ws("; ", *failures)
            reason = F.when(tier_reason != "", tier_reason).otherwise(reason)
    return df.withColumn(QUARANTINE_REASON, reason)


def flag_duplicates(df: DataFrame, keys: Iterable[str], order_by: Iterable[SparkColumn]) -> DataFrame:
    """Add `_is_duplicate`: true for a valid row that is not the first on its keys in `order_by` order.

    Quarantined rows neither count as duplicates nor shadow a valid row with the same key.
    """
    keys = list(keys)
    valid = F.col(QUARANTINE_REASON).isNull()
    if not keys:
        return df.withColumn(IS_DUPLICATE, F.lit(False))
    window = Window.partitionBy("_is_valid", *keys).orderBy(*order_by)
    return (
        df.withColumn("_is_valid", valid)
        .withColumn(IS_DUPLICATE, F.col("_is_valid") & (F.row_number().over(window) > 1))
        .drop("_is_valid")
    )


def conform(
    df: DataFrame,
    contract: TableContract,
    parse_rules: Iterable[Expectation],
    order_by: Iterable[SparkColumn],
) -> DataFrame:
    """Flag the parse rules, then (for rows that parsed) the contract's expectations, then duplicates."""
    flagged = flag_failures(df, parse_rules, contract.row_expectations)
    return flag_duplicates(flagged, contract.keys, order_by)


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
    shared = df.groupBy(*keys).count().filter("count > 1").agg(F.sum("count")).first()[0]
    return shared or 0


def broken_rules(df: DataFrame, contract: TableContract) -> dict[str, int]:
    """Rows breaking each of the contract's error-level row rules and its key uniqueness; only rules broken."""
    rules = [e for e in contract.row_expectations if e.level == "error"]
    counts = failure_counts(df, rules)
    if contract.keys:
        counts[f"unique({','.join(contract.keys)})"] = rows_sharing_a_key(df, contract.keys)
    return {rule: n for rule, n in counts.items() if n}


def describe_broken(table: str, broken: dict[str, int]) -> str:
    return f"{table} breaks {', '.join(f'{rule} ({n} rows)' for rule, n in broken.items())}"


@dataclass(frozen=True)
class SplitCounts:
    rows_in: int
    quarantined: int
    duplicates: int

    @property
    def rows_out(self) -> int:
        return self.rows_in - self.quarantined - self.duplicates


def count_outcomes(flagged: DataFrame) -> SplitCounts:
    row = flagged.agg(
        F.count(F.lit(1)).alias("rows_in"),
        F.count(QUARANTINE_REASON).alias("quarantined"),
        F.sum(F.col(IS_DUPLICATE).cast("int")).alias("duplicates"),
    ).first()
    return SplitCounts(row["rows_in"], row["quarantined"], row["duplicates"] or 0)


def valid_rows(flagged: DataFrame, contract: TableContract) -> DataFrame:
    return flagged.filter(F.col(QUARANTINE_REASON).isNull() & ~F.col(IS_DUPLICATE)).select(*contract.column_names)


def quarantined_rows(flagged: DataFrame, quarantined_at: datetime) -> DataFrame:
    return flagged.filter(F.col(QUARANTINE_REASON).isNotNull()).select(
        QUARANTINE_REASON, *QUARANTINE_LINEAGE, F.lit(quarantined_at).alias("_quarantined_at")
    )
