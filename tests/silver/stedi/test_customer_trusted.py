from bronze.stedi.customer_landing import CONTRACT as LANDING
from fitlake.quality import count_outcomes, valid_rows
from silver.stedi import customer_trusted
from tests.builders import SECRETS, Cases, assert_same_rows, bronze_rows, quarantine_reasons
from tests.stedi_builders import T0, at, customer, key, millis

PERSONAL = {"customerName", "email", "phone", "birthDay"}


def _flagged(spark, records):
    return customer_trusted.transform(bronze_rows(spark, LANDING, records), secrets=SECRETS)


def _email_apart(email: str | None, case: int) -> str | None:
    """An address at a domain of the case's own, however it was spaced or cased."""
    return email and email.replace("@", f"@case{case:02d}.")


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, email=_email_apart)
_trusted = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_consenting_customers_are_kept_by_pseudonym_and_the_others_withheld(spark):
    flagged = _trusted(
        spark,
        [
            customer("Ada.Example@test.com", "S1", shareWithPublicAsOfDate=millis(at(5))),
            customer("Bo.Example@test.com", "S2", research=None),
        ],
    )
    expected = spark.createDataFrame(
        [(key("Ada.Example@test.com"), "S1", T0, T0, T0, at(5), None, "test/2025-01-01/part-00000", 1, "batch-1")],
        customer_trusted.CONTRACT.spark_schema,
    )
    assert_same_rows(valid_rows(flagged, customer_trusted.CONTRACT), expected)
    counts = count_outcomes(flagged)
    assert (counts.withheld, counts.quarantined, counts.duplicates) == (1, 0, 0)
    assert not {c.lower() for c in PERSONAL} & {c.lower() for c in customer_trusted.CONTRACT.column_names}


def test_the_latest_record_is_the_customers_state_so_a_withdrawal_withholds_them(spark):
    flagged = _trusted(
        spark,
        [
            customer("withdrew@test.com", "S1", updated=at(1)),
            customer("withdrew@test.com", "S1", research=None, updated=at(2)),
            customer("joined@test.com", "S2", research=None, updated=at(1)),
            customer("JOINED@test.com ", "S2", research=at(2), updated=at(2)),  # the same address
            customer("stale@test.com", "S3", updated=at(1)),
            customer("stale@test.com", "S3", updated=at(2), registrationDate="yesterday"),
        ],
    )
    kept = valid_rows(flagged, customer_trusted.CONTRACT).collect()
    assert [(r.customer_key, r.share_with_research_since, r._line_number) for r in kept] == [
        (key("joined@test.com"), at(2), 4)
    ]
    counts = count_outcomes(flagged)
    # Older records are superseded, even the stale one whose customer's latest record is broken.
    assert (counts.withheld, counts.duplicates, counts.quarantined) == (1, 3, 1)
    assert quarantine_reasons(flagged) == {6: "parseable(registered_at)"}


def test_broken_customer_records_are_quarantined_with_the_rule_they_broke(spark):
    flagged = _trusted(
        spark,
        [
            {"_raw": '{"customerName": "Ada', "_parse_error": "malformed JSON: not a JSON object"},
            customer(None, "S2"),
            customer("c@test.com", "S3", registrationDate="yesterday"),
            customer("d@test.com", "S4", updated=T0, registrationDate=millis(at(60))),
            customer("e@test.com", None),
            customer("f@test.com", "S6"),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(email)",
        3: "parseable(registered_at)",
        4: "updated_not_before_registered",
        5: "not_null(serial_number)",
    }
    assert [r.serial_number for r in valid_rows(flagged, customer_trusted.CONTRACT).collect()] == ["S6"]
