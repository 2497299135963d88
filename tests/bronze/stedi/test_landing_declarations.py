"""Each STEDI source declares every field it exports (nothing lands in `_rescued_data`), and the personal
ones are stored encrypted along with the raw line."""

import json
from datetime import UTC, datetime

import pytest
from pyspark.sql import types as T

from bronze.stedi import accelerometer_landing, customer_landing, step_trainer_landing
from fitlake.bronze_rows import to_bronze
from fitlake.landing import LINES_SCHEMA
from tests.builders import SECRETS, opened
from tests.stedi_builders import T0, customer, millis

LINES = T.StructType([T.StructField("_source_file", T.StringType(), False), *LINES_SCHEMA.elementType.fields])
RECORDS = {
    customer_landing: customer("Ada.Example@test.com", "S-1"),
    accelerometer_landing: {"user": "Ada@test.com", "timestamp": millis(T0), "x": "1.0", "y": "0.0", "z": "-1.0"},
    step_trainer_landing: {"sensorReadingTime": millis(T0), "serialNumber": "S-1", "distanceFromObject": "218"},
}
PERSONAL = {customer_landing: {"customerName", "email", "phone", "birthDay"}, accelerometer_landing: {"user"}}


@pytest.mark.parametrize("module", list(RECORDS), ids=lambda m: m.CONTRACT.name)
def test_every_exported_field_is_declared_and_personal_data_is_encrypted(spark, module):
    record = RECORDS[module]
    raw = json.dumps(record)
    lines = spark.createDataFrame([(f"{module.SOURCE.folder}/landing/x.json", 1, raw, record, None)], LINES)
    bronze = to_bronze(lines, module.CONTRACT, "run-1", datetime(2025, 1, 1, tzinfo=UTC), SECRETS)
    personal = PERSONAL.get(module, set())
    assert set(module.CONTRACT.pii_columns) == personal | ({"_raw", "_rescued_data"} if personal else set())
    sealed = sorted(personal | {"_raw"}) if personal else []
    (stored,) = opened(bronze, sealed).collect()
    assert stored._rescued_data is None
    assert all(stored[f] == record[f] for f in record) and stored._raw == raw  # personal ones once decrypted
    assert not any(stored[f"{c}_shows_clear"] for c in sealed)
