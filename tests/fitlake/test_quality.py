from datetime import UTC, datetime

import pytest
from pyspark.errors import PySparkException
from pyspark.sql import functions as F

from fitlake.contracts import FIRST_DELIVERY, STRING, Column, TableContract, in_set, latest_by, parsed, rule
from fitlake.quality import (
    SplitCounts,
    conform,
    count_outcomes,
    flag_duplicates,
    flag_failures,
    quarantined_rows,
    valid_rows,
)
from silver._lookups import known
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
            ("k1", 3, None, False),
            ("k1", 1, None, False),  # earliest valid k1: kept
            ("k1", 0, "broken", False),  # earlier still, but quarantined: neither kept nor a duplicate
            ("k1", -1, None, True),  # earlier still, but withheld: neither kept nor a duplicate
            ("k2", 5, None, False),
        ],
        "key string, seq int, _quarantine_reason string, _is_withheld boolean",
    )
    flagged = flag_duplicates(df, ["key"], [F.col("seq")])
    result = {(r.key, r.seq): r._is_duplicate for r in flagged.collect()}
    assert result == {("k1", 3): True, ("k1", 1): False, ("k1", 0): False, ("k1", -1): False, ("k2", 5): False}


def _lines(spark, rows: list[tuple], schema: str):
    """Rows of a transform's parsed columns, with the Bronze lineage conform carries: line i+1 of one file, with
    every required field unless the schema names `_missing_fields`."""
    lineage = ("f", "raw", "b1", datetime(2025, 1, 2))
    if "_missing_fields" not in schema:
        rows, schema = [(*row, None) for row in rows], f"{schema}, _missing_fields array<string>"
    return spark.createDataFrame(
        [(*row, i + 1, *lineage) for i, row in enumerate(rows)],
        f"{schema}, _line_number int, _source_file string, _raw string, _batch_id string, _ingested_at timestamp",
    )


KEYED = TableContract(
    "silver.t", "t", (Column("key", STRING, "k", nullable=False),), keys=("key",), keep=FIRST_DELIVERY
)


def test_research_data_without_consent_is_withheld_unless_the_line_did_not_parse(spark):
    df = _lines(
        spark,
        [
            ("a", True, None),
            ("b", False, None),  # parsed, no consent: withheld, not checked further
            (None, False, None),  # would break not_null(key), but is withheld first
            ("c", None, None),  # consent unknown (no such member): withheld
            ("d", False, "malformed"),  # not a record: quarantined (without its raw line, see quarantined_rows)
        ],
        "key string, consented boolean, _parse_error string",
    )
    flagged = conform(df, KEYED, consented=F.col("consented"))
    outcome = {r.key: (r._quarantine_reason, r._is_withheld) for r in flagged.collect() if r.key != "d"}
    assert outcome == {"a": (None, False), "b": (None, True), None: (None, True), "c": (None, True)}
    assert flagged.filter("key = 'd'").first()._quarantine_reason == "well_formed_record"
    assert count_outcomes(flagged) == SplitCounts(rows_in=5, quarantined=1, duplicates=0, withheld=3)


@pytest.mark.reliability(
    input="a MapMyRun export downloaded again later: the same workouts, bad rows included, in a newer file",
    expected="the bad rows are quarantined once; their later copies count as duplicates, as the good rows' do",
    observed="flag_duplicates marks a quarantined row with the keys and reason of an earlier one a duplicate and "
    "clears its reason: rows in = out + quarantined + duplicates + withheld still holds",
)
def test_a_bad_record_sent_again_is_quarantined_once_and_its_copies_are_duplicates(spark):
    df = _lines(
        spark,
        [
            ("a", "x", None),
            ("a", "zz", None),  # first copy of a bad record: quarantined
            ("a", "x", None),  # a copy of the good record: a duplicate
            ("a", "zz", None),  # the bad record again: a duplicate, not quarantined twice
            ("a", "yy", None),  # the same key, broken otherwise: another record, quarantined
            (None, "zz", None),  # no key: nobody's copy, quarantined each time
            (None, "zz", None),
        ],
        "key string, plan string, _parse_error string",
    )
    contract = TableContract(
        "silver.t", "t", (*KEYED.columns, Column("plan", STRING, "p")), keys=("key",), keep=FIRST_DELIVERY,
        expectations=(in_set("plan", ["x", "yy"], rule="known_plan"), rule("short_plan", "length(plan) = 1")),
    )  # fmt: skip
    flagged = conform(df, contract)
    outcome = {r._line_number: (r._quarantine_reason, r._is_duplicate) for r in flagged.collect()}
    assert outcome == {
        1: (None, False),
        2: ("known_plan; short_plan", False),
        3: (None, True),
        4: (None, True),
        5: ("short_plan", False),
        6: ("not_null(key); known_plan; short_plan", False),
        7: ("not_null(key); known_plan; short_plan", False),
    }
    assert count_outcomes(flagged) == SplitCounts(rows_in=7, quarantined=4, duplicates=2, withheld=0)


