from datetime import date, datetime

from bronze.facility_usage_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import facility_visits
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


def _visit(usage_id, entered_at="2025-01-06 07:17:16", location_id="BKN", **fields):
    return {"usage_id": usage_id, "member_id": "M1", "location_id": location_id, "facility": "sauna",
            "entered_at": entered_at, "duration_minutes": "13", **fields}  # fmt: skip


def _flagged(spark, visits):
    return facility_visits.transform(
        bronze_rows(spark, RAW, visits), member_pii_rows(spark, ["M1"]), location_rows(spark)
    )


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, usage_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_local_times_become_utc_instants_with_the_zone_of_the_site(spark):
    visits = [
        _visit("FU1"),  # winter: New York is UTC-5
        _visit("FU2", "2025-07-01 23:30:00", "LDN", facility=" Pool ", duration_minutes=" 35 "),  # London, UTC+1
        _visit("FU3", "2025-03-30 00:30:00", "LDN", facility="sauna"),  # before London's clocks go forward
    ]
    m1, f = member_key(spark, "M1"), "test/2025-01-01/part-00000"
    expected = spark.createDataFrame(
        [
            ("FU1", m1, "BKN", "sauna", datetime(2025, 1, 6, 12, 17, 16), date(2025, 1, 6), 13, f, 1, "batch-1"),
            ("FU2", m1, "LDN", "pool", datetime(2025, 7, 1, 22, 30), date(2025, 7, 1), 35, f, 2, "batch-1"),
            ("FU3", m1, "LDN", "sauna", datetime(2025, 3, 30, 0, 30), date(2025, 3, 30), 13, f, 3, "batch-1"),
        ],
        facility_visits.CONTRACT.spark_schema,
    )
    assert_same_rows(valid_rows(_transform(spark, visits), facility_visits.CONTRACT), expected)


def test_the_first_delivery_of_a_visit_wins(spark):
    flagged = _transform(
        spark,
        [
            _visit("FU1", duration_minutes="20", _ingested_at=INGESTED_AT.replace(day=3), _source_file="b.csv"),
            _visit("FU1", _source_file="a.csv"),
            _visit("FU1", _source_file="a.csv", _line_number=9),  # re-sent at the end of the file
        ],
    )
    kept = valid_rows(flagged, facility_visits.CONTRACT).collect()
    assert [(r.duration_minutes, r._source_file, r._line_number) for r in kept] == [(13, "a.csv", 2)]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_visit_is_quarantined_with_the_rule_it_broke(spark):
    flagged = _transform(
        spark,
        [
            {"_raw": "FU1,M1,BKN,sa", "_parse_error": "expected 6 fields, got 4"},  # the export died mid-line
            _visit("FU2", member_id=None),
            _visit("FU3", member_id="M945981"),
            _visit("FU4", "01/06/2025 07:17 AM"),
            _visit("FU5", location_id="XYZ"),
            _visit("FU6", location_id="SFO", facility="pool"),  # San Francisco has no pool
            _visit("FU7", facility="cryo_chamber"),
            _visit("FU8", duration_minutes="0"),
            _visit("FU9", duration_minutes="13.5"),
            _visit("FU10"),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(member_id)",
        3: "foreign_key(member_id)",
        4: "parseable(entered_local_time)",
        5: "foreign_key(location_id)",
        6: "facility_offered_at_site",
        7: "facility_offered_at_site",  # a room no site has is not offered at this one either
        8: "between(duration_minutes,1,1440)",
        9: "parseable(duration_minutes)",
    }
    assert [r.usage_id for r in valid_rows(flagged, facility_visits.CONTRACT).collect()] == ["FU10"]
    assert flagged.count() == 10
