from datetime import UTC, datetime

from pyspark.sql import functions as F

from fitlake.contracts import STRING, Column, TableContract, in_set, rule
from fitlake.quality import (
    count_outcomes,
    flag_duplicates,
    flag_failures,
    quarantined_rows,
    valid_rows,
)
from tests.builders import assert_same_rows

PARSED = rule("parsed", "_parse_error IS NULL")
KNOWN_PLAN = in_set("plan", ["basic", "plus"])
HAS_ID = rule("has_id", "id IS NOT NULL")


def test_rows_are_judged_by_the_first_tier_they_fail(spark):
    df = spark.createDataFrame(
        [("1", "basic", None), ("2", "gold", None), (None, "gold", None), ("4", None, "malformed")],
        "id string, plan string, _parse_error string",
    )
    flagged = flag_failures(df, [PARSED], [HAS_ID, KNOWN_PLAN])
    expected = spark.createDataFrame(
        [
            ("1", "basic", None, None),
            ("2", "gold", None, "in_set(plan)"),
            (None, "gold", None, "has_id; in_set(plan)"),
            ("4", None, "malformed", "parsed"),  # not also has_id/plan: they follow from the bad line
        ],
        "id string, plan string, _parse_error string, _quarantine_reason string",
    )
    assert_same_rows(flagged, expected)


def test_a_rule_that_evaluates_to_null_counts_as_failed(spark):
    df = spark.createDataFrame([(None,), (5,)], "minutes int")
    flagged = flag_failures(df, [rule("positive", "minutes > 0")])
    assert {r.minutes: r._quarantine_reason for r in flagged.collect()} == {None: "positive", 5: None}


def test_first_row_in_order_wins_and_quarantined_rows_do_not_shadow_valid_ones(spark):
    df = spark.createDataFrame(
        [
            ("k1", 3, None),
            ("k1", 1, None),  # earliest valid k1: kept
            ("k1", 0, "broken"),  # earlier still, but quarantined: neither kept nor a duplicate
            ("k2", 5, None),
        ],
        "key string, seq int, _quarantine_reason string",
    )
    flagged = flag_duplicates(df, ["key"], [F.col("seq")])
    result = {(r.key, r.seq): r._is_duplicate for r in flagged.collect()}
    assert result == {("k1", 3): True, ("k1", 1): False, ("k1", 0): False, ("k2", 5): False}


def test_split_accounts_for_every_row(spark):
    contract = TableContract("silver.t", "t", (Column("key", STRING, "k", nullable=False),), keys=("key",))
    df = spark.createDataFrame(
        [
            ("a", None, False, "line a", "f", 1, "b1"),
            ("a", None, True, "line a again", "f", 2, "b1"),
            (None, "not_null(key)", False, "line ?", "f", 3, "b1"),
        ],
        "key string, _quarantine_reason string, _is_duplicate boolean, _raw string, "
        "_source_file string, _line_number int, _batch_id string",
    )
    counts = count_outcomes(df)
    assert (counts.rows_in, counts.rows_out, counts.quarantined, counts.duplicates) == (3, 1, 1, 1)
    assert [r.key for r in valid_rows(df, contract).collect()] == ["a"]
    at = datetime(2025, 1, 2, tzinfo=UTC)
    (q,) = quarantined_rows(df, at).collect()
    assert (q._quarantine_reason, q._raw, q._line_number) == ("not_null(key)", "line ?", 3)
    assert q._quarantined_at == at.replace(tzinfo=None)
