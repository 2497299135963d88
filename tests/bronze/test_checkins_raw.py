from datetime import UTC, date, datetime

from pyspark.sql import types as T

from bronze import checkins_raw
from fitlake.landing import LINES_SCHEMA

LINES = T.StructType([T.StructField("_source_file", T.StringType(), False), *LINES_SCHEMA.elementType.fields])
AT = datetime(2025, 1, 2, 6, 30, tzinfo=UTC)


def test_fields_spread_into_columns_and_every_line_is_kept_with_its_lineage(spark):
    lines = spark.createDataFrame(
        [
            ("checkins/2025-01-01/part-00000.json", 1, '{"checkin_id":"CK1"}',
             {"checkin_id": "CK1", "member_id": "M1", "kiosk": "7"}, None),
            ("checkins/2025-01-01/part-00000.json", 2, '{"checkin_id":', None, "malformed JSON: x at column 14"),
        ],
        LINES,
    )  # fmt: skip
    bronze = checkins_raw.transform(lines, "run-7", AT)
    assert bronze.columns == checkins_raw.CONTRACT.column_names
    good, bad = sorted(bronze.collect(), key=lambda r: r._line_number)

    assert (good.checkin_id, good.member_id, good.location_id) == ("CK1", "M1", None)
    assert good._rescued_data == '{"kiosk":"7"}'  # an undeclared field is kept, not dropped
    assert (good._batch_id, good._ingest_date, good._parse_error) == ("run-7", date(2025, 1, 2), None)
    assert good._ingested_at == AT.replace(tzinfo=None)

    assert bad.checkin_id is None and bad._rescued_data is None
    assert (bad._raw, bad._parse_error) == ('{"checkin_id":', "malformed JSON: x at column 14")
