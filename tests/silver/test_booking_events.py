from datetime import datetime

from bronze.attendance_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import booking_events
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
from tests.silver.reference_rows import session_rows

SESSION = "BKN-20250106-1830"


def _event(booking_id="BK1", status="booked", time="2025-01-06 08:14:37", tz="America/New_York", **fields):
    return {"booking_id": booking_id, "session_id": SESSION, "member_id": "M1", "instructor_id": "I0004",
            "class_type": "spinning", "status": status, "event_time": time, "site_timezone": tz, **fields}  # fmt: skip


def _flagged(spark, records):
    refs = member_pii_rows(spark, ["M1", "M2"]), session_rows(spark, [SESSION])
    return booking_events.transform(bronze_rows(spark, RAW, records), *refs)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, booking_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_events_get_utc_instants_normalised_statuses_and_the_members_pseudonym(spark):
    raw = [
        _event(),  # winter: New York is UTC-5
        _event(status=" No-Show ", time="2025-01-06 19:30:00", class_type="HIIT"),
        _event("BK2", "Late Cancel", member_id=" M2 "),
        _event("BK3", "WAITLIST", "2025-07-01 23:30:00", "America/Los_Angeles"),  # summer: UTC-7
    ]
    m1, m2 = member_key(spark, "M1"), member_key(spark, "M2")
    expected = spark.createDataFrame(
        [
            ("BK1", "booked", SESSION, m1, "I0004", "spinning", datetime(2025, 1, 6, 13, 14, 37), "America/New_York",
             "test/2025-01-01/part-00000", 1, "batch-1"),
            ("BK1", "no_show", SESSION, m1, "I0004", "hiit", datetime(2025, 1, 7, 0, 30), "America/New_York",
             "test/2025-01-01/part-00000", 2, "batch-1"),
            ("BK2", "late_cancel", SESSION, m2, "I0004", "spinning", datetime(2025, 1, 6, 13, 14, 37),
             "America/New_York", "test/2025-01-01/part-00000", 3, "batch-1"),
            ("BK3", "waitlist", SESSION, m1, "I0004", "spinning", datetime(2025, 7, 2, 6, 30), "America/Los_Angeles",
             "test/2025-01-01/part-00000", 4, "batch-1"),
        ],
        booking_events.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, raw), booking_events.CONTRACT), expected)


def test_the_first_delivery_of_a_booking_event_wins(spark):
    raw = [
        _event(instructor_id="I0009", _ingested_at=INGESTED_AT.replace(day=3)),
        _event(),
        _event(status="attended"),  # another event of the same booking, not a copy
        _event(_line_number=9),  # re-sent at the end of the file
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, booking_events.CONTRACT).collect()
    assert sorted((r.status, r.instructor_id, r._line_number) for r in kept) == [
        ("attended", "I0004", 3),
        ("booked", "I0004", 2),
    ]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_booking_event_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
        {"_raw": '{"booking_id":"BK1","sess', "_parse_error": "malformed JSON: not a JSON object"},
        _event("BK2", member_id=None),
        _event("BK3", member_id="M999999"),
        _event("BK4", session_id="BKN-20250106-0300"),
        _event("BK5", time="01/06/2025 08:14 AM"),
        _event("BK6", status="cancelled"),
        _event("BK7", tz="Mars/Olympus_Mons"),
        _event("BK8", session_id=None),
        _event("BK9"),
    ]
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(member_id)",
        3: "foreign_key(member_id)",
        4: "foreign_key(session_id)",
        5: "parseable(event_local_time)",
        6: "in_set(status)",
        7: "known_timezone",
        8: "not_null(session_id)",
    }
    assert [r.booking_id for r in valid_rows(flagged, booking_events.CONTRACT).collect()] == ["BK9"]
    assert flagged.count() == len(raw)
