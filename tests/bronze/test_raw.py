"""Bronze ingestion shape: every source field declared, lineage on every line, PII encrypted."""

from datetime import UTC, date, datetime

import pytest
from pyspark.sql import types as T

from bronze import checkins_raw, members_raw
from bronze._raw import column_name, source_fields
from fitlake.bronze_rows import to_bronze
from fitlake.landing import LINES_SCHEMA
from fitlake.registry import table_modules
from tests.builders import SECRETS, opened

LINES = T.StructType([T.StructField("_source_file", T.StringType(), False), *LINES_SCHEMA.elementType.fields])
AT = datetime(2025, 1, 2, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def generated_headers(tmp_path_factory) -> dict[str, set[str]]:
    """The fields each source's files carry, from a tiny generated data set."""
    import csv
    import json

    from data_gen.generate import generate

    out = tmp_path_factory.mktemp("tiny")
    generate(out, "tiny", seed=1, days=2)
    fields: dict[str, set[str]] = {}
    for path in sorted((out / "landing").glob("*/*/*")):
        source = path.parts[-3]
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        if path.suffix == ".csv":
            found = set(next(csv.reader(lines[:1])))
        else:
            found = set()
            for line in lines:
                try:
                    found |= set(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a malformed line is a defect, not a schema
        fields.setdefault(source, set()).update(found)
    return fields


def test_every_field_a_source_exports_is_declared_so_nothing_is_rescued(generated_headers):
    declared = {m.module.SOURCE.folder: set(source_fields(m.contract).values()) for m in table_modules("bronze")}
    assert set(generated_headers) <= set(declared), "a generated source has no Bronze table"
    for source, fields in generated_headers.items():
        assert fields <= declared[source], f"{source}: undeclared {sorted(fields - declared[source])}"


def test_fields_spread_into_columns_and_every_line_is_kept_with_its_lineage(spark):
    lines = spark.createDataFrame(
        [
            ("checkins/2025-01-01/part-00000.json", 1, '{"checkin_id":"CK1"}',
             {"checkin_id": "CK1", "member_id": "M1", "kiosk": "7"}, None),
            ("checkins/2025-01-01/part-00000.json", 2, '{"checkin_id":', None, "malformed JSON: x at column 14"),
        ],
        LINES,
    )  # fmt: skip
    bronze = to_bronze(lines, checkins_raw.CONTRACT, "run-7", AT)
    assert bronze.columns == checkins_raw.CONTRACT.column_names
    good, bad = sorted(bronze.collect(), key=lambda r: r._line_number)

    assert (good.checkin_id, good.member_id, good.location_id) == ("CK1", "M1", None)
    assert good._rescued_data == '{"kiosk":"7"}'  # an undeclared field is kept, not dropped
    assert (good._batch_id, good._ingest_date, good._parse_error) == ("run-7", date(2025, 1, 2), None)
    assert good._ingested_at == AT.replace(tzinfo=None)

    assert bad.checkin_id is None and bad._rescued_data is None
    assert (bad._raw, bad._parse_error) == ('{"checkin_id":', "malformed JSON: x at column 14")


def test_pii_fields_the_raw_line_and_rescued_fields_are_stored_encrypted(spark):
    record = {"member_id": "M1", "email": "jane@example.com", "plan": "plus", "nickname": "JJ"}
    raw = "M1,jane@example.com,plus,JJ"
    lines = spark.createDataFrame([("members/2025-01-01/part-00000.csv", 2, raw, record, None)], LINES)
    bronze = to_bronze(lines, members_raw.CONTRACT, "run-1", AT, SECRETS)
    sealed = ["email", "_raw", "_rescued_data"]
    (row,) = opened(bronze, sealed).collect()
    assert (row.member_id, row.plan) == ("M1", "plus")  # not personal data: in the clear
    assert not any(row[f"{c}_shows_clear"] for c in sealed)
    assert (row.email, row._raw, row._rescued_data) == ("jane@example.com", raw, '{"nickname":"JJ"}')


def test_a_source_with_personal_data_cannot_be_ingested_without_the_key(spark):
    lines = spark.createDataFrame([("m.csv", 2, "x", {"email": "a@b.co"}, None)], LINES)
    with pytest.raises(ValueError, match="needs the secrets"):
        to_bronze(lines, members_raw.CONTRACT, "run-1", AT)


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("member_id", "member_id"),
        ("HeartRate", "HeartRate"),  # Fitbit's and STEDI's names are valid column names: kept as exported
        ("Calories Burned (kCal)", "calories_burned_kcal"),  # Delta refuses spaces and parentheses
        ("Avg Pace (min/mi)", "avg_pace_min_mi"),
        ("Date Submitted", "date_submitted"),
    ],
)
def test_a_column_is_named_as_its_field_unless_delta_refuses_the_name(field, column):
    assert column_name(field) == column


def test_a_field_is_read_under_its_exported_name_into_its_snake_case_column(spark):
    from bronze import workouts_raw

    record = {"member_id": "M1", "Calories Burned (kCal)": "771", "Avg Pace (min/mi)": "8.86", "Shoe": "x"}
    lines = spark.createDataFrame([("workouts/2025-01-01/part-00000.csv", 2, "M1,...", record, None)], LINES)
    bronze = to_bronze(lines, workouts_raw.CONTRACT, "run-1", AT, SECRETS)
    (row,) = opened(bronze, ["_raw", "_rescued_data"]).collect()
    assert (row.member_id, row.calories_burned_kcal, row.avg_pace_min_mi) == ("M1", "771", "8.86")
    assert "Calories Burned (kCal)" not in bronze.columns
    assert row._rescued_data == '{"Shoe":"x"}'  # only the undeclared field, under its exported name
