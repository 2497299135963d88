from datetime import date, datetime
from decimal import Decimal

from bronze.members_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import members
from tests.builders import assert_same_rows, bronze_rows, quarantine_reasons

PII = {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "555-0100"}


def _member(member_id="M1", exported_at="2025-01-01 23:50:00", **fields):
    return {"member_id": member_id, **PII, "home_location_id": "BKN", "plan": "plus", "billing_period": "monthly",
            "monthly_fee": "59.00", "join_date": "2024-03-01", "status": "active", "cancel_date": None,
            "exported_at": exported_at, **fields}  # fmt: skip


def test_the_latest_export_of_a_member_is_their_state_and_pii_stays_behind(spark):
    raw = bronze_rows(
        spark,
        RAW,
        [
            _member(plan=" Plus "),
            _member(exported_at="2025-01-05 23:50:00", status="cancelled", cancel_date="2025-01-05",
                    _source_file="members/2025-01-05/part-00000.csv"),
            _member("M2", plan="elite", billing_period="Annual", monthly_fee="75.65"),
        ],
    )  # fmt: skip
    expected = spark.createDataFrame(
        [
            ("M1", "BKN", "plus", "monthly", Decimal("59.00"), date(2024, 3, 1), "cancelled", date(2025, 1, 5),
             datetime(2025, 1, 5, 23, 50), "members/2025-01-05/part-00000.csv", 2),
            ("M2", "BKN", "elite", "annual", Decimal("75.65"), date(2024, 3, 1), "active", None,
             datetime(2025, 1, 1, 23, 50), "test/2025-01-01/part-00000", 3),
        ],
        members.CONTRACT.spark_schema,
    )  # fmt: skip
    flagged = members.transform(raw)
    assert_same_rows(valid_rows(flagged, members.CONTRACT), expected)
    assert flagged.filter("_is_duplicate").count() == 1
    assert not set(PII) & set(members.CONTRACT.column_names)


def test_each_broken_member_record_is_quarantined_with_the_rule_it_broke(spark):
    raw = bronze_rows(
        spark,
        RAW,
        [
            {"_raw": "M1,Jane,Doe", "_parse_error": "expected 13 fields, got 3"},
            _member("M2", join_date="30/01/2025"),
            _member("M3", status="cancelled"),
            _member("M4", status="cancelled", cancel_date="2024-01-01"),
            _member("M5", monthly_fee="-5"),
            _member("M6", plan="platinum"),
            _member("M7", monthly_fee="free"),
            _member("M8"),
        ],
    )
    flagged = members.transform(raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "parseable(join_date)",
        3: "cancel_date_iff_cancelled",
        4: "cancel_date_not_before_join_date",
        5: "between(monthly_fee,0,1000)",
        6: "in_set(plan)",
        7: "parseable(monthly_fee)",
    }
    assert [r.member_id for r in valid_rows(flagged, members.CONTRACT).collect()] == ["M8"]
