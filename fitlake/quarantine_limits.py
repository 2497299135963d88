"""Judge what a Silver build quarantined against its table's QuarantineLimit (fitlake.contracts).

Quarantining a bad row keeps the run going, which is right for a defect and wrong for a broken delivery: a file
whose every row is quarantined would otherwise end in a green run. So each landing file's share of quarantined rows
is judged: above the table's limit the build fails, after the table and its quarantine are written so the rows can
be looked at, with one screen saying which file, how much, why (the top rules broken, with counts) and where (one
`file:line` per rule). A table whose quarantined share is above its warning level is reported and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import QuarantineLimit, TableContract
from fitlake.errors import ContractViolation
from fitlake.quality import QUARANTINE_REASON, quarantine_contract

# Rules shown per table on a failure's screen, most rows first.
TOP_REASONS = 3
# Failing files named on a failure's first line; the quarantine table holds the rest.
FILES_NAMED = 3


@dataclass(frozen=True)
class FileShare:
    """How many of a landing file's rows a table quarantined."""

    source_file: str
    rows: int
    quarantined: int

    @property
    def share(self) -> float:
        return self.quarantined / self.rows if self.rows else 0.0

    def describe(self) -> str:
        return f"{self.source_file} ({_percent(self.share)}, {self.quarantined:,} of {self.rows:,} rows)"


@dataclass(frozen=True)
class Reason:
    """A rule quarantined rows broke, how many broke it, and the first of them as `file:line`."""

    rule: str
    rows: int
    example: str


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _limit(share: float) -> str:
    return f"{share * 100:g}%"


@dataclass(frozen=True)
class Verdict:
    """One Silver table's build judged against its limit: the files over it, and why their rows were quarantined
    (or, for a warning, why the table's were)."""

    table: str
    quarantine: str
    limit: QuarantineLimit
    rows: int
    quarantined: int
    failing_files: tuple[FileShare, ...] = ()
    reasons: tuple[Reason, ...] = ()

    @property
    def share(self) -> float:
        return self.quarantined / self.rows if self.rows else 0.0

    @property
    def fails(self) -> bool:
        return bool(self.failing_files)

    @property
    def warns(self) -> bool:
        return not self.fails and self.share > self.limit.warn_above

    def headline(self) -> str:
        files = self.failing_files
        if len(files) == 1:
            what = files[0].describe()
        else:
            named = ", ".join(f.describe() for f in files[:FILES_NAMED])
            more = f" and {len(files) - FILES_NAMED} more" if len(files) > FILES_NAMED else ""
            what = f"{len(files)} landing files: {named}{more}"
        return f"{self.table} quarantined more than its limit of {_limit(self.limit.fail_above)} of {what}"

    def screen(self) -> str:
        """What a failure shows: the headline, the top rules with counts and an example line, where to look."""
        files = ", ".join(f"'{f.source_file}'" for f in self.failing_files[:FILES_NAMED])
        lines = [self.headline()]
        lines += [f"    {r.rule}: {r.rows:,} rows, e.g. {r.example}" for r in self.reasons]
        query = f"select * from {self.quarantine} where _source_file in ({files})"
        lines.append(f'    {self.table} and {self.quarantine} are written; the rows: fitlake sql "{query}"')
        return "\n".join(lines)

    def warning(self) -> str:
        """What a warning says, under its table's name."""
        top = ", ".join(f"{r.rule} ({r.rows:,})" for r in self.reasons)
        return (
            f"quarantined {_percent(self.share)} of its rows ({self.quarantined:,} of {self.rows:,}), "
            f"above its warning level of {_limit(self.limit.warn_above)}" + (f": {top}" if top else "")
        )


class QuarantineLimitExceeded(ContractViolation):
    """Silver tables quarantined more of a landing file than their limit allows. Deterministic: a rebuild from the
    same Bronze gives the same rows, so it is never retried. The tables and their quarantines are written."""

    def __init__(self, verdicts: Sequence[Verdict]) -> None:
        self.verdicts = tuple(verdicts)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.verdicts) == 1:
            return self.verdicts[0].screen()
        names = ", ".join(v.table for v in self.verdicts)
        first = f"{len(self.verdicts)} tables quarantined more of a landing file than their limit: {names}"
        return "\n".join([first, *(v.screen() for v in self.verdicts)])


def file_shares(flagged: DataFrame) -> list[FileShare]:
    """Rows and quarantined rows of each landing file in a conformed (flagged) frame."""
    rows = (
        flagged.groupBy("_source_file")
        .agg(F.count(F.lit(1)).alias("rows"), F.count(QUARANTINE_REASON).alias("quarantined"))
        .collect()
    )
    shares = (FileShare(r["_source_file"], r["rows"], r["quarantined"]) for r in rows)
    return sorted(shares, key=lambda f: f.source_file)


def files_over(limit: QuarantineLimit, shares: Iterable[FileShare]) -> tuple[FileShare, ...]:
    """The files that fail the limit (QuarantineLimit.fails), the worst first."""
    over = [f for f in shares if limit.fails(f.rows, f.quarantined)]
    return tuple(sorted(over, key=lambda f: (-f.share, f.source_file)))


def top_reasons(flagged: DataFrame, files: Iterable[str] = (), top: int = TOP_REASONS) -> tuple[Reason, ...]:
    """The rules the quarantined rows (of `files`, or all) broke most, each with the first such row's `file:line`.
    A row that broke several rules counts under each."""
    quarantined = flagged.filter(F.col(QUARANTINE_REASON).isNotNull())
    files = list(files)
    if files:
        quarantined = quarantined.filter(F.col("_source_file").isin(files))
    rules = quarantined.select(
        F.explode(F.split(QUARANTINE_REASON, "; ")).alias("rule"),
        F.struct("_source_file", "_line_number").alias("line"),
    )
    counted = rules.groupBy("rule").agg(F.count(F.lit(1)).alias("rows"), F.min("line").alias("first"))
    found = counted.orderBy(F.desc("rows"), "rule").limit(top).collect()
    return tuple(Reason(r["rule"], r["rows"], f"{r.first._source_file}:{r.first._line_number}") for r in found)


def judge(contract: TableContract, flagged: DataFrame) -> Verdict:
    """The verdict on one Silver build's flagged rows; the reasons are looked up only for a failure or a warning."""
    limit = contract.quarantine_limit
    shares = file_shares(flagged)
    verdict = Verdict(
        contract.name,
        quarantine_contract(contract).name,
        limit,
        sum(f.rows for f in shares),
        sum(f.quarantined for f in shares),
        files_over(limit, shares),
    )
    if verdict.fails:
        reasons = top_reasons(flagged, [f.source_file for f in verdict.failing_files])
    elif verdict.warns:
        reasons = top_reasons(flagged)
    else:
        return verdict
    return replace(verdict, reasons=reasons)
