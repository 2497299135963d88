from bronze.stedi.step_trainer_landing import CONTRACT as LANDING
from fitlake.quality import count_outcomes, valid_rows
from silver.stedi import step_trainer_trusted
from tests.builders import Cases, assert_same_rows, bronze_rows, quarantine_reasons
from tests.stedi_builders import accelerometer_trusted_rows, at, customer_trusted_rows, days_later, millis

BRONZE_FILE = "test/2025-01-01/part-00000"  # tests.builders.bronze_rows' default lineage
OWNERS = [
    ("ada@test.com", "S-ADA"),
    ("idle@test.com", "S-IDLE"),  # consented, but no accelerometer readings: not curated
    ("cy@test.com", "S-SHARED"),  # the fulfilment defect: two customers sold one serial number
    ("di@test.com", "S-SHARED"),
]
PHONES = [(email, at(1), 0.0, 1.0, -1.0) for email in ("ada@test.com", "cy@test.com", "di@test.com")]


def _reading(serial, seconds, distance="250"):
    return {"serialNumber": serial, "sensorReadingTime": millis(at(seconds)), "distanceFromObject": distance}


def _flagged(spark, readings):
    return step_trainer_trusted.transform(
        bronze_rows(spark, LANDING, readings),
        customer_trusted_rows(spark, OWNERS),
        accelerometer_trusted_rows(spark, PHONES),
    )


# Every test's readings, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, sensorReadingTime=days_later)
_trusted = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_readings_of_curated_customers_devices_are_kept_once_and_the_rest_withheld(spark):
    flagged = _trusted(
        spark,
        [
            _reading("S-ADA", 1),
            _reading("S-SHARED", 1),  # one reading, however many curated customers share the device
            _reading("S-IDLE", 1),
            _reading("S-NOBODY", 1),
            _reading("S-ADA", 1),  # re-sent
        ],
    )
    expected = spark.createDataFrame(
        [("S-ADA", at(1), 250, BRONZE_FILE, 1, "batch-1"), ("S-SHARED", at(1), 250, BRONZE_FILE, 2, "batch-1")],
        step_trainer_trusted.CONTRACT.spark_schema,
    )
    assert_same_rows(valid_rows(flagged, step_trainer_trusted.CONTRACT), expected)
    counts = count_outcomes(flagged)
    assert (counts.rows_in, counts.withheld, counts.duplicates, counts.quarantined) == (5, 2, 1, 0)


def test_broken_readings_are_quarantined_with_the_rule_they_broke(spark):
    flagged = _trusted(
        spark,
        [
            _reading("S-ADA", 1, distance="far"),
            {**_reading("S-ADA", 2), "sensorReadingTime": "-5"},
            _reading("S-ADA", 3, distance="-1"),
            _reading(None, 4),
            _reading("S-ADA", 5),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "parseable(distance_from_object)",
        2: "parseable(sensor_reading_at)",
        3: "distance_not_negative",
        4: "not_null(serial_number)",
    }
