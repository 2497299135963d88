"""Hand-built rows for tests: Bronze rows with default lineage, so a test states only what it is about."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from chispa import assert_approx_df_equality, assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from fitlake.contracts import TableContract
from fitlake.privacy import Secrets, decrypt, encrypter

INGESTED_AT = datetime(2025, 1, 2, 6, 0, tzinfo=UTC)
# Fixed secrets, so a test can spell out the pseudonym it expects.
SECRETS = Secrets(pii_key="k" * 32, pseudonym_salt="test-salt-0123456789")


def use_test_secrets(home: Path) -> None:
    """The test SECRETS as `home`'s own, so hand-built members and links carry the pseudonyms its build uses."""
    folder = home / "_secrets"
    folder.mkdir(parents=True)
    (folder / "pii_key").write_text(SECRETS.pii_key)
    (folder / "pseudonym_salt").write_text(SECRETS.pseudonym_salt)


def pseudonym_of(value: str, salt: str = SECRETS.pseudonym_salt) -> str:
    """The pseudonym silver gives `value` (a member or workout number), worked out here without the engine:
    sha2-256 of salt || value, as hex (tests/fitlake/test_privacy.py pins fitlake's to it)."""
    return hashlib.sha256(f"{salt}{value}".encode()).hexdigest()


def member_key(spark: SparkSession, member_id: str) -> str:
    """The pseudonym silver gives `member_id` under the test SECRETS."""
    return pseudonym_of(member_id)


def member_pii_rows(spark: SparkSession, member_ids: list[str], devices: dict[str, str] | None = None) -> DataFrame:
    """A silver.member_pii stand-in for lookups: member number, pseudonym and wearable device id."""
    from silver.member_pii import CONTRACT

    devices = devices or {}
    lineage = {"exported_at": datetime(2025, 1, 1), "_source_file": "members.csv", "_line_number": 1, "_batch_id": "b"}
    rows = [
        {"member_key": member_key(spark, m), "member_id": m, "wearable_device_id": devices.get(m), **lineage}
        for m in member_ids
    ]
    return spark.createDataFrame([tuple(r.get(c) for c in CONTRACT.column_names) for r in rows], CONTRACT.spark_schema)


def linked_account_rows(spark: SparkSession, links: list[tuple[str, str, str, date, date | None]]) -> DataFrame:
    """A silver.linked_accounts stand-in: (member number, provider, account id, linked date, unlinked date) per link."""
    from silver.linked_accounts import CONTRACT

    lineage = ("linked_accounts.csv", 1, "b")
    rows = [
        (member_key(spark, m), provider, pseudonym_of(account), linked, unlinked, *lineage)
        for m, provider, account, linked, unlinked in links
    ]
    return spark.createDataFrame(rows, CONTRACT.spark_schema)


def bronze_rows(spark: SparkSession, contract: TableContract, records: list[dict]) -> DataFrame:
    """Bronze rows from dicts of source fields; lineage defaults to line i+1 of one file. PII fields and the
    raw line are encrypted with the test SECRETS, as ingestion stores them."""
    rows = []
    for i, record in enumerate(records):
        lineage = {
            "_rescued_data": None,
            "_raw": str(record),
            "_parse_error": None,
            "_source_file": "test/2025-01-01/part-00000",
            "_line_number": i + 1,
            "_batch_id": "batch-1",
            "_ingested_at": INGESTED_AT,
            "_ingest_date": date(2025, 1, 2),
        }
        merged = {**lineage, **record}
        rows.append(tuple(merged.get(name) for name in contract.column_names))
    # Encrypted here rather than by a UDF: a query fewer per test, which JVM Spark makes slow.
    protected = [i for i, name in enumerate(contract.column_names) if name in contract.pii_columns]
    if protected:
        seal = encrypter(SECRETS.pii_key)
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else []
        for i in protected if rows else ():
            columns[i] = list(seal(pd.Series(columns[i], dtype=object)))
        rows = [tuple(r) for r in zip(*columns, strict=True)]
    return spark.createDataFrame(rows, contract.spark_schema)


