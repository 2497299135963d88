"""Table contracts: one declaration per table drives its DDL, schema checks, quality rules and docs.

A contract names the table as `<schema>.<table>` (the catalog is a setting), lists its columns with
Spark SQL types, nullability and comments, its keys and partition columns, and its expectations.
Expectations are small declarative row rules in the style of Databricks Labs' DQX: each renders to a
boolean SQL expression that both Sail and Databricks evaluate, true for rows that pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

LAYERS = ("bronze", "silver", "gold", "ops")

# Column types, named as in Spark SQL DDL.
STRING, INT, BIGINT, DOUBLE = StringType(), IntegerType(), LongType(), DoubleType()
BOOLEAN, DATE, TIMESTAMP = BooleanType(), DateType(), TimestampType()
STRINGS = ArrayType(StringType())


def decimal(precision: int, scale: int) -> DecimalType:
    return DecimalType(precision, scale)


Level = Literal["error", "warn"]


def sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: DataType
    comment: str
    nullable: bool = True
    # Personal data (name, e-mail, phone, free text a person typed): encrypted in Bronze, in the clear
    # only in silver.member_pii, and never in a table the privacy scan covers.
    pii: bool = False

    @property
    def type(self) -> str:
        """The type as Spark SQL DDL, e.g. `decimal(8,2)`."""
        return self.data_type.simpleString()

    def ddl(self) -> str:
        not_null = " NOT NULL" if not self.nullable else ""
        return f"{quote(self.name)} {self.type.upper()}{not_null} COMMENT {sql_string(self.comment)}"


# Lineage every layer carries, declared once: where a row came from and which run brought it in.
RAW = Column("_raw", STRING, "The source line exactly as it arrived")
SOURCE_FILE = Column("_source_file", STRING, "Landing file, relative to the landing folder", nullable=False)
LINE_NUMBER = Column("_line_number", INT, "1-based line number in the landing file", nullable=False)
BATCH_ID = Column("_batch_id", STRING, "Run that ingested the line into Bronze", nullable=False)
# A Bronze line's required fields its file has under no spelling (bronze/_raw.py): Silver quarantines such a line
# as `missing_column(<field>)`, where an empty value would only be NULL.
MISSING_FIELDS = Column(
    "_missing_fields",
    STRINGS,
    "Required fields (exported names) the line has under none of their spellings; NULL when it has them all",
)
# What a conformed (Silver) row keeps of its Bronze line: enough to find it, and to reconcile per batch.
ROW_LINEAGE = (SOURCE_FILE, LINE_NUMBER, BATCH_ID)


# What a rule checks, for tools that do not evaluate `sql` row by row (fitlake.dq derives Great
# Expectations from it): `params` holds the allowed values for in_set and (low, high) for between.
ExpectationKind = Literal["sql", "not_null", "in_set", "between"]


@dataclass(frozen=True)
class Expectation:
    """A row rule. `rule` is the stable name recorded as a quarantine reason; `sql` is true when a row passes.

    `error` rules quarantine the row; `warn` rules are reported but let the row through. `values_named` names a
    long value set (an in_set rule's `params`), so the docs can refer to it rather than print every value.
    """

    rule: str
    sql: str
    level: Level = "error"
    columns: tuple[str, ...] = ()
    kind: ExpectationKind = "sql"
    params: tuple = ()
    values_named: str = ""

    @property
    def is_reference(self) -> bool:
        """A `foreign_key(...)` rule of a Silver transform (silver/_lookups.py `known`): a source's reference that
        must resolve. Judged with the contract's rules, not before them: an orphan is a record that parsed, and
        its other faults are worth reporting too."""
        return self.rule.startswith("foreign_key(")


def not_null(column: str) -> Expectation:
    return Expectation(f"not_null({column})", f"{quote(column)} IS NOT NULL", columns=(column,), kind="not_null")


def in_set(
    column: str, values: tuple[str, ...] | list[str], level: Level = "error", rule: str = "", values_named: str = ""
) -> Expectation:
    """A present value must be one of `values`. `rule` names it otherwise than `in_set(<column>)`; `values_named`
    describes a long set for the docs (`the IANA region zones`)."""
    listed = ", ".join(sql_string(v) for v in values)
    return Expectation(
        rule or f"in_set({column})",
        f"{quote(column)} IS NULL OR {quote(column)} IN ({listed})",
        level,
        (column,),
        kind="in_set",
        params=tuple(values),
        values_named=values_named,
    )


def between(column: str, low: float | str, high: float | str, level: Level = "error") -> Expectation:
    """`low` and `high` are numbers or SQL expressions (a date literal, `current_date()`)."""
    # Only numeric bounds mean the same outside SQL; an expression bound stays a SQL rule.
    numeric = all(isinstance(b, int | float) and not isinstance(b, bool) for b in (low, high))
    return Expectation(
        f"between({column},{low},{high})",
        f"{quote(column)} IS NULL OR {quote(column)} BETWEEN {low} AND {high}",
        level,
        (column,),
        kind="between" if numeric else "sql",
        params=(low, high) if numeric else (),
    )


def parsed(column: str, raw: str | None = None, read: str | None = None) -> Expectation:
    """Text that is present must have parsed into the typed `column`; the text is in `<column>_text`. `read` names
    the column holding the value as read, when `column` then drops some (MapMyRun's 0 for "no data")."""
    raw, read = raw or f"{column}_text", read or column
    return Expectation(
        f"parseable({column})", f"{quote(raw)} IS NULL OR {quote(read)} IS NOT NULL", columns=(raw, read)
    )


def well_formed() -> Expectation:
    """The raw line parsed as a record (bronze records why in `_parse_error`)."""
    return Expectation("well_formed_record", "_parse_error IS NULL", columns=("_parse_error",))


def rule(name: str, sql: str, level: Level = "error") -> Expectation:
    """A table-specific rule written as SQL, for what the helpers above do not cover."""
    return Expectation(name, sql, level)


def unique_rule(keys: tuple[str, ...] | list[str]) -> str:
    """The name key uniqueness is reported under: in Gold's checks, ops.dq_results and the data dictionary."""
    return f"unique({','.join(keys)})"


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of this table reference `ref_columns` (the referenced table's keys by default) of `table`.

    `level` is what an orphan is: `error` stops the run at quality_checks, `warn` is recorded.
    """

    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...] = ()
    level: Level = "error"

    @property
    def referenced_columns(self) -> tuple[str, ...]:
        return self.ref_columns or self.columns

    @property
    def rule(self) -> str:
        """The name an orphan check is reported under, in ops.dq_results and the data dictionary."""
        return f"foreign_key({','.join(self.columns)} -> {self.table}({','.join(self.referenced_columns)}))"


def references(column: str, table: str, ref_column: str | None = None, level: Level = "error") -> ForeignKey:
    return ForeignKey((column,), table, (ref_column or column,), level)


@dataclass(frozen=True)
class Deduplication:
    """Which of the rows that share a table's keys is kept: the first in `order`, a tuple of lineage or table
    columns, each `-` prefixed when descending. `reason` says why, for the docs."""

    order: tuple[str, ...]
    reason: str

    def describe(self) -> str:
        by = ", ".join(f"{c[1:]} descending" if c.startswith("-") else c for c in self.order)
        return f"{self.reason} (kept: the first by {by})"


# Events: a source may send a record again; the copy that arrived first is the record.
FIRST_DELIVERY = Deduplication(
    ("_ingested_at", "_source_file", "_line_number"), "the first delivery wins; later copies are re-sent records"
)
# Reference data exported whole whenever it changes: the latest export of a record is its current state.
LATEST_DELIVERY = Deduplication(
    ("-_ingested_at", "-_source_file", "-_line_number"), "the latest export of a record is its current state"
)


def latest_by(column: str, reason: str) -> Deduplication:
    """The row with the latest `column` wins (then the latest file and line, then the latest delivery: a file read
    again after it was rewritten has its lines twice in Bronze, at the same place): for sources that stamp their
    exports."""
    return Deduplication((f"-{column}", "-_source_file", "-_line_number", "-_ingested_at"), reason)


@dataclass(frozen=True)
class Lookup:
    """Columns of `table` a Silver transform reads: rows are looked up `on` these columns and `take` those."""

    table: str
    on: tuple[str, ...]
    take: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.on, *self.take)


@dataclass(frozen=True)
class Incremental:
    """A Silver module's `INCREMENTAL`: its rows are events kept on first delivery, so a build need transform only
    the Bronze batches it has not taken (fitlake.incremental). `lookups` are its other inputs, each given to the
    transform as the columns declared only, so a lookup left out fails the build instead of escaping the check
    that what it looks up has not changed. A reference whose absence gives a valid row a default (not a
    quarantined orphan) rules a table out: the row would keep the default when the reference arrives."""

    lookups: tuple[Lookup, ...] = ()
    # Rows gather several records (quality.merge_rows): a new record of a row already kept cannot be merged into
    # it by appending, so such a batch is built whole.
    merges_records: bool = False


@dataclass(frozen=True)
class QuarantineLimit:
    """How much of its input a Silver table may quarantine before someone must look (fitlake.quarantine_limits).

    A landing file is the unit judged: the unit a source delivers, so the verdict names what to look at and is the
    same whether the files came in one backfill or day by day. The build fails, after the table and its quarantine
    are written, for a file of at least `judged_from_rows` rows with more than `fail_above` of them quarantined, and
    for a file of at least `all_quarantined_from_rows` rows with every row quarantined: no valid row at all is a
    broken delivery, not a defect. A smaller file's share is not judged: one defect in a 10-row export is 10%, and
    says little about the source. A table that quarantines more than `warn_above` of all its rows is a warning that
    lets the run go on. Duplicates and withheld research data are accounted for, not failures: only quarantined
    rows count.
    """

    fail_above: float = 0.05  # the studio's design: at least 95% of a delivery's records must pass
    warn_above: float = 0.01
    judged_from_rows: int = 100
    # The generator's `tiny` data quarantines whole files of 1 to 3 rows (every defect kind on the first day).
    all_quarantined_from_rows: int = 10

    def __post_init__(self) -> None:
        if not 0 <= self.warn_above <= self.fail_above <= 1:
            raise ValueError(f"a quarantine limit needs 0 <= warn_above <= fail_above <= 1, not {self}")
        if min(self.judged_from_rows, self.all_quarantined_from_rows) < 1:
            raise ValueError(f"a quarantine limit judges files of at least one row, not {self}")

    def fails(self, rows: int, quarantined: int) -> bool:
        """A landing file of `rows` rows, `quarantined` of them quarantined, fails the build."""
        over_share = rows >= self.judged_from_rows and quarantined > self.fail_above * rows
        return over_share or (rows >= self.all_quarantined_from_rows and quarantined == rows)


@dataclass(frozen=True)
class TableContract:
    """A table's declaration. Silver tables also declare how source rows are read into them:

    `parse_rules` are the rules a source row must pass before the expectations are checked, on the transform's
    parsed rows, so they may name source fields and helper columns the table does not keep (`member_id`, the
    text a timestamp was parsed from); with the contract's expectations they are every reason a row can be
    quarantined for. `keep` says which row of those sharing the keys is kept, and `quarantine_limit` how much of a
    landing file may be quarantined before the build fails.
    """

    name: str
    comment: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    partition_by: tuple[str, ...] = ()
    expectations: tuple[Expectation, ...] = field(default=())
    foreign_keys: tuple[ForeignKey, ...] = field(default=())
    parse_rules: tuple[Expectation, ...] = field(default=())
    keep: Deduplication | None = None
    # The table whose rules judge these rows, when they are another table's rows (silver.member_pii: members').
    judged_by: str = ""
    # How much of a landing file a Silver table may quarantine before its build fails (QuarantineLimit).
    quarantine_limit: QuarantineLimit = QuarantineLimit()

    def __post_init__(self) -> None:
        schema, _, table = self.name.partition(".")
        if not table or "." in table or schema not in LAYERS:
            raise ValueError(f"contract name {self.name!r} must be <{'|'.join(LAYERS)}>.<table>")
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names")
        fk_columns = tuple(c for fk in self.foreign_keys for c in fk.columns)
        for what, cols in (("key", self.keys), ("partition", self.partition_by), ("foreign key", fk_columns)):
            unknown = set(cols) - set(names)
            if unknown:
                raise ValueError(f"{self.name}: {what} columns {sorted(unknown)} are not declared")
        if self.keep is not None and not self.keys:
            raise ValueError(f"{self.name}: `keep` chooses among rows sharing the keys, and there are none")

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def table(self) -> str:
        return self.name.split(".")[1]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def pick(self, *names: str) -> tuple[Column, ...]:
        """These columns as declared here, for a table that carries them on (same type and meaning)."""
        by_name = {c.name: c for c in self.columns}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise ValueError(f"{self.name} declares no columns {unknown}")
        return tuple(by_name[n] for n in names)

    @property
    def pii_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.pii]

    @property
    def spark_schema(self) -> StructType:
        return StructType(
            [StructField(c.name, c.data_type, c.nullable, metadata={"comment": c.comment}) for c in self.columns]
        )

    @property
    def row_expectations(self) -> tuple[Expectation, ...]:
        """Declared expectations plus one not-null rule per NOT NULL column, declared once as nullability."""
        derived = tuple(not_null(c.name) for c in self.columns if not c.nullable)
        declared = tuple(e for e in self.expectations if e.rule not in {d.rule for d in derived})
        return derived + declared

    def rule_tiers(self) -> tuple[tuple[Expectation, ...], ...]:
        """The rules a Silver row is quarantined for, in the tiers it is judged by; a row is reported for the
        first tier it fails only, so a line that is no record is not also reported for every field it lacks:

        1. the line is a record (`well_formed_record`);
        2. its fields parse (the parse rules but references);
        3. its references resolve, and it meets the contract (not-null columns, expectations). A key a
           reference resolves to is NULL exactly when the reference failed, so its not-null rule is left out.
        """
        references = tuple(e for e in self.parse_rules if e.is_reference)
        resolved = {f"not_null({c})" for e in references for c in e.columns[1:]}
        checks = tuple(e for e in self.row_expectations if e.rule not in resolved)
        return (well_formed(),), tuple(e for e in self.parse_rules if not e.is_reference), (*references, *checks)

    def ddl(self, full_name: str, location: str | None = None) -> str:
        columns = ",\n  ".join(c.ddl() for c in self.columns)
        parts = [f"CREATE TABLE IF NOT EXISTS {full_name} (\n  {columns}\n) USING delta"]
        if self.partition_by:
            parts.append(f"PARTITIONED BY ({', '.join(quote(c) for c in self.partition_by)})")
        if location:
            parts.append(f"LOCATION {sql_string(location)}")
        parts.append(f"COMMENT {sql_string(self.comment)}")
        return "\n".join(parts)
