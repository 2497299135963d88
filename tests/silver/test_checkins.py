from datetime import UTC, date, datetime

from bronze.checkins_raw import CONTRACT as RAW
from fitlake.quality import quarantined_rows, valid_rows
from silver import checkins
from tests.builders import (
    INGESTED_AT,
    Cases,
    assert_same_rows,
    bronze_rows,
    member_key,
    member_pii_rows,
    quarantine_reasons,
    tagged,
)


def _flagged(spark, records):
    return checkins.transform(bronze_rows(spark, RAW, records), member_pii_rows(spark, ["M1", "M2"]))


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, checkin_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def _checkin(checkin_id, time="2025-01-06 06:14:33", tz="America/New_York", **fields):
    return {"checkin_id": checkin_id, "member_id": "M1", "location_id": "BKN", "checkin_time": time,
            "site_timezone": tz, "channel": "front_desk", **fields}  # fmt: skip


def test_local_times_become_utc_instants_with_the_sites_local_date_and_hour(spark):
    raw = [
        _checkin("CK1"),  # winter: New York is UTC-5
        _checkin("CK2", "2025-07-01 23:30:00", "America/Los_Angeles", channel=" APP ", member_id=" M2 "),
    ]
    expected = spark.createDataFrame(
        [
            ("CK1", member_key(spark, "M1"), "BKN", datetime(2025, 1, 6, 11, 14, 33), date(2025, 1, 6), 6,
             "America/New_York", "front_desk", "test/2025-01-01/part-00000", 1, "batch-1"),
            # summer: Los Angeles is UTC-7, so the UTC instant falls on the next day, the local date does not
            ("CK2", member_key(spark, "M2"), "BKN", datetime(2025, 7, 2, 6, 30), date(2025, 7, 1), 23,
             "America/Los_Angeles", "app", "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        checkins.CONTRACT.spark_schema,
    )  # fmt: skip
    actual = valid_rows(_transform(spark, raw), checkins.CONTRACT)
    assert_same_rows(actual, expected)


def test_the_first_delivery_of_a_checkin_wins(spark):
    later = INGESTED_AT.replace(day=3)
    raw = [
        _checkin("CK1", channel="app", _ingested_at=later, _source_file="b.json"),
        _checkin("CK1", _source_file="a.json"),
        _checkin("CK1", _source_file="a.json", _line_number=9),  # re-sent within the same file
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, checkins.CONTRACT).collect()
    assert [(r.checkin_id, r.channel, r._source_file, r._line_number) for r in kept] == [
        ("CK1", "front_desk", "a.json", 2)
    ]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_record_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
        {"_raw": '{"checkin_id":"CK', "_parse_error": "malformed JSON: Unterminated string at column 15"},
        _checkin("CK2", member_id=None),
        _checkin("CK3", time="01/06/2025 06:14 AM"),
        _checkin("CK4", tz="Mars/Olympus_Mons"),
        _checkin("CK5", channel="kiosk"),
        _checkin("CK6", member_id="  "),
        _checkin("CK7"),
        _checkin("CK8", member_id="M404"),  # no such member
    ]
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(member_id)",
        3: "parseable(checkin_local_time)",
        4: "known_timezone",
        5: "in_set(channel)",
        6: "not_null(member_id)",  # blank is missing
        8: "foreign_key(member_id)",
    }
    assert [r.checkin_id for r in valid_rows(flagged, checkins.CONTRACT).collect()] == ["CK7"]
    assert flagged.count() == len(raw)  # every Bronze row is kept, flagged or not


def test_a_quarantined_row_does_not_count_as_the_first_delivery(spark):
    raw = [_checkin("CK1", tz="Nowhere/Land"), _checkin("CK1", _line_number=2)]
    flagged = _transform(spark, raw)
    assert [r._line_number for r in valid_rows(flagged, checkins.CONTRACT).collect()] == [2]
    assert flagged.filter("_is_duplicate").count() == 0


def test_quarantined_rows_keep_their_source_line(spark):
    raw = [_checkin("CK1", member_id=None, _raw='{"member_id":null}')]
    (q,) = quarantined_rows(_transform(spark, raw), datetime(2025, 1, 2, tzinfo=UTC)).collect()
    assert (q._raw, q._source_file, q._line_number, q._batch_id) == (
        '{"member_id":null}',
        "test/2025-01-01/part-00000",
        1,
        "batch-1",
    )
