from datetime import date

import pytest

from bronze.linked_accounts_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import linked_accounts
from tests.builders import (
    INGESTED_AT,
    SECRETS,
    Cases,
    assert_same_rows,
    bronze_rows,
    member_key,
    pseudonym_of,
    quarantine_reasons,
    tagged,
)


def _link(member_id="M1", provider="fitbit", account_id="1500000001", linked="2025-01-05", unlinked=None, **fields):
    return {"member_id": member_id, "provider": provider, "account_id": account_id, "linked_date": linked,
            "unlinked_date": unlinked, **fields}  # fmt: skip


def _flagged(spark, links):
    return linked_accounts.transform(bronze_rows(spark, RAW, links), secrets=SECRETS)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once, each
# test's links under members of its own (account ids are left as they are: a blank one must stay blank).
CASES = Cases(_flagged, member_id=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_links_are_typed_and_accounts_known_by_a_pseudonym(spark):
    links = [_link(), _link("M2", " MapMyRun ", " 123456789 ", "2024-11-30", "2025-02-01")]
    lineage = ("test/2025-01-01/part-00000", "batch-1")
    expected = spark.createDataFrame(
        [
            (member_key(spark, "M1"), "fitbit", pseudonym_of("1500000001"), date(2025, 1, 5), None,
             lineage[0], 1, lineage[1]),
            (member_key(spark, "M2"), "mapmyrun", pseudonym_of("123456789"), date(2024, 11, 30), date(2025, 2, 1),
             lineage[0], 2, lineage[1]),
        ],
        linked_accounts.CONTRACT.spark_schema,
    )  # fmt: skip
    actual = valid_rows(_transform(spark, links), linked_accounts.CONTRACT)
    assert_same_rows(actual, expected)
    assert not [v for r in actual.collect() for v in r if "1500000001" in str(v) or "123456789" in str(v)]


def test_a_link_is_kept_whatever_silver_members_holds_of_its_member(spark):
    # The member's record may be quarantined in this batch (a damaged line in the members export): their link
    # stays, so their research data is withheld for want of a known consent, not quarantined as nobody's.
    flagged = _transform(spark, [_link(member_id="M000021")])
    (kept,) = valid_rows(flagged, linked_accounts.CONTRACT).collect()
    assert kept.member_key == member_key(spark, "M000021")


def test_a_links_unlinked_date_wins_over_the_export_of_it_open_in_any_order(spark):
    later = INGESTED_AT.replace(day=9)
    links = [
        _link(unlinked="2025-03-01", _source_file="linked_accounts/2025-03-01/part-00000.csv"),
        # read after the unlink, as a late or re-sent file is: the link is still over
        _link(_source_file="linked_accounts/2025-01-05/part-00000.csv", _ingested_at=later),
        _link(linked="2025-04-01"),  # linked again: a link of its own
    ]
    flagged = _transform(spark, links)
    kept = valid_rows(flagged, linked_accounts.CONTRACT).collect()
    assert sorted((r.linked_date, r.unlinked_date) for r in kept) == [
        (date(2025, 1, 5), date(2025, 3, 1)),
        (date(2025, 4, 1), None),
    ]
    assert flagged.filter("_is_duplicate").count() == 1


@pytest.mark.reliability(
    input="linked accounts with no member, no account, another service, dates in another format, an unlink before "
    "the link",
    expected="each quarantined with the rule it broke; a research row can only resolve through a sound link",
    observed="silver.linked_accounts_quarantine holds each with its rule",
)
def test_each_broken_link_is_quarantined_with_the_rule_it_broke(spark):
    links = [
        {"_raw": "M1,fitbit", "_parse_error": "expected 5 fields, got 2"},
        _link(member_id=None),
        _link(account_id=" "),
        _link(provider="garmin"),
        _link(linked="05/01/2025"),
        _link(unlinked="2025-01-04"),
        _link("M2", unlinked="2025-01-05"),  # undone the day it was made: kept, it covers no day
    ]
    flagged = _transform(spark, links)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "not_null(member_id)",
        3: "not_null(account_id)",
        4: "in_set(provider)",
        5: "parseable(linked_date)",
        6: "unlinked_not_before_linked",
    }
    assert [r._line_number for r in valid_rows(flagged, linked_accounts.CONTRACT).collect()] == [7]
    assert flagged.count() == len(links)
