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


@pytest.mark.reliability(
    input="a MapMyRun export from another app version: `Calories Burned (kcal)` for `Calories Burned (kCal)`",
    expected="calories read from the spelling the file has, not left NULL on every row",
    observed="to_bronze fills calories_burned_kcal from the alias the contract declares; nothing is rescued",
)
def test_a_field_is_read_from_whichever_spelling_the_file_has(spark):
    from bronze import workouts_raw

    lower = {"Calories Burned (kcal)": "574", "Workout Date": "Jan. 30, 2021"}
    upper = {"Calories Burned (kCal)": "623", "Workout Date": "Jan. 31, 2021"}
    lines = spark.createDataFrame(
        [("w/2025-01-01/a.csv", 2, "574,...", lower, None), ("w/2025-01-01/b.csv", 2, "623,...", upper, None)], LINES
    )
    bronze = to_bronze(lines, workouts_raw.CONTRACT, "run-1", AT, SECRETS)
    rows = opened(bronze, ["_raw", "_rescued_data"]).collect()
    assert {r._source_file: (r.calories_burned_kcal, r._rescued_data) for r in rows} == {
        "w/2025-01-01/a.csv": ("574", None),
        "w/2025-01-01/b.csv": ("623", None),
    }


def test_a_required_field_the_line_lacks_under_every_spelling_is_listed_an_empty_one_is_not(spark):
    contract = checkins_raw.CONTRACT
    everything = {f: "x" for f in contract.required}
    lines = spark.createDataFrame(
        [
            ("c.csv", 2, "...", everything, None),
            ("c.csv", 3, "...", {**everything, "member_id": None}, None),  # an empty value: the column is there
            ("d.csv", 2, "...", {f: v for f, v in everything.items() if f not in ("member_id", "site_timezone")}, None),
            ("d.csv", 3, "x,", None, "expected 6 fields, got 2"),  # no fields at all: malformed, not missing
        ],
        LINES,
    )
    bronze = to_bronze(lines, contract, "run-1", AT)
    missing = {(r._source_file, r._line_number): r._missing_fields for r in bronze.collect()}
    assert missing == {
        ("c.csv", 2): None,
        ("c.csv", 3): None,
        ("d.csv", 2): ["member_id", "site_timezone"],
        ("d.csv", 3): None,
    }


def test_aliases_and_required_fields_must_be_declared_fields():
    from bronze._raw import raw_contract

    with pytest.raises(ValueError, match="required fields"):
        raw_contract("bronze.t", "t", {"a": "A"}, required=("b",))
    with pytest.raises(ValueError, match=r"aliases .* name a declared field"):
        raw_contract("bronze.t", "t", {"a": "A", "b": "B"}, aliases={"a": ("b",)})
    contract = raw_contract("bronze.t", "t", {"a (x)": "A"}, aliases={"a (x)": ("a (X)",)}, required=("a (x)",))
    assert contract.spellings("a (x)") == ("a (x)", "a (X)")
    assert contract.columns[0].comment == "A (required; also read from 'a (X)')"  # shown in the data dictionary
