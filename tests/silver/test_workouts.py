import re
from datetime import date

import pytest

from bronze.workouts_raw import CONTRACT as RAW
from data_gen.exports.digital import _mapmyrun_date
from fitlake.quality import valid_rows
from silver import workouts
from tests.builders import (
    INGESTED_AT,
    SECRETS,
    Cases,
    assert_same_rows,
    bronze_rows,
    linked_account_rows,
    member_key,
    member_pii_rows,
    pseudonym_of,
    quarantine_reasons,
)
from tests.silver.research_rows import members_rows

WORKOUT_URL = "https://www.mapmyfitness.com/workout/"
CONSENTS = {"M1": (True, date(2024, 1, 1), "BKN"), "M2": (True, date(2025, 7, 1), "SFO"), "M3": (False, None, "BKN")}
# MapMyRun accounts: M1's since 2025, M3's (no consent) for good; M2 took over M1's old account in March
LINKS = [
    ("M1", "mapmyrun", "111111111", date(2025, 1, 1), None),
    ("M3", "mapmyrun", "333333333", date(2024, 1, 1), None),
    ("M1", "mapmyrun", "222222222", date(2024, 1, 1), date(2025, 1, 1)),
    ("M2", "mapmyrun", "222222222", date(2025, 3, 1), None),
]
IMPORTED = "workouts/2025-08-01/mapmyrun-{}-0123456789abcdef.csv"


def _account(account_id: str) -> str:
    """How `fitlake import mapmyrun` names an account's file: by its pseudonym, never the id."""
    return f"account-{pseudonym_of(account_id)}"


def _workout(workout_id="3925200001", **fields):
    return {"member_id": "M1", "date_submitted": "Jan. 6, 2025", "workout_date": "Jan. 5, 2025",
            "activity_type": "Run", "calories_burned_kcal": "771", "distance_mi": "7.77",
            "workout_time_seconds": "4129", "avg_pace_min_mi": "8.86", "max_pace_min_mi": "7.32",
            "avg_speed_mi_h": "6.77", "avg_heart_rate": "144", "Steps": "11671", "Notes": None,
            "Source": "MapMyRun iPhone", "Link": f"{WORKOUT_URL}{workout_id}", **fields}  # fmt: skip


def _flagged(spark, records):
    pii = member_pii_rows(spark, list(CONSENTS))
    links = linked_account_rows(spark, LINKS)
    return workouts.transform(
        bronze_rows(spark, RAW, records), pii, members_rows(spark, CONSENTS), links, secrets=SECRETS
    )


def _numbered_apart(link: str | None, case: int) -> str | None:
    """A workout's link with its number suffixed by the case's: a zero-padded number stays the same workout."""
    return link and re.sub(r"(\d+)(/?\s*)$", rf"\g<1>{case:02d}\2", link)


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, Link=_numbered_apart)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_workouts_are_typed_in_metric_units_whatever_the_connector_wrote(spark):
    raw = [
        _workout(),
        # Garmin's connector writes the duration as h:mm:ss; a June date is not abbreviated
        _workout("3926400002", date_submitted="July 2, 2025", workout_date="June 30, 2025",
                 activity_type=" Walk ", workout_time_seconds="1:08:49", calories_burned_kcal=None,
                 avg_heart_rate=None, Steps=None, Source="Garmin Connect", Link=f" {WORKOUT_URL}3926400002/ "),
    ]  # fmt: skip
    run, walk = pseudonym_of("3925200001"), pseudonym_of("3926400002")
    expected = spark.createDataFrame(
        [
            (run, member_key(spark, "M1"), date(2025, 1, 5), date(2025, 1, 6), "run", True, 4129, 12.505, 5.505,
             4.548, 10.9, None, 771, 144, 11671, None, False, "MapMyRun iPhone", "test/2025-01-01/part-00000", 1,
             "batch-1"),
            (walk, member_key(spark, "M1"), date(2025, 6, 30), date(2025, 7, 2), "walk", True, 4129, 12.505, 5.505,
             4.548, 10.9, None, None, None, None, None, False, "Garmin Connect", "test/2025-01-01/part-00000", 2,
             "batch-1"),
        ],
        workouts.CONTRACT.spark_schema,
    )  # fmt: skip
    actual = valid_rows(_transform(spark, raw), workouts.CONTRACT)
    assert_same_rows(actual, expected)


