from datetime import UTC, datetime

from bronze import members_raw
from tests.bronze.test_checkins_raw import LINES


def test_every_exported_column_is_declared_so_nothing_is_rescued(spark):
    header = ["member_id", "first_name", "last_name", "email", "phone", "home_location_id", "plan",
              "billing_period", "monthly_fee", "join_date", "status", "cancel_date", "exported_at"]  # fmt: skip
    record = dict.fromkeys(header, "x")
    lines = spark.createDataFrame([("members/2025-01-01/part-00000.csv", 2, "x,...", record, None)], LINES)
    (row,) = members_raw.transform(lines, "run-1", datetime(2025, 1, 1, tzinfo=UTC)).collect()
    assert row._rescued_data is None
    assert [row[c] for c in header] == ["x"] * len(header)
