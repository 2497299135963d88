from datetime import date, datetime
from decimal import Decimal

from bronze.equipment_sessions_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import equipment_sessions
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
from tests.silver.sites import location_rows


def _session(session_id, started_at="2025-01-06T12:02:55Z", machine_id="BKN-CHP-04", **fields):
    return {"session_id": session_id, "member_id": "M1", "machine_id": machine_id, "machine_type": "chest_press",
            "started_at": started_at, "duration_seconds": "510", "reps": "36", "distance_m": "0", "kcal": "20.0",
            **fields}  # fmt: skip


def _flagged(spark, sessions):
    raw = bronze_rows(spark, RAW, sessions)
    return equipment_sessions.transform(raw, member_pii_rows(spark, ["M1"]), location_rows(spark))


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, session_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_sessions_keep_their_utc_instant_and_get_the_site_of_the_machine(spark):
    sessions = [
        _session("EQ1"),
        # 03:30 UTC is still the evening before in San Francisco
        _session("EQ2", "2025-07-02T03:30:00Z", "SFO-TRD-02", machine_type="Treadmill", duration_seconds="1500",
                 reps="0", distance_m="3900", kcal="251.3"),
    ]  # fmt: skip
    m1, f = member_key(spark, "M1"), "test/2025-01-01/part-00000"
    expected = spark.createDataFrame(
        [
            ("EQ1", m1, "BKN-CHP-04", "chest_press", "BKN", datetime(2025, 1, 6, 12, 2, 55), date(2025, 1, 6), 510,
             36, 0, Decimal("20.0"), f, 1, "batch-1"),
            ("EQ2", m1, "SFO-TRD-02", "treadmill", "SFO", datetime(2025, 7, 2, 3, 30), date(2025, 7, 1), 1500,
             0, 3900, Decimal("251.3"), f, 2, "batch-1"),
        ],
        equipment_sessions.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, sessions), equipment_sessions.CONTRACT), expected)


def test_the_first_delivery_of_a_session_wins(spark):
    flagged = _transform(
        spark,
        [
            _session("EQ1", reps="40", _ingested_at=INGESTED_AT.replace(day=3), _source_file="b.json"),
            _session("EQ1", _source_file="a.json"),
            _session("EQ1", _source_file="a.json", _line_number=9),  # re-sent at the end of the file
        ],
    )
    kept = valid_rows(flagged, equipment_sessions.CONTRACT).collect()
    assert [(r.reps, r._source_file, r._line_number) for r in kept] == [(36, "a.json", 2)]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_session_is_quarantined_with_the_rule_it_broke(spark):
    flagged = _transform(
        spark,
        [
            {"_raw": '{"session_id":"EQ1","member_', "_parse_error": "malformed JSON: not a JSON object"},
            _session("EQ2", machine_id=None),
            _session("EQ3", member_id="M973816"),
            _session("EQ4", "01/06/2025 12:02"),  # a console's day-first local-looking time
            _session("EQ5", "2025-01-06 12:02:55"),  # no zone: not known to be UTC
            _session("EQ6", machine_id="XYZ-CHP-04"),
            _session("EQ7", machine_type="trampoline"),
            _session("EQ8", duration_seconds="0"),
            _session("EQ9", reps="-3"),
            _session("EQ10", distance_m="50000"),
            _session("EQ11", kcal="lots"),
            _session("EQ12", member_id=None),
            _session("EQ13"),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(machine_id)",
        3: "foreign_key(member_id)",
        4: "parseable(started_at)",
        5: "parseable(started_at)",
        6: "foreign_key(location_id)",
        7: "in_set(machine_type)",
        8: "between(duration_seconds,1,14400)",
        9: "between(reps,0,2000)",
        10: "between(distance_m,0,42195)",
        11: "parseable(kcal)",
        12: "not_null(member_id)",
    }
    assert [r.session_id for r in valid_rows(flagged, equipment_sessions.CONTRACT).collect()] == ["EQ13"]
    assert flagged.count() == 13
