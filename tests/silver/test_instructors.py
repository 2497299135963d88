from bronze.instructors_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import instructors
from tests.builders import INGESTED_AT, Cases, bronze_rows, quarantine_reasons, tagged
from tests.silver.reference_rows import assert_same_rows_by_line, location_rows


def _instructor(instructor_id="I0001", location_id="BKN", **fields):
    return {"instructor_id": instructor_id, "first_name": "Dennis", "last_name": "Boone", "location_id": location_id,
            "specialties": "spinning;HIIT", **fields}  # fmt: skip


def _flagged(spark, records):
    locations = location_rows(spark, {"BKN": "America/New_York", "CHI": "America/Chicago"})
    return instructors.transform(bronze_rows(spark, RAW, records), locations)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, instructor_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_specialties_become_class_type_codes_and_names_stay_in_bronze(spark):
    records = [_instructor(specialties="spinning; HIIT ;Indoor Cycling"), _instructor("I0002", " CHI ")]
    expected = spark.createDataFrame(
        [
            ("I0001", "BKN", ["spinning", "hiit", "indoor_cycling"], "test/2025-01-01/part-00000", 1, "batch-1"),
            ("I0002", "CHI", ["spinning", "hiit"], "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        instructors.CONTRACT.spark_schema,
    )
    assert_same_rows_by_line(valid_rows(_transform(spark, records), instructors.CONTRACT), expected)
    assert {"first_name", "last_name"} <= set(RAW.pii_columns)
    assert not {"first_name", "last_name"} & set(instructors.CONTRACT.column_names)


def test_the_latest_export_of_an_instructor_is_their_state(spark):
    records = [_instructor(location_id="CHI", _ingested_at=INGESTED_AT.replace(day=5)), _instructor(location_id="BKN")]
    flagged = _transform(spark, records)
    assert [r.location_id for r in valid_rows(flagged, instructors.CONTRACT).collect()] == ["CHI"]
    assert flagged.filter("_is_duplicate").count() == 1


def test_an_instructor_at_an_unknown_location_is_quarantined_as_an_orphan(spark):
    records = [
        {"_raw": "I0001,Dennis", "_parse_error": "expected 5 fields, got 2"},
        _instructor("I0002", "XYZ"),
        _instructor("I0003", None),
        _instructor(None),
        _instructor("I0005"),
    ]
    flagged = _transform(spark, records)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "foreign_key(location_id)",
        3: "not_null(location_id)",
        4: "not_null(instructor_id)",
    }
    assert [r.instructor_id for r in valid_rows(flagged, instructors.CONTRACT).collect()] == ["I0005"]
    assert flagged.count() == len(records)