@pytest.mark.reliability(
    input="a workout's link (its public URL, with the member's route map), encrypted in Bronze",
    expected="Silver and Gold cannot rebuild it: the workout is known by a salted pseudonym of its number",
    observed="silver.workouts and gold.workout_classification carry workout_key (sha2 of salt and number); "
    "no column holds the number or the URL",
)
def test_a_workout_is_known_by_a_pseudonym_that_cannot_rebuild_its_link(spark):
    number = "3925200001"
    raw = [_workout(number), _workout(f"0{number}")]  # re-sent, zero-padded
    kept = valid_rows(_transform(spark, raw), workouts.CONTRACT)
    (row,) = kept.collect()  # one workout: the same number is the same pseudonym
    assert row.workout_key == pseudonym_of(number) != pseudonym_of(number, salt="another-salt-0123456")
    assert not [c for c, v in row.asDict().items() if number in str(v) or "mapmyfitness" in str(v)]


def test_dates_are_read_in_every_month_as_mapmyrun_writes_them(spark):
    days = [date(2025, month, 28) for month in range(1, 13)] + [date(2024, 2, 29)]
    submitted = "Dec. 31, 2025"
    records = [
        _workout(str(i), workout_date=_mapmyrun_date(d), date_submitted=submitted) for i, d in enumerate(days, 1)
    ]
    parsed = {
        r.workout_key: r.workout_date for r in valid_rows(_transform(spark, records), workouts.CONTRACT).collect()
    }
    assert parsed == {pseudonym_of(str(i)): d for i, d in enumerate(days, 1)}


def test_contact_details_typed_into_a_note_are_redacted(spark):
    raw = [
        _workout("1", Notes="Tempo run, felt strong please reach me at ann.lee@example.com"),
        _workout("2", Notes="call me on (209) 754-6088"),
        _workout("3", Notes="Dog walk contact: +1 982 893 2645"),
        _workout("4", Notes="Intervals on the track, 8 x 400"),
    ]
    kept = valid_rows(_transform(spark, raw), workouts.CONTRACT).collect()
    assert {r.workout_key: (r.note, r.note_redacted) for r in kept} == {
        pseudonym_of("1"): ("Tempo run, felt strong please reach me at [redacted]", True),
        pseudonym_of("2"): ("call me on [redacted]", True),
        pseudonym_of("3"): ("Dog walk contact: [redacted]", True),
        pseudonym_of("4"): ("Intervals on the track, 8 x 400", False),
    }


def test_the_first_delivery_of_a_workout_wins(spark):
    later = INGESTED_AT.replace(day=3)
    raw = [
        _workout(activity_type="Walk", _ingested_at=later, _source_file="b.csv"),
        _workout(_source_file="a.csv"),
        _workout(_source_file="a.csv", _line_number=9),  # re-sent at the end of the same file
    ]
    flagged = _transform(spark, raw)
    kept = valid_rows(flagged, workouts.CONTRACT).collect()
    assert [(r.activity_type, r._source_file, r._line_number) for r in kept] == [("run", "a.csv", 2)]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_workout_is_quarantined_with_the_rule_it_broke(spark):
    raw = [
        {"_raw": "M1,Jan. 6", "_parse_error": "expected 15 fields, got 2"},
        _workout("2", member_id=None),
        _workout("4", workout_date="05/01/2025"),  # day-first or month-first: not guessed
        _workout("5", workout_time_seconds="1:75:00"),
        _workout(Link="https://www.mapmyfitness.com/routes/view/123"),
        _workout("7", workout_date="Jan. 7, 2025"),  # logged a day before it happened
        _workout("8", max_pace_min_mi="9.50"),  # the fastest moment slower than the average
        # a car ride logged as a run: 30 miles at 2.5 min/mi (24 mph), the GPS glitch the generator makes
        _workout("9", distance_mi="30.00", avg_pace_min_mi="2.50", max_pace_min_mi="1.80", avg_speed_mi_h="24.00",
                 workout_time_seconds="4500"),
        # 25 miles at 4.4 min/mi: under the marathon record pace, though a mile at that pace would be human
        _workout("10", distance_mi="25.00", avg_pace_min_mi="4.40", max_pace_min_mi="3.50", avg_speed_mi_h="13.64",
                 workout_time_seconds="6600"),
        _workout("11", workout_time_seconds="86400"),  # the app left running for a day
        _workout("12", avg_heart_rate="300"),
        _workout("13", distance_mi="3.00", avg_pace_min_mi="4.40", max_pace_min_mi="4.00", avg_speed_mi_h="13.64"),
    ]  # fmt: skip
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "owner_named",
        3: "parseable(workout_date)",
        4: "parseable(duration_seconds)",
        5: "parseable(workout_key)",
        6: "workout_not_after_submission",
        7: "max_pace_not_slower_than_avg",
        8: "pace_humanly_possible",
        9: "pace_humanly_possible",
        10: "lasts_under_a_day",
        11: "between(avg_heart_rate,25,250)",
    }
    assert [r.workout_key for r in valid_rows(flagged, workouts.CONTRACT).collect()] == [pseudonym_of("13")]
    assert flagged.count() == len(raw)


