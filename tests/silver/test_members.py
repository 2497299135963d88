from datetime import date, datetime
from decimal import Decimal

from bronze.members_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import member_pii, members
from tests.builders import SECRETS, Cases, assert_same_rows, bronze_rows, member_key, quarantine_reasons, tagged

PII = {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "555-0100"}


def _member(member_id="M1", exported_at="2025-01-01 23:50:00", **fields):
    return {"member_id": member_id, **PII, "home_location_id": "BKN", "plan": "plus", "billing_period": "monthly",
            "monthly_fee": "59.00", "join_date": "2024-03-01", "status": "active", "cancel_date": None,
            "exported_at": exported_at, "marketing_consent": "true", "research_consent": "false",
            "research_consent_date": None, "wearable_device_id": None, **fields}  # fmt: skip


def _members(spark, records):
    return members.transform(bronze_rows(spark, RAW, records), secrets=SECRETS)


def _member_pii(spark, records):
    return member_pii.transform(bronze_rows(spark, RAW, records), secrets=SECRETS)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once, through
# both tables the members export feeds.
MEMBERS, PII_CASES = Cases(_members, member_id=tagged), Cases(_member_pii, member_id=tagged)
_transform = MEMBERS.transform


def jvm_parity_case(spark):
    return [*MEMBERS.all_at_once(spark), *PII_CASES.all_at_once(spark)]


def test_the_latest_export_is_the_members_state_under_a_pseudonym_without_contact_details(spark):
    records = [
            _member(plan=" Plus "),
            _member(exported_at="2025-01-05 23:50:00", status="cancelled", cancel_date="2025-01-05",
                    _source_file="members/2025-01-05/part-00000.csv"),
            _member("M2", plan="elite", billing_period="Annual", monthly_fee="75.65", research_consent="TRUE",
                    research_consent_date="2024-06-01", wearable_device_id="1765979187"),
        ]  # fmt: skip
    expected = spark.createDataFrame(
        [
            (member_key(spark, "M1"), "BKN", "plus", "monthly", Decimal("59.00"), date(2024, 3, 1), "cancelled",
             date(2025, 1, 5), True, False, None, False, datetime(2025, 1, 5, 23, 50),
             "members/2025-01-05/part-00000.csv", 2, "batch-1"),
            (member_key(spark, "M2"), "BKN", "elite", "annual", Decimal("75.65"), date(2024, 3, 1), "active", None,
             True, True, date(2024, 6, 1), True, datetime(2025, 1, 1, 23, 50), "test/2025-01-01/part-00000", 3,
             "batch-1"),
        ],
        members.CONTRACT.spark_schema,
    )  # fmt: skip
    flagged = _transform(spark, records)
    assert_same_rows(valid_rows(flagged, members.CONTRACT), expected)
    assert flagged.filter("_is_duplicate").count() == 1  # M1's older state
    assert not {*PII, "member_id", "wearable_device_id"} & set(members.CONTRACT.column_names)


def test_member_pii_holds_the_decrypted_contact_details_of_the_same_latest_state(spark):
    records = [_member(), _member("M2", wearable_device_id="42", email=" J@x.io ")]
    rows = valid_rows(PII_CASES.transform(spark, records), member_pii.CONTRACT).collect()
    by_id = {r.member_id: r for r in rows}
    assert by_id["M1"].member_key == member_key(spark, "M1")
    assert (by_id["M1"].first_name, by_id["M1"].email, by_id["M1"].phone) == ("Jane", "jane@example.com", "555-0100")
    assert (by_id["M2"].email, by_id["M2"].wearable_device_id) == ("J@x.io", "42")
    assert bronze_rows(spark, RAW, records).first().email != "jane@example.com"  # Bronze holds it encrypted


def test_each_broken_member_record_is_quarantined_with_the_rule_it_broke(spark):
    records = [
        {"_raw": "M1,Jane,Doe", "_parse_error": "expected 17 fields, got 3"},
        _member("M2", join_date="30/01/2025"),
        _member("M3", status="cancelled"),
        _member("M4", status="cancelled", cancel_date="2024-01-01"),
        _member("M5", monthly_fee="-5"),
        _member("M6", plan="platinum"),
        _member("M7", monthly_fee="free"),
        _member("M8"),
        _member("M9", research_consent="yes please"),
        _member("M10", research_consent="true"),  # consent without its date
    ]
    flagged = _transform(spark, records)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "parseable(join_date)",
        3: "cancel_date_iff_cancelled",
        4: "cancel_date_not_before_join_date",
        5: "between(monthly_fee,0,1000)",
        6: "in_set(plan)",
        7: "parseable(monthly_fee)",
        9: "parseable(research_consent)",
        10: "research_consent_date_iff_consent",
    }
    assert [r.member_key for r in valid_rows(flagged, members.CONTRACT).collect()] == [member_key(spark, "M8")]


def test_a_rewritten_members_file_read_again_gives_its_later_copy_of_a_record(spark):
    """A file rewritten after ingestion is read whole again (fitlake/ingest.py): Bronze then holds its lines twice,
    same file, same line, same export time; the later delivery is the member's state."""
    again = datetime(2025, 1, 3, 6, 0)
    records = [
        _member(plan="plus", _line_number=1),
        _member(plan="elite", monthly_fee="75.65", _line_number=1, _batch_id="batch-2", _ingested_at=again),
    ]
    kept = valid_rows(_transform(spark, records), members.CONTRACT).select("plan", "_batch_id").collect()
    assert [tuple(r) for r in kept] == [("elite", "batch-2")]
