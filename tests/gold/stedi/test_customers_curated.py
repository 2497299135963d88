from gold.stedi import customers_curated
from tests.builders import assert_same_rows
from tests.stedi_builders import T0, accelerometer_trusted_rows, at, customer_trusted_rows, key


def test_curated_customers_are_the_trusted_ones_with_accelerometer_readings(spark):
    customers = customer_trusted_rows(spark, [("ada@test.com", "S1"), ("idle@test.com", "S2")])
    phones = accelerometer_trusted_rows(
        spark, [("ada@test.com", at(1), 0.0, 1.0, -1.0), ("ada@test.com", at(1), 1.0, 1.0, -1.0)]
    )
    expected = spark.createDataFrame(
        [(key("ada@test.com"), "S1", T0, T0, None, None, 2)], customers_curated.CONTRACT.spark_schema
    )
    assert_same_rows(customers_curated.transform(customers, phones), expected)
    assert "email" not in customers_curated.CONTRACT.column_names
