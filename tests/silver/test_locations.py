from bronze.locations_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import locations
from tests.builders import INGESTED_AT, Cases, bronze_rows, quarantine_reasons, tagged
from tests.silver.reference_rows import assert_same_rows_by_line


def _location(location_id="BKN", tz="America/New_York", **fields):
    return {"location_id": location_id, "name": "Brooklyn Heights", "city": "New York", "timezone": tz,
            "facilities": "sauna;pool;steam_room", **fields}  # fmt: skip


def _flagged(spark, records):
    return locations.transform(bronze_rows(spark, RAW, records))


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, location_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_fields_are_trimmed_and_facilities_become_a_list_of_codes(spark):
    records = [
        _location(name=" Brooklyn Heights ", facilities=" Sauna ; pool;;Steam Room "),
        _location("DEN", "America/Denver", name="Denver Highlands", city="Denver", facilities=None),
    ]
    expected = spark.createDataFrame(
        [
            ("BKN", "Brooklyn Heights", "New York", "America/New_York", ["sauna", "pool", "steam_room"],
             "test/2025-01-01/part-00000", 1, "batch-1"),
            ("DEN", "Denver Highlands", "Denver", "America/Denver", [], "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        locations.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows_by_line(valid_rows(_transform(spark, records), locations.CONTRACT), expected)


def test_the_latest_export_of_a_location_is_its_state(spark):
    later = INGESTED_AT.replace(day=9)
    records = [
            _location(name="Old name", _source_file="locations/2025-01-01/part-00000.csv"),
            _location(name="New name", _source_file="locations/2025-01-08/part-00000.csv", _ingested_at=later),
            _location(name="Earlier file, same run", _source_file="locations/2025-01-07/part-00000.csv",
                      _ingested_at=later),
        ]  # fmt: skip
    flagged = _transform(spark, records)
    assert [r.name for r in valid_rows(flagged, locations.CONTRACT).collect()] == ["New name"]
    assert flagged.filter("_is_duplicate").count() == 2


def test_a_location_without_a_known_time_zone_is_quarantined(spark):
    records = [
        {"_raw": "BKN,Brooklyn", "_parse_error": "expected 5 fields, got 2"},
        _location("CHI", tz="Mars/Olympus_Mons"),
        _location("SFO", tz=None),
        _location(None),
        _location("LDN", tz=" Europe/London "),
    ]
    flagged = _transform(spark, records)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "known_timezone",
        3: "not_null(timezone)",
        4: "not_null(location_id)",
    }
    assert [r.timezone for r in valid_rows(flagged, locations.CONTRACT).collect()] == ["Europe/London"]
    assert flagged.count() == len(records)
