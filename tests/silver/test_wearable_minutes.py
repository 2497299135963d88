from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pytest
from pyspark.sql import DataFrame

from bronze import fitbit_heartrate_seconds_raw, fitbit_hourly_raw, fitbit_minute_sleep_raw, fitbit_minutes_wide_raw
from bronze.wearables_raw import CONTRACT as RAW
from fitlake.quality import SplitCounts, count_outcomes, valid_rows
from silver import wearable_minutes
from silver._fitbit_checks import HOURLY
from tests.builders import (
    INGESTED_AT,
    SECRETS,
    apart,
    assert_same_rows,
    bronze_rows,
    computed,
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


def _flagged(spark, minutes, consents, links, wide=(), heart_rate=(), sleep=()):
    """The transform on Narrow records `minutes` and the other sources' records (dicts of their fields)."""
    others = [
        bronze_rows(spark, module.CONTRACT, list(records))
        for module, records in (
            (fitbit_minutes_wide_raw, wide),
            (fitbit_heartrate_seconds_raw, heart_rate),
            (fitbit_minute_sleep_raw, sleep),
        )
    ]
    return wearable_minutes.transform(
        bronze_rows(spark, RAW, minutes),
        *others,
        linked_account_rows(spark, links),
        members_rows(spark, consents),
        location_rows(spark),
        secrets=SECRETS,
    )


# Every test's inputs, in the order the tests ran: the JVM parity check runs them all at once.
CASES: list[dict] = []


def _transform(spark, minutes, consents=None, links=None, **others):
    consents = consents or {
        "M1": (True, date(2024, 1, 1), "BKN"),
        "M2": (True, date(2025, 7, 1), "SFO"),
        "M3": (False, None, "BKN"),
    }
    links = links or [(m, "fitbit", DEVICES[m], SINCE, None) for m in consents if m in DEVICES]
    CASES.append({"minutes": minutes, "consents": consents, "links": links, **others})
    return computed(_flagged(spark, minutes, consents, links, **others))  # a large plan: planned once


def _device_apart(device: str | None, case: int) -> str | None:
    """A device id moved to a range of its own per case, written as it was (a whole number, or a float)."""
    try:
        moved = Decimal(device) + 1000 * case
    except (TypeError, InvalidOperation):
        return device
    if "E" not in device:
        return str(moved)
    exponent = int(device.split("E")[1])
    return f"{moved.scaleb(-exponent).normalize()}E{exponent}"


def _apart(case: int, inputs: dict) -> dict:
    """A case's inputs with members and devices of its own and its lines in files of its own: cases that share a
    device and a minute would otherwise merge or dedupe each other."""

    def member(number: str) -> str:
        return f"{number}-{case:02d}"

    return {
        **{
            source: apart(case, inputs.get(source, []), Id=_device_apart)
            for source in ("minutes", "wide", "heart_rate", "sleep", "hourly")
        },
        "consents": {member(m): consent for m, consent in inputs["consents"].items()},
        "links": [
            (member(m), provider, _device_apart(account, case), since, until)
            for m, provider, account, since, until in inputs["links"]
        ],
    }


def _cross_check(spark, silver, hourly, consents, links):
    """wearable_minutes.cross_check of `silver` against Fitbit's hourly records `hourly` (dicts of their fields)."""
    return wearable_minutes.cross_check(
        silver,
        bronze_rows(spark, fitbit_hourly_raw.CONTRACT, hourly),
        HOURLY,
        linked_account_rows(spark, links),
        members_rows(spark, consents),
        location_rows(spark),
        secrets=SECRETS,
    )


def jvm_parity_case(spark):
    """Every case of this module's tests in one transform, and its minutes checked against every hourly record the
    tests wrote, for the JVM parity check."""
    cases = [_apart(case, inputs) for case, inputs in enumerate(CASES)]
    consents = {m: consent for case in cases for m, consent in case["consents"].items()}
    links, minutes, wide, heart_rate, sleep, hourly = (
        [x for case in cases for x in case[part]]
        for part in ("links", "minutes", "wide", "heart_rate", "sleep", "hourly")
    )
    flagged = _flagged(spark, minutes, consents, links, wide, heart_rate, sleep)
    silver = valid_rows(flagged, wearable_minutes.CONTRACT)
    return [flagged, _cross_check(spark, silver, hourly, consents, links)]


def test_local_minutes_become_utc_instants_in_the_wearers_home_time_zone(spark):
    raw = [
        _minute(),  # New York in winter: UTC-5
        # Los Angeles in summer (UTC-7): the UTC instant is on the next day, the local date is not
        _minute("1500000002", "7/1/2025 11:30:00 PM", Steps="112", Intensity="3", METs="85", HeartRate=None,
                SleepValue=None, Calories="10.625"),
    ]  # fmt: skip
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


def _rows(flagged: DataFrame, flag: str | None = None) -> int:
    """Rows of a transform's output (with `flag` set), counted from its collected rows: Sail 0.7.2 takes 35 s to plan
    `count()` over this transform's plan (a Wide line's 60 records from 240 fields), 1.5 s to collect it."""
    return sum(1 for r in flagged.collect() if flag is None or r[flag])


def test_the_first_delivery_of_a_minute_wins(spark):
    later = INGESTED_AT.replace(day=3)
    raw = [
        _minute(Steps="7", _ingested_at=later, _source_file="b.csv"),
        _minute(_source_file="a.csv"),
        _minute(_source_file="a.csv", _line_number=9),  # re-sent at the end of the same file
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, wearable_minutes.CONTRACT).collect()
    assert [(r.steps, r._source_file, r._line_number) for r in kept] == [(0, "a.csv", 2)]
    assert _rows(flagged, "_is_duplicate") == 2


def test_each_broken_minute_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
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
    ]
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
    assert _rows(flagged) == len(raw)


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
    flagged = _transform(spark, minutes, links=links)
    withheld = {r._line_number for r in flagged.filter("_is_withheld").collect()}
    assert {line: why for line, why in unconsented.items() if line not in withheld} == {}
    assert [r._line_number for r in valid_rows(flagged, wearable_minutes.CONTRACT).collect()] == [5]
    assert quarantine_reasons(flagged) == {}