def test_workouts_without_consent_are_withheld_neither_kept_nor_quarantined(spark):
    unconsented = {  # line -> why it is withheld
        1: "the member has not consented",
        2: "the workout is before the consent date",
        3: "no member has this number: perhaps one whose record is quarantined, so nobody known consented",
        4: "unconsented data is not checked",
    }
    raw = [
        _workout(member_id="M3"),
        _workout(member_id="M2", workout_date="June 30, 2025", date_submitted="July 1, 2025"),
        _workout(member_id="M999999"),
        _workout(member_id="M3", distance_mi="30.00", avg_pace_min_mi="2.50"),
        _workout("2", member_id="M2", workout_date="July 1, 2025", date_submitted="July 1, 2025"),
    ]
    flagged = _transform(spark, raw)
    withheld = {r._line_number for r in flagged.filter("_is_withheld").collect()}
    assert {line: why for line, why in unconsented.items() if line not in withheld} == {}
    assert [r._line_number for r in valid_rows(flagged, workouts.CONTRACT).collect()] == [5]
    assert quarantine_reasons(flagged) == {}


@pytest.mark.reliability(
    input="a MapMyRun export as downloaded (no member id), landed by `fitlake import mapmyrun` under a file name "
    "giving its member or its MapMyRun account's pseudonym; a workout of an account nobody held that day",
    expected="each workout is its member's: named in the file, or the member holding the account on the workout's "
    "date; one of an account nobody held is quarantined as unknown_account, never withheld",
    observed="silver.workouts resolves the owner from _source_file; unknown_account and owner_named in its quarantine; "
    "withheld only for a known member without consent that day",
)
def test_an_imported_export_is_its_member_named_in_the_file_or_the_holder_of_its_account_that_day(spark):
    def imported(owner, number, day, **fields):
        return _workout(number, member_id=None, workout_date=day, date_submitted=day,
                        _source_file=IMPORTED.format(owner), **fields)  # fmt: skip

    raw = [
        imported("member-M1", "1", "Jan. 5, 2025"),
        imported(_account("111111111"), "2", "Jan. 5, 2025"),
        imported(_account("222222222"), "3", "Dec. 31, 2024"),  # M1 still held the account
        imported(_account("222222222"), "4", "Mar. 1, 2025"),  # M2 linked it that day; consent came in July
        imported(_account("222222222"), "5", "July 2, 2025"),
        imported(_account("222222222"), "6", "Feb. 1, 2025"),  # between the two: nobody's
        imported(_account("111111111"), "7", "Dec. 31, 2024"),  # before M1 linked it
        imported(_account("999999999"), "8", "Jan. 5, 2025"),  # linked to nobody
        imported(_account("333333333"), "9", "Jan. 5, 2025"),  # M3 has not consented
        _workout("10", member_id=None, _source_file="workouts/2025-08-01/user123456789_workout_history.csv"),
        # An account id in the clear is no account_key: nobody's, not M1's by a pseudonym worked out of it
        imported("account-111111111", "11", "Jan. 5, 2025"),
    ]
    flagged = _transform(spark, raw)
    kept = {r.workout_key: r.member_key for r in valid_rows(flagged, workouts.CONTRACT).collect()}
    assert kept == {
        pseudonym_of(n): member_key(spark, m) for n, m in (("1", "M1"), ("2", "M1"), ("3", "M1"), ("5", "M2"))
    }
    assert quarantine_reasons(flagged) == {6: "unknown_account", 7: "unknown_account", 8: "unknown_account",
                                           10: "owner_named", 11: "unknown_account"}  # fmt: skip
    assert {r._line_number for r in flagged.filter("_is_withheld").collect()} == {4, 9}
    assert flagged.count() == len(raw)


