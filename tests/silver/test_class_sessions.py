from datetime import date, datetime

from bronze.class_schedule_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import class_sessions
from tests.builders import INGESTED_AT, Cases, assert_same_rows, bronze_rows, quarantine_reasons, tagged
from tests.silver.reference_rows import instructor_rows, location_rows


def _session(session_id="BKN-20250106-0600", start="2025-01-06 06:00:00", tz="America/New_York", **fields):
    return {"session_id": session_id, "location_id": "BKN", "class_type": "spinning", "instructor_id": "I0001",
            "start_time": start, "duration_minutes": "45", "capacity": "24", "site_timezone": tz, **fields}  # fmt: skip


def _flagged(spark, sessions):
    refs = location_rows(spark, {"BKN": "America/New_York", "LDN": "Europe/London"}), instructor_rows(spark, ["I0001"])
    return class_sessions.transform(bronze_rows(spark, RAW, sessions), *refs)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, session_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_the_local_start_becomes_a_utc_instant_with_the_sites_date_and_hour(spark):
    sessions = [
        _session(class_type=" HIIT ", duration_minutes=" 45 "),  # winter: New York is UTC-5
        # summer: London is UTC+1, so the UTC instant is on the day before
        _session("LDN-20250701-0030", "2025-07-01 00:30:00", "Europe/London", location_id="LDN", capacity="16"),
    ]
    expected = spark.createDataFrame(
        [
            ("BKN-20250106-0600", "BKN", "hiit", "I0001", datetime(2025, 1, 6, 11), date(2025, 1, 6), 6, 45, 24,
             "America/New_York", "test/2025-01-01/part-00000", 1, "batch-1"),
            ("LDN-20250701-0030", "LDN", "spinning", "I0001", datetime(2025, 6, 30, 23, 30), date(2025, 7, 1), 0, 45,
             16, "Europe/London", "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        class_sessions.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, sessions), class_sessions.CONTRACT), expected)


def test_a_session_exported_again_is_taken_in_its_latest_state(spark):
    flagged = _transform(
        spark, [_session(capacity="30", _ingested_at=INGESTED_AT.replace(day=3)), _session(capacity="24")]
    )
    assert [r.capacity for r in valid_rows(flagged, class_sessions.CONTRACT).collect()] == [30]
    assert flagged.filter("_is_duplicate").count() == 1


def test_each_broken_session_is_quarantined_with_the_rule_it_broke(spark):
    flagged = _transform(
        spark,
        [
            {"_raw": "BKN-20250106-0600,BKN", "_parse_error": "expected 8 fields, got 2"},
            _session("S2", instructor_id="I9999"),
            _session("S3", location_id="XYZ"),
            _session("S4", start="01/06/2025 06:00 AM"),
            _session("S5", capacity="0"),
            _session("S6", capacity="lots"),
            _session("S7", duration_minutes="5"),
            _session("S8", duration_minutes="600"),
            _session("S9", tz="Mars/Olympus_Mons"),
            _session("S10", instructor_id=None),
            _session("S11"),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "foreign_key(instructor_id)",
        3: "foreign_key(location_id)",
        4: "parseable(start_local_time)",
        5: "between(capacity,1,500)",
        6: "parseable(capacity)",
        7: "between(duration_minutes,10,240)",
        8: "between(duration_minutes,10,240)",
        9: "known_timezone",
        10: "not_null(instructor_id)",
    }
    assert [r.session_id for r in valid_rows(flagged, class_sessions.CONTRACT).collect()] == ["S11"]
    assert flagged.count() == 11
