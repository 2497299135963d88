from bronze.stedi.accelerometer_landing import CONTRACT as LANDING
from fitlake.quality import count_outcomes, quarantined_rows, valid_rows
from silver.stedi import accelerometer_trusted
from tests.builders import INGESTED_AT, SECRETS, Cases, assert_same_rows, bronze_rows, quarantine_reasons
from tests.stedi_builders import at, customer_trusted_rows, days_later, key, millis

BRONZE_FILE = "test/2025-01-01/part-00000"  # tests.builders.bronze_rows' default lineage


def _reading(user, seconds, x="1.0", y="0.0", z="-1.0"):
    return {"user": user, "timestamp": millis(at(seconds)), "x": x, "y": y, "z": z}


def _flagged(spark, readings):
    customers = customer_trusted_rows(spark, [("ada@test.com", "S-ada@test.com")])  # the one who consented
    return accelerometer_trusted.transform(bronze_rows(spark, LANDING, readings), customers, secrets=SECRETS)


# Every test's readings, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, timestamp=days_later)
_trusted = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_readings_of_trusted_customers_carry_their_key_and_the_rest_are_withheld(spark):
    flagged = _trusted(
        spark,
        [
            _reading("Ada@test.com", 1),
            _reading("ada@test.com", 1, x="0.0"),  # another reading in the same millisecond
            _reading("bo@test.com", 1),  # a customer who has not consented
            _reading("stranger@test.com", 2),  # no customer record at all
            _reading("ada@test.com", 1),  # the first line again
        ],
    )
    expected = spark.createDataFrame(
        [
            (key("ada@test.com"), at(1), 1.0, 0.0, -1.0, BRONZE_FILE, 1, "batch-1"),
            (key("ada@test.com"), at(1), 0.0, 0.0, -1.0, BRONZE_FILE, 2, "batch-1"),
        ],
        accelerometer_trusted.CONTRACT.spark_schema,
    )
    assert_same_rows(valid_rows(flagged, accelerometer_trusted.CONTRACT), expected)
    counts = count_outcomes(flagged)
    assert (counts.withheld, counts.duplicates, counts.quarantined) == (2, 1, 0)
    assert "user" not in accelerometer_trusted.CONTRACT.column_names


def test_broken_readings_are_quarantined_without_their_raw_line(spark):
    flagged = _trusted(
        spark,
        [
            {"_raw": '{"user": "ada@test.com", "timestamp": 16', "_parse_error": "malformed JSON: not a JSON object"},
            _reading(None, 1),
            {**_reading("ada@test.com", 1), "timestamp": "18 June"},
            _reading("ada@test.com", 1, y="up"),
            _reading("bo@test.com", 1, y="up"),  # broken, whoever it belongs to
            _reading("bo@test.com", 2),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(user)",
        3: "parseable(reading_at)",
        4: "parseable(y)",
        5: "parseable(y)",
    }
    assert count_outcomes(flagged).withheld == 1
    assert accelerometer_trusted.RESEARCH_DATA  # so the runner keeps raw lines out of the quarantine
    quarantine = quarantined_rows(flagged, INGESTED_AT, keep_raw=not accelerometer_trusted.RESEARCH_DATA)
    assert {r._raw for r in quarantine.collect()} == {None}