IMPERIAL = ("distance_mi", "avg_pace_min_mi", "max_pace_min_mi", "avg_speed_mi_h")


def _metric(workout_id, **fields):
    """A workout as a metric export writes it (MapMyFitness iPhone, 2021): km columns, no mile ones."""
    metric = {"distance_km": "7.848947716", "avg_pace_min_km": "6.091612483", "max_pace_min_km": "4.8",
              "avg_speed_km_h": "9.849603709", "max_speed_km_h": "12.5"}  # fmt: skip
    return _workout(workout_id, **{**dict.fromkeys(IMPERIAL), **metric, **fields})


def _measures(spark, records):
    kept = valid_rows(_transform(spark, records), workouts.CONTRACT).collect()
    names = ("distance_km", "avg_pace_min_per_km", "max_pace_min_per_km", "avg_speed_kmh", "max_speed_kmh")
    return {r.workout_key: tuple(r[n] for n in names) for r in kept}


@pytest.mark.reliability(
    input="MapMyRun exports in km (`Distance (km)`, `Avg Pace (min/km)`) and the 2017 header (`Max Pace`, "
    "`Max Speed` without units, 0 for no data)",
    expected="every variant in one Silver schema, in km, min/km and km/h",
    observed="metric columns read as they are, miles converted, the unit-less ones read in the unit of the row's "
    "distance, 0 as NULL; no row lost to max_pace_not_slower_than_avg",
)
def test_metric_imperial_and_unitless_exports_reach_the_same_units(spark):
    measured = _measures(
        spark,
        [
            _metric("1"),
            # the 2017 header: miles, and Max Pace / Max Speed in min/mi and mi/h without saying so
            _workout("2", max_pace_min_mi=None, max_pace="5.83603", max_speed="10.281", distance_mi="4.54186",
                     avg_pace_min_mi="7.99952", avg_speed_mi_h="7.50045", workout_time_seconds="2180"),
            _workout("3", max_pace_min_mi=None, max_pace="0", max_speed="0"),  # 0: no data
        ],
    )  # fmt: skip
    assert measured == {
        pseudonym_of("1"): (7.849, 6.092, 4.8, 9.85, 12.5),
        pseudonym_of("2"): (round(4.54186 * 1.609344, 3), round(7.99952 / 1.609344, 3),
                            round(5.83603 / 1.609344, 3), round(7.50045 * 1.609344, 2), round(10.281 * 1.609344, 2)),
        pseudonym_of("3"): (12.505, 5.505, None, 10.9, None),
    }  # fmt: skip


