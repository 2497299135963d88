from datetime import date, datetime

import pytest

from bronze.wearables_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import wearable_minutes
from tests.builders import (
    INGESTED_AT,
    SECRETS,
    assert_same_rows,
    bronze_rows,
    linked_account_rows,
    member_key,
    quarantine_reasons,
)
from tests.silver.research_rows import members_rows
from tests.silver.sites import location_rows

DEVICES = {"M1": "1500000001", "M2": "1500000002", "M3": "1500000003"}
SINCE = date(2024, 1, 1)


def _minute(device="1500000001", at="1/6/2025 6:14:00 AM", **fields):
    return {"Id": device, "ActivityMinute": at, "Steps": "0", "Calories": "1.8664", "Intensity": "0", "METs": "14",
            "HeartRate": "55", "SleepValue": "1", **fields}  # fmt: skip


def _transform(spark, raw, consents=None, links=None):
    consents = consents or {
        "M1": (True, date(2024, 1, 1), "BKN"),
        "M2": (True, date(2025, 7, 1), "SFO"),
        "M3": (False, None, "BKN"),
    }
    links = links or [(m, "fitbit", DEVICES[m], SINCE, None) for m in consents if m in DEVICES]
    accounts = linked_account_rows(spark, links)
    return wearable_minutes.transform(
        raw, accounts, members_rows(spark, consents), location_rows(spark), secrets=SECRETS
    )


def test_local_minutes_become_utc_instants_in_the_wearers_home_time_zone(spark):
    raw = bronze_rows(
        spark,
        RAW,
        [
            _minute(),  # New York in winter: UTC-5
            # Los Angeles in summer (UTC-7): the UTC instant is on the next day, the local date is not
            _minute("1500000002", "7/1/2025 11:30:00 PM", Steps="112", Intensity="3", METs="85", HeartRate=None,
                    SleepValue=None, Calories="10.625"),
        ],
    )  # fmt: skip
    expected = spark.createDataFrame(
        [
            (member_key(spark, "M1"), datetime(2025, 1, 6, 11, 14), date(2025, 1, 6), 6 * 60 + 14, "America/New_York",
             0, 1.8664, 0, 1.4, 55, 1, "test/2025-01-01/part-00000", 1, "batch-1"),
            (member_key(spark, "M2"), datetime(2025, 7, 2, 6, 30), date(2025, 7, 1), 23 * 60 + 30,
             "America/Los_Angeles", 112, 10.625, 3, 8.5, None, None, "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        wearable_minutes.CONTRACT.spark_schema,
    )  # fmt: skip
    actual = valid_rows(_transform(spark, raw), wearable_minutes.CONTRACT)
    assert_same_rows(actual, expected)
    assert "Id" not in actual.columns and "wearable_device_id" not in actual.columns  # an identifier of its own


def test_the_first_delivery_of_a_minute_wins(spark):
    later = INGESTED_AT.replace(day=3)
    raw = bronze_rows(
        spark,
        RAW,
        [
            _minute(Steps="7", _ingested_at=later, _source_file="b.csv"),
            _minute(_source_file="a.csv"),
            _minute(_source_file="a.csv", _line_number=9),  # re-sent at the end of the same file
        ],
    )
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, wearable_minutes.CONTRACT).collect()
    assert [(r.steps, r._source_file, r._line_number) for r in kept] == [(0, "a.csv", 2)]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_minute_is_quarantined_with_the_rule_it_broke(spark):
    raw = bronze_rows(
        spark,
        RAW,
        [
            {"_raw": "1500000001,1/6/2025 6:1", "_parse_error": "expected 8 fields, got 2"},  # a truncated file
            _minute(at="2025-01-06T06:14:00"),  # another system's format is not guessed
            _minute(device=None),
            _minute(Steps="lots"),
            _minute(Intensity="4"),
            _minute(Steps="-3"),
            _minute(HeartRate="300"),
            _minute(METs="400"),
            _minute(SleepValue="0"),
            # 2:30 am on the day New York's clocks jump from 2:00 to 3:00 is no instant at all
            _minute(at="3/9/2025 2:30:00 AM"),
            _minute(at="3/9/2025 3:30:00 AM"),
        ],
    )
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "parseable(minute_local_time)",
        3: "not_null(wearable_device_id)",
        4: "parseable(steps)",
        5: "between(intensity,0,3)",
        6: "between(steps,0,300)",
        7: "between(heart_rate,25,250)",
        8: "between(mets,0.5,25)",
        9: "between(sleep_state,1,3)",
        10: "local_minute_exists",
    }
    assert [r._line_number for r in valid_rows(flagged, wearable_minutes.CONTRACT).collect()] == [11]
    assert flagged.count() == raw.count()


