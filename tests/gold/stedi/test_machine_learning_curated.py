"""The machine-learning pairing: a device reading with the phone readings of the device's owner in the same
millisecond, never with another customer's phone that happened to record then."""

from pyspark.sql import functions as F

from gold.stedi import machine_learning_curated
from tests.builders import assert_same_rows
from tests.stedi_builders import (
    accelerometer_trusted_rows,
    at,
    customer_trusted_rows,
    step_trainer_trusted_rows,
)

OWNERS = [
    ("ada@test.com", "S-ADA"),
    ("bo@test.com", "S-BO"),
    ("cy@test.com", "S-SHARED"),  # the fulfilment defect: two customers sold one serial number
    ("di@test.com", "S-SHARED"),
]


def _pairs(spark, steps, phones):
    return machine_learning_curated.transform(
        step_trainer_trusted_rows(spark, steps),
        accelerometer_trusted_rows(spark, phones),
        customer_trusted_rows(spark, OWNERS),
    )


def test_a_reading_pairs_with_its_owners_phone_readings_not_with_anyone_recording_then(spark):
    steps = [("S-ADA", at(1), 240)]
    phones = [
        ("ada@test.com", at(1), 0.0, 1.0, -1.0),
        ("ada@test.com", at(1), 1.0, 1.0, -1.0),  # a phone records several times a millisecond
        ("bo@test.com", at(1), -1.0, 0.0, 0.0),  # another customer, same millisecond
        ("ada@test.com", at(2), 0.0, 0.0, 0.0),  # no device reading then
    ]
    expected = spark.createDataFrame(
        [("S-ADA", at(1), 240, 0.0, 1.0, -1.0), ("S-ADA", at(1), 240, 1.0, 1.0, -1.0)],
        machine_learning_curated.CONTRACT.spark_schema,
    )
    assert_same_rows(_pairs(spark, steps, phones), expected)
    # The published rubric's pairing, on the instant alone, takes Bo's phone reading as well.
    on_instant_alone = step_trainer_trusted_rows(spark, steps).join(
        accelerometer_trusted_rows(spark, phones), F.col("sensor_reading_at") == F.col("reading_at")
    )
    assert on_instant_alone.count() == 3


def test_a_shared_serial_number_pairs_only_where_one_owner_recorded_and_is_left_out_where_several_did(spark):
    steps = [("S-SHARED", at(1), 230), ("S-SHARED", at(2), 260)]
    phones = [
        ("cy@test.com", at(1), 0.0, 1.0, -1.0),  # only Cy recorded at 1 s: it was Cy's step
        ("cy@test.com", at(2), 0.0, 1.0, -1.0),  # both recorded at 2 s: whose step cannot be known
        ("di@test.com", at(2), 1.0, 0.0, -1.0),
    ]
    expected = spark.createDataFrame(
        [("S-SHARED", at(1), 230, 0.0, 1.0, -1.0)], machine_learning_curated.CONTRACT.spark_schema
    )
    assert_same_rows(_pairs(spark, steps, phones), expected)