def _wide_hour(device="1500000001", hour="1/6/2025 6:00:00 AM", measure="Steps", values=range(60)):
    """A Wide line: the measure's 60 minute fields (Steps00..Steps59)."""
    return {"Id": device, "ActivityHour": hour, **{f"{measure}{i:02d}": str(v) for i, v in enumerate(values)}}


def _measures(flagged):
    """The kept minutes as (UTC minute, steps, calories, intensity, mets, heart rate, sleep state)."""
    rows = valid_rows(flagged, wearable_minutes.CONTRACT).collect()
    return sorted((r.minute_at, r.steps, r.calories, r.intensity, r.mets, r.heart_rate, r.sleep_state) for r in rows)


def test_wide_and_narrow_files_give_the_same_minutes_with_measures_merged_and_a_missing_one_null(spark):
    steps, intensities = [v % 7 for v in range(60)], [v % 4 for v in range(60)]
    wide = [
        _wide_hour(values=steps),
        # Excel re-saved the intensity file: its hour reads 6:00, not 6:00:00 AM
        _wide_hour(hour="1/6/2025 6:00", measure="Intensity", values=intensities),
    ]
    narrow = [
        {"Id": "1500000001", "ActivityMinute": f"1/6/2025 6:{i:02d}:00 AM", measure: str(values[i])}
        for measure, values in (("Steps", steps), ("Intensity", intensities))
        for i in range(60)
    ]
    from_wide = _transform(spark, [], wide=wide)
    from_narrow = _transform(spark, narrow)
    expected = [(datetime(2025, 1, 6, 11, i), steps[i], None, intensities[i], None, None, None) for i in range(60)]
    assert _measures(from_wide) == _measures(from_narrow) == expected
    # Every record accounted for: 120 in, 60 rows, the other file's 60 merged into them (not duplicates).
    assert count_outcomes(from_wide) == SplitCounts(rows_in=120, quarantined=0, duplicates=0, merged=60)
    assert count_outcomes(from_narrow) == SplitCounts(rows_in=120, quarantined=0, duplicates=0, merged=60)


def test_heart_rate_readings_average_to_their_minute_and_sleep_stamps_floor_to_theirs(spark):
    heart_rate = [
        {"Id": "1500000001", "Time": "1/6/2025 6:14:05 AM", "Value": "70"},
        {"Id": "1500000001", "Time": "1/6/2025 6:14:50 AM", "Value": "71"},  # mean 70.5: 71, half up
        {"Id": "1500000001", "Time": "1/6/2025 6:15:02 AM", "Value": "90"},
    ]
    sleep = [
        {"Id": "1500000001", "date": "1/6/2025 6:14:30 AM", "value": "2", "logId": "11523617009"},
        {"Id": "1500000001", "date": "1/6/2025 6:13:30 AM", "value": "1", "logId": "11523617009"},
        {"Id": "1500000001", "date": "1/6/2025 6:13:30 AM", "value": "1", "logId": "11523617009"},  # re-sent
    ]
    raw = [{"Id": "1500000001", "ActivityMinute": "1/6/2025 6:14:00 AM", "Steps": "12"}]
    flagged = _transform(spark, raw, heart_rate=heart_rate, sleep=sleep)
    assert _measures(flagged) == [
        (datetime(2025, 1, 6, 11, 13), None, None, None, None, None, 1),
        (datetime(2025, 1, 6, 11, 14), 12, None, None, None, 71, 2),
        (datetime(2025, 1, 6, 11, 15), None, None, None, None, 90, None),
    ]
    assert count_outcomes(flagged) == SplitCounts(rows_in=7, quarantined=0, duplicates=1, merged=3)