def test_minutes_without_consent_are_withheld_neither_kept_nor_quarantined(spark):
    unconsented = {  # line -> why it is withheld
        1: "the member has not consented",
        2: "the minute is before the consent date (local)",
        3: "unconsented data is not checked further",
        4: "the device is linked to a member silver.members lacks (their record quarantined): consent unknown",
    }
    minutes = [
        _minute("1500000003"),
        _minute("1500000002", "6/30/2025 11:59:00 PM"),
        _minute("1500000003", HeartRate="300"),
        _minute("1500000004"),
        _minute("1500000002", "7/1/2025 12:00:00 AM"),  # consent given that day
    ]
    links = [(m, "fitbit", device, SINCE, None) for m, device in {**DEVICES, "M4": "1500000004"}.items()]
    flagged = _transform(spark, bronze_rows(spark, RAW, minutes), links=links)
    withheld = {r._line_number for r in flagged.filter("_is_withheld").collect()}
    assert {line: why for line, why in unconsented.items() if line not in withheld} == {}
    assert [r._line_number for r in valid_rows(flagged, wearable_minutes.CONTRACT).collect()] == [5]
    assert quarantine_reasons(flagged) == {}


@pytest.mark.reliability(
    input="minutes of a device linked to nobody, or to nobody on that day (before its link, after its unlink, "
    "while two members' links overlap)",
    expected="quarantined as unknown_account, never counted as withheld: withheld means a known member without "
    "research consent that day",
    observed="silver.wearable_minutes_quarantine holds them as unknown_account; a device that changed hands gives "
    "each day's minutes to the member who held it that day",
)
def test_minutes_of_a_device_nobody_held_that_day_are_quarantined_as_unknown_account(spark):
    consents = {m: (True, SINCE, "BKN") for m in ("M1", "M2", "M3", "M4")}
    links = [
        # M1's device went to M2 after a week without anyone
        ("M1", "fitbit", "1500000001", date(2025, 1, 1), date(2025, 2, 1)),
        ("M2", "fitbit", "1500000001", date(2025, 2, 8), None),
        # two members claim one device in March: whose minutes they are is unknown
        ("M3", "fitbit", "1500000003", date(2025, 1, 1), date(2025, 4, 1)),
        ("M4", "fitbit", "1500000003", date(2025, 3, 1), None),
        ("M1", "mapmyrun", "1500000009", date(2025, 1, 1), None),  # a MapMyRun account is no device
    ]
    minutes = [
        _minute("1799999999"),  # linked to nobody
        _minute(at="12/31/2024 11:59:00 PM"),  # before the link
        _minute(at="1/31/2025 11:59:00 PM"),
        _minute(at="2/1/2025 12:00:00 AM"),  # unlinked that day
        _minute(at="2/8/2025 12:00:00 AM"),
        _minute("1500000003", "2/28/2025 11:59:00 PM"),
        _minute("1500000003", "3/1/2025 6:00:00 AM"),
        _minute("1500000003", "4/1/2025 6:00:00 AM"),
        _minute("1500000009"),
    ]
    flagged = _transform(spark, bronze_rows(spark, RAW, minutes), consents, links)
    assert flagged.count() == len(minutes)  # the lookup never multiplies a minute
    assert quarantine_reasons(flagged) == {n: "unknown_account" for n in (1, 2, 4, 7, 9)}
    assert flagged.filter("_is_withheld").count() == 0
    kept = {r._line_number: r.member_key for r in valid_rows(flagged, wearable_minutes.CONTRACT).collect()}
    assert kept == {3: member_key(spark, "M1"), 5: member_key(spark, "M2"), 6: member_key(spark, "M3"),
                    8: member_key(spark, "M4")}  # fmt: skip
