from datetime import date, datetime

from bronze.class_feedback_raw import CONTRACT as RAW
from fitlake.privacy import contact_details_in
from fitlake.quality import valid_rows
from silver import booking_events, class_feedback
from tests.builders import (
    INGESTED_AT,
    SECRETS,
    apart,
    assert_same_rows,
    bronze_rows,
    computed,
    member_key,
    member_pii_rows,
    quarantine_reasons,
    tagged,
)
from tests.silver.reference_rows import session_rows, silver_rows

MORNING, EVENING = "BKN-20250106-0700", "BKN-20250106-1830"


def _answer(response_id="FB1", member_id="M1", at="2025-01-06 19:40:12", tz="America/New_York", **fields):
    return {"response_id": response_id, "session_id": EVENING, "member_id": member_id, "rating": "5",
            "comment": "Loved it, great energy!", "submitted_at": at, "site_timezone": tz, **fields}  # fmt: skip


def _came(spark, *attended):
    """silver.booking_events holding an `attended` event for each (session, member number)."""
    return silver_rows(
        spark,
        booking_events.CONTRACT,
        [
            {"booking_id": f"BK{i}", "status": "attended", "session_id": s, "member_key": member_key(spark, m),
             "event_at": datetime(2025, 1, 6, 12), "site_timezone": "America/New_York"}
            for i, (s, m) in enumerate(attended)
        ],
    )  # fmt: skip


MEMBERS = ["M1", "M2", "M3"]
# Every test's Bronze records and attendance, in the order the tests ran: the JVM parity check runs them at once.
CASES: list[tuple[list[dict], tuple]] = []


def _flagged(spark, records, members, came):
    refs = member_pii_rows(spark, members), session_rows(spark, [MORNING, EVENING])
    return class_feedback.transform(bronze_rows(spark, RAW, records), *refs, _came(spark, *came), secrets=SECRETS)


def _transform(spark, records, came=((EVENING, "M1"), (EVENING, "M2"), (MORNING, "M3"))):
    CASES.append((records, came))
    return computed(_flagged(spark, records, MEMBERS, came))


def jvm_parity_case(spark):
    """Every case of this module's tests in one transform, each with members of its own, for the JVM parity check."""
    records = [
        r for case, (records, _) in enumerate(CASES) for r in apart(case, records, response_id=tagged, member_id=tagged)
    ]
    members = [tagged(m, case) for case in range(len(CASES)) for m in MEMBERS]
    came = [(session, tagged(m, case)) for case, (_, attended) in enumerate(CASES) for session, m in attended]
    return [_flagged(spark, records, members, came)]


def test_answers_get_whole_stars_utc_instants_the_sites_local_date_and_the_members_pseudonym(spark):
    raw = [
        _answer(),  # winter: New York is UTC-5, so the UTC instant is on the next day, the local date is not
        _answer("FB2", " M2 ", "2025-07-01 08:05:00", "America/Los_Angeles", rating=" 3 ", comment="  "),
    ]
    expected = spark.createDataFrame(
        [
            ("FB1", EVENING, member_key(spark, "M1"), 5, "Loved it, great energy!", False,
             datetime(2025, 1, 7, 0, 40, 12), date(2025, 1, 6), "America/New_York", True,
             "test/2025-01-01/part-00000", 1, "batch-1"),
            # summer: Los Angeles is UTC-7; a blank comment is no comment
            ("FB2", EVENING, member_key(spark, "M2"), 3, None, False, datetime(2025, 7, 1, 15, 5),
             date(2025, 7, 1), "America/Los_Angeles", True, "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        class_feedback.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, raw), class_feedback.CONTRACT), expected)


def test_an_answer_whose_attendance_is_not_on_record_is_kept_and_flagged(spark):
    raw = [
        _answer("FB1", "M1"),  # came: attendance on record
        _answer("FB2", "M2"),  # its attended event was lost (a truncated attendance file, say)
        _answer("FB3", "M3"),  # came to the morning class, answers about the evening one
    ]
    came = ((EVENING, "M1"), (EVENING, "M1"), (MORNING, "M3"))  # M1 twice: booked twice, one answer all the same
    kept = valid_rows(_transform(spark, raw, came), class_feedback.CONTRACT).orderBy("response_id").collect()
    assert [(r.response_id, r.attendance_on_record) for r in kept] == [("FB1", True), ("FB2", False), ("FB3", False)]


def test_contact_details_in_a_comment_are_redacted_and_flagged(spark):
    raw = [
        _answer("FB1", comment="Best class of my week my email is jane.doe46@gmail.com"),
        _answer("FB2", comment="Too crowded, no room to move call me on (775) 608-9285"),
        _answer("FB3", comment="please reach me at +1 466 214 5828"),
        _answer("FB4", comment=None),
    ]
    kept = valid_rows(_transform(spark, raw), class_feedback.CONTRACT).orderBy("response_id").collect()
    assert [(r.comment, r.comment_redacted) for r in kept] == [
        ("Best class of my week my email is [redacted]", True),
        ("Too crowded, no room to move call me on [redacted]", True),
        ("please reach me at [redacted]", True),
        (None, False),
    ]
    assert not [v for r in kept for v in r if isinstance(v, str) and contact_details_in(v)]


def test_the_first_delivery_of_an_answer_wins(spark):
    raw = [
        _answer(rating="1", _ingested_at=INGESTED_AT.replace(day=5)),  # a later batch re-sent it, changed
        _answer(),
        _answer("FB2"),  # another answer of the same member about the same class is not a copy
        _answer(_line_number=9),  # re-sent at the end of the file
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, class_feedback.CONTRACT).collect()
    assert sorted((r.response_id, r.rating, r._line_number) for r in kept) == [("FB1", 5, 2), ("FB2", 5, 3)]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_answer_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
        {"_raw": "FB1,BKN-20250106-1830,M1", "_parse_error": "expected 7 fields, got 3"},
        _answer("FB2", None),
        _answer("FB3", "M999999"),
        _answer("FB4", session_id="BKN-20250106-0300"),
        _answer("FB5", rating="five"),
        _answer("FB6", rating="10"),
        _answer("FB7", rating="0"),
        _answer("FB8", rating=None),
        _answer("FB9", at="01/06/2025 07:40 PM"),
        _answer("FB10", tz="Mars/Olympus_Mons"),
        _answer("FB11", session_id=None),
        _answer("FB12"),
    ]
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(member_id)",
        3: "foreign_key(member_id)",
        4: "foreign_key(session_id)",
        5: "parseable(rating)",
        6: "between(rating,1,5)",
        7: "between(rating,1,5)",
        8: "not_null(rating)",
        9: "parseable(submitted_local_time)",
        10: "known_timezone",
        11: "not_null(session_id)",
    }
    assert [r.response_id for r in valid_rows(flagged, class_feedback.CONTRACT).collect()] == ["FB12"]
    assert flagged.count() == len(raw)