@pytest.mark.reliability(
    input="real MapMyRun rows: Avg Heart Rate 0 or empty without a monitor, an indoor workout of 0 km with pace "
    "and speed 0, a run whose GPS jumped (Max Pace 0.48 min/km, Max Speed 125 km/h), a fast bike ride",
    expected="kept: heart rate NULL, pace and speed NULL, the spike as measured, the ride not judged as a run",
    observed="each workout reaches silver.workouts; none is quarantined",
)
def test_what_mapmyrun_writes_for_no_data_keeps_the_workout(spark):
    raw = [
        _metric("1", avg_heart_rate="0"),
        _metric("2", avg_heart_rate=None),
        _metric("3", activity_type="Weight Workout", distance_km="0", avg_pace_min_km="0", max_pace_min_km="0",
                avg_speed_km_h="0", max_speed_km_h="0"),
        _metric("4", max_pace_min_km="0.481645938", max_speed_km_h="124.5728817"),
        # 60 km at 36 km/h: faster than any run, an ordinary ride
        _metric("5", activity_type="Bike Ride", distance_km="60", avg_pace_min_km="1.667", avg_speed_km_h="36",
                max_pace_min_km="1.2", max_speed_km_h="50", workout_time_seconds="6000"),
        _workout("6", workout_time_seconds="0", avg_pace_min_mi="0", avg_speed_mi_h="0"),  # logged by hand
    ]  # fmt: skip
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {}
    kept = {r.workout_key: r for r in valid_rows(flagged, workouts.CONTRACT).collect()}
    by_number = {n: kept[pseudonym_of(n)] for n in ("1", "2", "3", "4", "5", "6")}
    assert [by_number[n].avg_heart_rate for n in ("1", "2")] == [None, None]
    indoor = by_number["3"]
    assert (indoor.distance_km, indoor.avg_pace_min_per_km, indoor.avg_speed_kmh, indoor.max_speed_kmh) == (
        0.0, None, None, None)  # fmt: skip
    assert (by_number["4"].max_pace_min_per_km, by_number["4"].max_speed_kmh) == (0.482, 124.57)
    assert [(by_number[n].activity_type, by_number[n].on_foot) for n in ("3", "5", "1")] == [
        ("weight workout", False), ("bike ride", False), ("run", True)]  # fmt: skip
    hand = by_number["6"]
    assert (hand.duration_seconds, hand.distance_km, hand.avg_pace_min_per_km) == (None, 12.505, None)


@pytest.mark.parametrize(
    ("activity", "on_foot"),
    [("Run", True), ("Walk", True), ("Dog Walk", True), ("Hike", True), ("Indoor Run / Jog", True),
     ("Treadmill", True), ("Bike Ride", False), ("Machine Workout", False), ("Generic", False),
     ("Winter Sport / Activity", False), ("Rowing", False)],
)  # fmt: skip
def test_activity_types_are_known_on_foot_or_not(activity, on_foot):
    import re

    assert bool(re.search(workouts.ON_FOOT, activity.lower())) is on_foot


def test_on_foot_is_judged_by_the_engine_as_by_the_pattern(spark):
    raw = [_workout("1", activity_type="Dog Walk"), _workout("2", activity_type="Bike Ride")]
    kept = valid_rows(_transform(spark, raw), workouts.CONTRACT).collect()
    assert {r.activity_type: r.on_foot for r in kept} == {"dog walk": True, "bike ride": False}


def test_a_note_written_as_a_bytes_literal_is_decoded(spark):
    written = {  # as MapMyRun writes it -> the note
        "b''": None,
        "b'Sunny day'": "Sunny day",
        "b'caf\\xc3\\xa9 stop, it\\'s 5\\xe2\\x80\\x99'": "caf\u00e9 stop, it's 5\u2019",  # UTF-8 bytes, escaped quote
        'b"they\'re out"': "they're out",
        "Imported Workout": "Imported Workout",  # the 2017 export wrote plain text
        "b'cut off": "b'cut off",  # no literal: kept as written, not lost
    }
    raw = [_workout(str(i), Notes=w) for i, w in enumerate(written, 1)]
    kept = {r.workout_key: r.note for r in valid_rows(_transform(spark, raw), workouts.CONTRACT).collect()}
    assert kept == {pseudonym_of(str(i)): note for i, note in enumerate(written.values(), 1)}


@pytest.mark.reliability(
    input="a file whose header has no Link (the workout's identity) under any spelling",
    expected="its rows quarantined as missing_column(Link), never read as workouts without an id",
    observed="silver.workouts_quarantine holds them with that reason",
)
def test_a_file_without_a_required_column_is_quarantined_as_missing_it(spark):
    raw = [_workout("1", Link=None, _missing_fields=["Link"]), _workout("2")]
    flagged = _transform(spark, raw)
    assert quarantine_reasons(flagged) == {1: "missing_column(Link)"}
