from datetime import date, datetime

from pyspark.sql import functions as F

from bronze.cancellations_raw import CONTRACT as RAW
from fitlake.privacy import contact_details_in, pseudonym
from fitlake.quality import valid_rows
from silver import cancellations
from tests.builders import (
    INGESTED_AT,
    SECRETS,
    Cases,
    assert_same_rows,
    bronze_rows,
    member_key,
    member_pii_rows,
    quarantine_reasons,
    tagged,
)
from tests.silver.reference_rows import location_rows


def _cancellation(member_id="M1", at="2025-01-09 10:15:31", **fields):
    return {"cancellation_id": f"CX{member_id}", "member_id": member_id, "location_id": "CHI", "requested_at": at,
            "effective_date": "2025-01-18", "reason": "moving", "notes": "Relocating for work", **fields}  # fmt: skip


def _flagged(spark, records):
    refs = member_pii_rows(spark, ["M1", "M2", "M3"]), location_rows(spark, {"CHI": "America/Chicago"})
    return cancellations.transform(bronze_rows(spark, RAW, records), *refs, secrets=SECRETS)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, cancellation_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def _key(spark, cancellation_id):
    return spark.range(1).select(pseudonym(F.lit(cancellation_id), SECRETS.pseudonym_salt)).first()[0]


def test_requests_get_utc_instants_from_the_home_sites_zone_and_normalised_reasons(spark):
    raw = [
        _cancellation(),  # winter: Chicago is UTC-6
        _cancellation("M2", "2025-06-30 20:00:00", reason=" Switching Gym ", notes=None,
                      effective_date="2025-07-31"),
    ]  # fmt: skip
    expected = spark.createDataFrame(
        [
            (_key(spark, "CXM1"), member_key(spark, "M1"), "CHI", datetime(2025, 1, 9, 16, 15, 31), date(2025, 1, 9),
             date(2025, 1, 18), "moving", "Relocating for work", False, "test/2025-01-01/part-00000", 1, "batch-1"),
            # summer: UTC-5, so the UTC instant is on the next day, the local date is not
            (_key(spark, "CXM2"), member_key(spark, "M2"), "CHI", datetime(2025, 7, 1, 1), date(2025, 6, 30),
             date(2025, 7, 31), "switching_gym", None, False, "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        cancellations.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, raw), cancellations.CONTRACT), expected)


def test_contact_details_in_a_note_are_redacted_and_flagged(spark):
    raw = [
        _cancellation(notes="Budget cuts at home my email is jane.doe46@gmail.com"),
        _cancellation("M2", notes="No time with the new baby call me on (775) 608-9285"),
        _cancellation("M3", notes="contact: 466-214-5828"),
    ]
    kept = valid_rows(_transform(spark, raw), cancellations.CONTRACT).orderBy("_line_number").collect()
    assert [(r.note, r.note_redacted) for r in kept] == [
        ("Budget cuts at home my email is [redacted]", True),
        ("No time with the new baby call me on [redacted]", True),
        ("contact: [redacted]", True),
    ]
    assert not [v for r in kept for v in r if isinstance(v, str) and contact_details_in(v)]


def test_the_studios_cancellation_number_is_pseudonymised_it_holds_the_member_number(spark):
    raw = [_cancellation()]
    (row,) = valid_rows(_transform(spark, raw), cancellations.CONTRACT).collect()
    assert row.cancellation_key == _key(spark, "CXM1")
    assert not [v for v in row if isinstance(v, str) and "M1" in v]
    assert "cancellation_id" not in cancellations.CONTRACT.column_names
    assert "notes" in RAW.pii_columns


def test_the_first_delivery_of_a_cancellation_wins(spark):
    raw = [_cancellation(reason="cost", _ingested_at=INGESTED_AT.replace(day=5)), _cancellation()]
    flagged = _transform(spark, raw)
    assert [r.reason for r in valid_rows(flagged, cancellations.CONTRACT).collect()] == ["moving"]
    assert flagged.filter("_is_duplicate").count() == 1


def test_each_broken_cancellation_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
        {"_raw": "CXM1,M1", "_parse_error": "expected 7 fields, got 2"},
        _cancellation(None),
        _cancellation("M999999"),
        _cancellation("M1", location_id="XYZ"),
        _cancellation("M2", "01/09/2025 10:15 AM"),
        _cancellation("M3", reason="too far"),
        _cancellation("M1", effective_date="2025-01-01"),
        _cancellation("M2", effective_date="18/01/2025"),
        _cancellation("M3"),
    ]
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(member_id)",
        3: "foreign_key(member_id)",
        # without its site's time zone the request has no UTC time either: one reason, the orphan
        4: "foreign_key(location_id)",
        5: "parseable(requested_local_time)",
        6: "in_set(reason)",
        7: "effective_not_before_request",
        8: "parseable(effective_date)",
    }
    assert [r.member_key for r in valid_rows(flagged, cancellations.CONTRACT).collect()] == [member_key(spark, "M3")]
    assert flagged.count() == len(raw)