@pytest.mark.reliability(
    input="an export whose header lacks a column the source needs (no spelling of it, aliases included)",
    expected="its rows quarantined as missing_column(<field>), not read as empty values nor withheld",
    observed="conform reports missing_column(<field>) from Bronze's _missing_fields, right after well_formed_record",
)
def test_a_line_without_a_required_column_is_quarantined_as_missing_it(spark):
    df = _lines(
        spark,
        [
            ("a", True, None, None),
            ("b", True, None, ["Link", "Workout Date"]),  # the file's header has neither
            (None, False, None, ["Link"]),  # no consent either: quarantined all the same, not withheld
            ("d", True, "expected 3 fields, got 2", None),  # not a record: that alone is said
        ],
        "key string, consented boolean, _parse_error string, _missing_fields array<string>",
    )
    flagged = conform(df, KEYED, consented=F.col("consented"))
    outcome = {r._line_number: (r._quarantine_reason, r._is_withheld) for r in flagged.collect()}
    assert outcome == {
        1: (None, False),
        2: ("missing_column(Link); missing_column(Workout Date)", False),
        3: ("missing_column(Link)", False),
        4: ("well_formed_record", False),
    }


def test_the_contract_says_which_copy_of_a_key_is_kept(spark):
    df = _lines(spark, [("a", 1, None), ("a", 3, None), ("a", 2, None)], "key string, version int, _parse_error string")
    latest = TableContract(
        "silver.t", "t", KEYED.columns, keys=("key",), keep=latest_by("version", "the latest version is the state")
    )
    kept = {
        c.keep.order[0]: [r.version for r in conform(df, c).filter("NOT _is_duplicate").collect()]
        for c in (KEYED, latest)
    }
    assert kept == {"_ingested_at": [1], "-version": [3]}  # first delivered: line 1; latest version: 3


def test_parse_rules_are_checked_before_the_contract_and_references_with_it(spark):
    contract = TableContract(
        "silver.t",
        "t",
        KEYED.columns,
        keys=("key",),
        expectations=(in_set("key", ["a", "b"]),),
        parse_rules=(parsed("n"), known("member_id", "member_key", "silver.members")),
        keep=FIRST_DELIVERY,
    )
    df = _lines(
        spark,
        [
            ("a", 1, "1", "M1", "k1", None),
            ("z", None, "x", "M1", "k1", None),  # unparseable n: only that is said, not the key outside the set
            ("z", 2, "2", "M9", None, None),  # parsed: an orphan, judged with the contract's rules
        ],
        "key string, n int, n_text string, member_id string, member_key string, _parse_error string",
    )
    reasons = {r._line_number: r._quarantine_reason for r in conform(df, contract).collect()}
    assert reasons == {1: None, 2: "parseable(n)", 3: "foreign_key(member_id); in_set(key)"}


def test_conform_names_what_a_transform_forgot(spark):
    # Without the lines' lineage (from_bronze) the rows cannot be judged: the engine names the first it lacks when
    # the rows are computed (conform does not ask for the columns up front: a whole-plan analysis on every build).
    no_lineage = spark.createDataFrame([("a",)], "key string")
    with pytest.raises(PySparkException, match="_parse_error"):
        conform(no_lineage, KEYED).collect()
    unkept = TableContract("silver.t", "t", KEYED.columns, keys=("key",))
    with pytest.raises(ValueError, match="declare which of the rows sharing its keys is kept"):
        conform(_lines(spark, [("a", None)], "key string, _parse_error string"), unkept)


def test_split_accounts_for_every_row(spark):
    contract = TableContract("silver.t", "t", (Column("key", STRING, "k", nullable=False),), keys=("key",))
    df = spark.createDataFrame(
        [
            ("a", None, False, False, "line a", "f", 1, "b1"),
            ("a", None, True, False, "line a again", "f", 2, "b1"),
            (None, "not_null(key)", False, False, "line ?", "f", 3, "b1"),
            ("w", None, False, True, "line w", "f", 4, "b1"),
        ],
        "key string, _quarantine_reason string, _is_duplicate boolean, _is_withheld boolean, _raw string, "
        "_source_file string, _line_number int, _batch_id string",
    )
    counts = count_outcomes(df)
    assert (counts.rows_in, counts.rows_out, counts.quarantined, counts.duplicates, counts.withheld) == (4, 1, 1, 1, 1)
    assert [r.key for r in valid_rows(df, contract).collect()] == ["a"]
    at = datetime(2025, 1, 2, tzinfo=UTC)
    (q,) = quarantined_rows(df, at).collect()
    assert (q._quarantine_reason, q._raw, q._line_number) == ("not_null(key)", "line ?", 3)
    assert q._quarantined_at == at.replace(tzinfo=None)
    (research,) = quarantined_rows(df, at, keep_raw=False).collect()
    assert (research._raw, research._line_number) == (None, 3)  # research data: the raw line stays in Bronze