@pytest.mark.reliability(
    input="Fitbit device ids written as floats by another tool: 1.500000001E9, 1500000001.0; one not whole",
    expected="the float read as the device it names; one that names no whole number quarantined",
    observed="1.500000001E9 and 1500000001.0 are device 1500000001's minutes; 1.5000000015E9 is "
    "parseable(wearable_device_id)",
)
def test_a_device_id_written_as_a_float_is_the_same_device(spark):
    raw = [
        _minute("1.500000001E9"),
        _minute("1500000001.0", at="1/6/2025 6:15:00 AM"),
        _minute("1.5000000015E9", at="1/6/2025 6:16:00 AM"),
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, wearable_minutes.CONTRACT).collect()
    assert {(r.member_key, r._line_number) for r in kept} == {
        (member_key(spark, "M1"), 1),
        (member_key(spark, "M1"), 2),
    }
    assert quarantine_reasons(flagged) == {3: "parseable(wearable_device_id)"}


@pytest.mark.reliability(
    input="a Fitbit file through the night New York's clocks go back: 1:00-1:59 AM twice, in order, same stamps",
    expected="both hours kept, the first as daylight time and the second as standard time; not taken for duplicates",
    observed="1:30 AM is 05:30 UTC the first time and 06:30 UTC the second; a third copy is a duplicate",
)
def test_the_hour_the_clocks_go_back_is_two_hours_of_minutes(spark):
    night = ["11/2/2025 12:59:00 AM", "11/2/2025 1:30:00 AM", "11/2/2025 1:30:00 AM", "11/2/2025 2:00:00 AM"]
    raw = [_minute(at=at) for at in night] + [_minute(at="11/2/2025 1:30:00 AM")]
    flagged = _transform(spark, raw)
    kept = sorted(
        (r.minute_at, r.local_minute_of_day) for r in valid_rows(flagged, wearable_minutes.CONTRACT).collect()
    )
    assert kept == [
        (datetime(2025, 11, 2, 4, 59), 59),
        (datetime(2025, 11, 2, 5, 30), 90),  # EDT, UTC-4
        (datetime(2025, 11, 2, 6, 30), 90),  # EST, UTC-5: the same wall clock an hour later
        (datetime(2025, 11, 2, 7, 0), 120),
    ]
    assert [r._line_number for r in flagged.filter("_is_duplicate").collect()] == [5]


def test_the_wide_hour_the_clocks_skip_is_quarantined_minute_by_minute(spark):
    wide = [_wide_hour(hour="3/9/2025 2:00:00 AM", values=[0] * 60), _wide_hour(hour="3/9/2025 3:00:00 AM")]
    flagged = _transform(spark, [], wide=wide)
    reasons = flagged.filter("_quarantine_reason IS NOT NULL").select("_quarantine_reason", "_line_number").collect()
    assert {(r._quarantine_reason, r._line_number) for r in reasons} == {("local_minute_exists", 1)}
    assert len(reasons) == 60
    assert len(valid_rows(flagged, wearable_minutes.CONTRACT).collect()) == 60


def test_fitbits_hourly_totals_are_checked_against_the_minutes_sums(spark):
    minutes = [
        _minute(at="1/6/2025 6:14:00 AM", Steps="10", Intensity="1"),
        _minute(at="1/6/2025 6:15:00 AM", Steps="5", Intensity="0"),
        _minute("1500000002", "8/1/2025 9:00:00 AM", Steps="98", Intensity="2"),
    ]
    silver = valid_rows(_transform(spark, minutes), wearable_minutes.CONTRACT)
    hourly = [
        {"Id": "1500000001", "ActivityHour": "1/6/2025 6:00:00 AM", "StepTotal": "15", "TotalIntensity": "1"},
        {"Id": "1500000001", "ActivityHour": "1/6/2025 7:00:00 AM", "StepTotal": "3"},  # no minutes: not compared
        {"Id": "1.500000002E9", "ActivityHour": "8/1/2025 9:00:00 AM", "StepTotal": "99", "TotalIntensity": "2"},
    ]
    CASES[-1]["hourly"] = hourly  # checked against the case's minutes in the JVM parity check too
    consents = {"M1": (True, date(2024, 1, 1), "BKN"), "M2": (True, date(2025, 7, 1), "SFO")}
    links = [(m, "fitbit", DEVICES[m], SINCE, None) for m in consents]
    checked = _cross_check(spark, silver, hourly, consents, links)
    found = {(r.member_key, r.local_hour, r.fitbit_steps, r.minutes_steps, r.differs) for r in checked.collect()}
    assert found == {(member_key(spark, "M1"), 6, 15, 15, False), (member_key(spark, "M2"), 9, 99, 98, True)}
    assert HOURLY.describe(checked) == (
        "1 of 2 participant-hours differ from bronze.fitbit_hourly_raw "
        "(steps, intensity, calories: Fitbit's totals against the minutes' sums)"
    )


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
    flagged = _transform(spark, minutes, consents, links)
    assert _rows(flagged) == len(minutes)  # the lookup never multiplies a minute
    assert quarantine_reasons(flagged) == {n: "unknown_account" for n in (1, 2, 4, 7, 9)}
    assert _rows(flagged, "_is_withheld") == 0
    kept = {r._line_number: r.member_key for r in valid_rows(flagged, wearable_minutes.CONTRACT).collect()}
    assert kept == {3: member_key(spark, "M1"), 5: member_key(spark, "M2"), 6: member_key(spark, "M3"),
                    8: member_key(spark, "M4")}  # fmt: skip
