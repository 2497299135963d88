from datetime import datetime

from bronze.app_events_raw import CONTRACT as RAW
from data_gen.digital import APP_EVENTS as GENERATED_EVENT_TYPES
from fitlake.quality import valid_rows
from silver import app_events
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


def _event(event_id, time="2025-01-06T11:14:33Z", **fields):
    return {"event_id": event_id, "member_id": "M1", "event_type": "app_open", "event_time": time,
            "platform": "ios", "app_version": "5.1.0", **fields}  # fmt: skip


def _flagged(spark, records):
    return app_events.transform(bronze_rows(spark, RAW, records), member_pii_rows(spark, ["M1", "M2"]))


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, event_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_events_get_the_members_pseudonym_and_their_utc_instant(spark):
    raw = [
        _event("EV1"),
        _event("EV2", " 2025-07-01T21:30:00Z ", member_id=" M2 ", event_type=" Class_Booking ", platform="Android"),
    ]
    expected = spark.createDataFrame(
        [
            ("EV1", member_key(spark, "M1"), "app_open", datetime(2025, 1, 6, 11, 14, 33), "ios", "5.1.0",
             "test/2025-01-01/part-00000", 1, "batch-1"),
            ("EV2", member_key(spark, "M2"), "class_booking", datetime(2025, 7, 1, 21, 30), "android", "5.1.0",
             "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        app_events.CONTRACT.spark_schema,
    )  # fmt: skip
    actual = valid_rows(_transform(spark, raw), app_events.CONTRACT)
    assert_same_rows(actual, expected)


def test_the_first_delivery_of_an_event_wins(spark):
    later = INGESTED_AT.replace(day=3)
    raw = [
        _event("EV1", platform="android", _ingested_at=later, _source_file="b.json"),
        _event("EV1", _source_file="a.json"),
        _event("EV1", _source_file="a.json", _line_number=9),  # re-sent at the end of the same file
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, app_events.CONTRACT).collect()
    assert [(r.platform, r._source_file, r._line_number) for r in kept] == [("ios", "a.json", 2)]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_event_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
        {"_raw": '{"event_id":"EV1","member', "_parse_error": "malformed JSON: not a JSON object"},
        _event("EV2", member_id=None),
        _event("EV3", member_id="M999999"),
        _event("EV4", time="01/06/2025 11:14:33"),
        _event("EV5", event_type="screen_shake"),
        _event("EV6", platform="windows"),
        _event("EV7"),
    ]
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",  # a cut-off line, or the last line of a truncated file
        2: "not_null(member_id)",
        3: "foreign_key(member_id)",
        4: "parseable(event_at)",  # another system's ambiguous format is not guessed
        5: "in_set(event_type)",
        6: "in_set(platform)",
    }
    assert [r.event_id for r in valid_rows(flagged, app_events.CONTRACT).collect()] == ["EV7"]
    assert flagged.count() == len(raw)


def test_every_event_type_the_app_logs_is_declared():
    assert set(app_events.EVENT_TYPES) == set(GENERATED_EVENT_TYPES)