def apart(case: int, records: list[dict], **moved: Callable[[object, int], object]) -> list[dict]:
    """A case's Bronze records made ready to run beside other cases in one transform (a module's
    `jvm_parity_case`): on lines of a file of the case's own, and each field named in `moved` changed by its
    function of (value, case), so that cases sharing a key, a device or a member neither dedupe nor merge."""
    return [
        {"_source_file": f"test/case-{case:02d}/part-00000", "_line_number": line, **record}
        | {name: move(record[name], case) for name, move in moved.items() if name in record}
        for line, record in enumerate(records, start=1)
    ]


class Cases:
    """The Bronze records each test of a module transformed, kept so that the module's `jvm_parity_case` can run them
    all at once: `flagged(spark, records)` is the module's transform on records, `moved` what `apart` changes."""

    def __init__(self, flagged: Callable[[SparkSession, list[dict]], DataFrame], **moved: Callable) -> None:
        self._flagged, self._moved, self._seen = flagged, moved, []

    def transform(self, spark: SparkSession, records: list[dict]) -> DataFrame:
        """The transform on a test's records, computed once (see `computed`)."""
        self._seen.append(records)
        return computed(self._flagged(spark, records))

    def all_at_once(self, spark: SparkSession) -> list[DataFrame]:
        """Every test's records in one transform, each case apart: a module's `jvm_parity_case`."""
        return [self._flagged(spark, [r for i, case in enumerate(self._seen) for r in apart(i, case, **self._moved)])]


def tagged(identifier: str | None, case: int) -> str | None:
    """An identifier made a case's own (for `apart`): tagged after its leading spaces, so its spacing still shows."""
    return identifier and re.sub(r"^(\s*)", rf"\g<1>c{case:02d}-", identifier, count=1)


def column_comments(spark: SparkSession, table: str) -> dict[str, str | None]:
    """Column comments as the engine reports them in DESCRIBE TABLE."""
    return {r.col_name: r.comment for r in spark.sql(f"DESCRIBE TABLE {table}").collect()}


def assert_same_rows(actual: DataFrame, expected: DataFrame) -> None:
    """Same columns, types and rows, in any row order; nullability and comments are the contract's job."""
    assert_df_equality(actual, expected, ignore_row_order=True, ignore_nullable=True, ignore_metadata=True)


def computed(df: DataFrame) -> DataFrame:
    """`df` computed once and held as rows, as the pipeline stages a transform's output (fitlake.io.staged): a
    test's later actions neither plan the transform again on Sail nor make the parity check replay it on the JVM
    once per action (the transform's own query is recorded and replayed once)."""
    return df.sparkSession.createDataFrame(df.toArrow(), df.schema)


def quarantine_reasons(flagged: DataFrame) -> dict[int, str]:
    """Line number -> quarantine reason, for the rows a transform flagged."""
    return {r._line_number: r._quarantine_reason for r in flagged.filter("_quarantine_reason IS NOT NULL").collect()}


def assert_close_rows(actual: DataFrame, expected: DataFrame, precision: float = 1e-9) -> None:
    """assert_same_rows for doubles an engine computes in its own order (a standard deviation): equal to
    `precision`. Comments are dropped from both sides first, as chispa's approximate comparison checks them."""

    def plain(df: DataFrame) -> DataFrame:
        return df.select([df[c].alias(c, metadata={}) for c in df.columns])

    assert_approx_df_equality(plain(actual), plain(expected), precision, ignore_nullable=True, ignore_row_order=True)


def opened(sealed: DataFrame, columns: list[str]) -> DataFrame:
    """`sealed` with each encrypted column of `columns` decrypted under the test SECRETS, beside
    `<column>_shows_clear`: whether the stored ciphertext contains its clear text.

    A ciphertext differs every time it is computed (a fresh IV), so tests collect this rather than ciphertexts:
    the JVM parity check compares everything a test collects (tests/jvm_parity.py).
    """
    clear = {c: decrypt(c, SECRETS.pii_key) for c in columns}
    return sealed.select(
        *[c for c in sealed.columns if c not in clear],
        *[value.alias(c) for c, value in clear.items()],
        *[F.col(c).contains(value).alias(f"{c}_shows_clear") for c, value in clear.items()],
    )
