"""Wearable minutes: one row per member and minute of Fitbit data, in UTC, for consenting members only.

The exports name a device, not a member, and write the wearer's local wall-clock time. The device resolves to
the member who held it on that day (silver.linked_accounts: a device is a Fitbit account) and the member to their
home site's time zone (silver.members, silver.locations). The device id is an identifier of its own, so only the
member's pseudonym is kept.

A minute's measures come from several files: the Narrow layout (a line per minute: FitLake's export with every
measure, or a Fitabase file with one), the Wide layout (a line per hour, a field per minute), heart-rate readings
every few seconds and sleep minutes stamped to the second. Each is read as records (a Narrow line, a Wide cell
group of one minute, a heart-rate reading, a sleep line), checked on its own, then the records of a device and
minute are merged into one row: a measure no file gives stays NULL, heart rate is the mean of the minute's
readings (rounded to a whole bpm, as Fitbit's minute files give it), sleep stamps are floored to their minute.
The records after the first are counted as merged (fitlake.quality.merge_rows), a record repeated (the same
kind of record for the same instant, re-sent) as a duplicate.

Time. A wall-clock minute becomes an instant in the member's home zone. The hour the clocks skip in spring has no
instants (quarantined: `local_minute_exists`). The hour they repeat in autumn appears twice in a file with the
same stamps, in order: the first time is the earlier instant (daylight time), the second the later one (standard
time), so both are kept, not taken for a re-sent copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import reduce

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Window, WindowSpec
from pyspark.sql import functions as F

from bronze.fitbit_minutes_wide_raw import MINUTES, minute_field
from fitlake.contracts import (
    DATE,
    DOUBLE,
    FIRST_DELIVERY,
    INT,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    Incremental,
    Lookup,
    TableContract,
    between,
    parsed,
    references,
    rule,
)
from fitlake.privacy import Secrets, decrypt, pseudonym
from fitlake.quality import (
    LINE_LINEAGE,
    conform,
    delivery_order,
    first_given,
    from_bronze,
    merge_rows,
    read_by_the_build,
)
from silver._fitbit_checks import DAILY, HOURLY, Totals, mismatches
from silver._lookups import lookup, site
from silver._parsing import identifier_text, local_to_utc, text, to_double, to_int, to_timestamp
from silver._research import CONSENT, account_holders, has_consent, known_account, with_account_holder
from silver.members import MEMBER_KEY

RESEARCH_DATA = True

# 1/5/2025 6:14:00 AM, as Fitbit writes it; 1/5/2025 6:14 once a spreadsheet has re-saved the file (Fitabase's
# minuteStepsWide). Nothing else is guessed.
FITBIT_TIMES = ("M/d/yyyy h:mm:ss a", "M/d/yyyy H:mm")
# Typed column -> the Narrow layout's field it is read from (kept as `<column>_text` for the parse rules).
SOURCE_FIELDS = {
    "minute_local_time": "ActivityMinute",
    "steps": "Steps",
    "calories": "Calories",
    "intensity": "Intensity",
    "mets": "METs",
    "heart_rate": "HeartRate",
    "sleep_state": "SleepValue",
}
# The measures of Fitbit's minute files, Narrow or Wide (bronze._fitabase.MINUTE_MEASURES).
MINUTE_MEASURES = ("steps", "calories", "intensity", "mets")
MEASURES = (*MINUTE_MEASURES, "heart_rate", "sleep_state")
# Records that are not minute-file records, by where they come from.
HEART_RATE_READING = "heart_rate_seconds"
SLEEP_MINUTE = "sleep"

INPUTS = (
    "bronze.wearables_raw",
    "bronze.fitbit_minutes_wide_raw",
    "bronze.fitbit_heartrate_seconds_raw",
    "bronze.fitbit_minute_sleep_raw",
    "silver.linked_accounts",
    "silver.members",
    "silver.locations",
)

CONTRACT = TableContract(
    name="silver.wearable_minutes",
    comment="One row per member and minute of wearable data, its measures merged across the export's files; "
    "instants in UTC. Research data: only minutes on or after the member's research consent date, while consent "
    "holds.",
    columns=(
        replace(MEMBER_KEY, comment="Member wearing the device"),
        Column("minute_at", TIMESTAMP, "Start of the minute (UTC)", nullable=False),
        Column("local_date", DATE, "Date where the member lives (home site's time zone)", nullable=False),
        Column("local_minute_of_day", INT, "Minute of the local day, 0-1439", nullable=False),
        Column("wearer_timezone", STRING, "IANA time zone of the member's home site", nullable=False),
        Column("steps", INT, "Steps in the minute; NULL when no file gives them"),
        Column("calories", DOUBLE, "Energy spent in the minute, kcal; NULL when no file gives it"),
        Column("intensity", INT, "0 sedentary, 1 light, 2 moderate, 3 very active; NULL when no file gives it"),
        Column("mets", DOUBLE, "Metabolic equivalents (the export's METs / 10); NULL when no file gives them"),
        Column(
            "heart_rate",
            INT,
            "Average heart rate in the minute, bpm (the mean of its readings, rounded half up); NULL while off the "
            "wrist",
        ),
        Column("sleep_state", INT, "1 asleep, 2 restless, 3 awake in bed; NULL while up"),
        *ROW_LINEAGE,
    ),
    keys=("member_key", "minute_at"),
    # Not partitioned: about 0.5M rows a year per wearer in the panel, far below the ~1 TB where Databricks
    # advises partitioning.
    expectations=(
        between("intensity", 0, 3),
        # Ranges a body can produce: sprinters' cadence stays under 300 steps a minute; resting hearts go
        # down to ~30 in trained athletes and maximal ones up to ~220; a whole minute at the limit of an
        # elite endurance athlete is ~25 METs and ~30 kcal.
        between("steps", 0, 300),
        between("heart_rate", 25, 250),
        between("mets", 0.5, 25),
        between("calories", 0, 30),
        between("sleep_state", 1, 3),
        # A record that says nothing (a Wide line's empty cell) makes no minute.
        rule("records_a_measure", " OR ".join(f"{m} IS NOT NULL" for m in MEASURES)),
        # The hour the clocks skip in spring has no instants: its minutes would land on the next hour's.
        rule(
            "local_minute_exists",
            "CASE WHEN minute_at IS NULL OR wearer_timezone IS NULL OR local_minute_of_day IS NULL THEN TRUE"
            " ELSE hour(from_utc_timestamp(minute_at, wearer_timezone)) * 60"
            " + minute(from_utc_timestamp(minute_at, wearer_timezone)) = local_minute_of_day END",
        ),
    ),
    foreign_keys=(references("member_key", "silver.members"),),
    # A device nobody held that day is quarantined: withheld means a known member who has not consented.
    parse_rules=(
        # Missing, not unreadable: an id that is there but names no one is parseable()'s to report.
        rule("not_null(wearable_device_id)", "device_id_text IS NOT NULL"),
        parsed("wearable_device_id", "device_id_text"),
        known_account("wearable_device_id", "minute_local_time"),
        *[parsed(c) for c in SOURCE_FIELDS],
    ),
    keep=FIRST_DELIVERY,
)
# Fitbit's own totals, checked against this table's sums after each build (fitlake.tasks: a warning, not a rule).
CROSS_CHECKS = (HOURLY, DAILY)
# A day's build takes the day's batches (fitlake.incremental); a day that brings a record of a minute already kept
# (a re-sent file, a measure delivered late) is built whole, to merge it.
INCREMENTAL = Incremental(
    (
        Lookup(
            "silver.linked_accounts",
            on=("provider", "account_key"),
            take=("member_key", "linked_date", "unlinked_date"),
        ),
        Lookup("silver.members", on=("member_key",), take=(*CONSENT, "home_location_id")),
        site("timezone"),
    ),
    merges_records=True,
)
# A record is a copy of another when it is the same kind of record (the same measures, or a heart-rate reading, or
# a sleep minute) of the same device at the same instant: the first delivery wins (CONTRACT.keep).
RECORD_KEYS = ("member_key", "reading_at", "record_kind")


def wearers(linked_accounts: DataFrame, members: DataFrame, locations: DataFrame) -> DataFrame:
    """Per device (a Fitbit account) and period it was held: the member's pseudonym, research consent and home
    time zone."""
    holders = account_holders(linked_accounts, members, "fitbit", member_columns=("home_location_id",))
    return lookup(holders, locations, ("home_location_id", "location_id"), {"timezone": "wearer_timezone"})


def with_wearer(rows: DataFrame, by_device: DataFrame, secrets: Secrets, take: dict[str, str]) -> DataFrame:
    """`rows` (with `wearable_device_id` and `minute_local_time`) with `take` from the member holding the device on
    the row's local day (a device's holding periods never overlap: one holder at most).

    Joined on every record: finding the holder once per device and day instead, then joining back, wrote the
    records' plan twice (a test's JVM replay took a quarter longer) and was no faster on small (the step's
    median of five runs: 36.2 s that way, 35.0 s this way; bench/RESULTS.md)."""
    device = pseudonym("wearable_device_id", secrets.pseudonym_salt)
    return with_account_holder(rows, by_device, device, F.to_date("minute_local_time"), take)


# Every source's records in the Narrow layout's text fields, plus the record's minute within its line (a Wide
# line's 0-59) and its kind when it is not a minute-file record.
_NARROW_FIELDS = tuple(SOURCE_FIELDS.values())


def _records(raw: DataFrame, fields: dict[str, SparkColumn], kind: str | None = None) -> DataFrame:
    missing = F.lit(None).cast("string")
    return raw.select(
        "Id",
        *[fields.get(f, missing).alias(f) for f in _NARROW_FIELDS],
        fields.get("_minute_of_line", F.lit(0)).alias("_minute_of_line"),
        F.lit(kind).cast("string").alias("_record_kind"),
        *LINE_LINEAGE,
    )


def _decrypted(raw: DataFrame, secrets: Secrets) -> DataFrame:
    """The device id in clear, in its own column (every use of an expression may evaluate it again); the line
    itself dropped: research data's quarantined records keep no line outside Bronze (fitlake.tasks, keep_raw),
    and a Wide line would be carried 60 times through the merge."""
    return raw.withColumn("Id", decrypt("Id", secrets.pii_key)).withColumn("_raw", F.lit(None).cast("string"))


def _wide_records(wide: DataFrame, secrets: Secrets) -> DataFrame:
    """A Wide line as its 60 minute records: Steps07, Intensity07, ... become minute 7's Steps, Intensity, ..."""
    narrow_name = {"steps": "Steps", "calories": "Calories", "intensity": "Intensity", "mets": "METs"}
    cells = F.array(
        *[
            F.struct(
                F.lit(i).alias("_minute_of_line"),
                *[F.col(minute_field(field, i)).alias(field) for field in narrow_name.values()],
            )
            for i in MINUTES
        ]
    )
    # Decrypted before the line becomes 60 records: once a line, not once a minute.
    by_minute = _decrypted(wide, secrets).select("Id", "ActivityHour", *LINE_LINEAGE, F.inline(cells))
    return _records(
        by_minute,
        {
            "ActivityMinute": F.col("ActivityHour"),
            **{f: F.col(f) for f in narrow_name.values()},
            "_minute_of_line": F.col("_minute_of_line"),
        },
    )


def _local_time(name: str) -> SparkColumn:
    return F.coalesce(*[to_timestamp(name, pattern) for pattern in FITBIT_TIMES])


def _plus_seconds(instant: SparkColumn, seconds: SparkColumn) -> SparkColumn:
    return F.timestamp_seconds(F.unix_seconds(instant) + seconds)


def _record_kind() -> SparkColumn:
    """The measures a minute-file record gives (`steps,intensity`), or where a record of another kind came from."""
    given = [F.when(F.col(f"{m}_text").isNotNull(), F.lit(m)) for m in MINUTE_MEASURES]
    return F.coalesce(F.col("_record_kind"), F.concat_ws(",", *given))


def _readings(records: DataFrame) -> DataFrame:
    reading_local_time = _plus_seconds(_local_time("ActivityMinute"), F.col("_minute_of_line") * 60)
    return from_bronze(
        records,
        text("Id").alias("device_id_text"),
        identifier_text("Id").alias("wearable_device_id"),
        reading_local_time.alias("reading_local_time"),
        F.date_trunc("minute", reading_local_time).alias("minute_local_time"),
        to_int("Steps").alias("steps"),
        to_double("Calories").alias("calories"),
        to_int("Intensity").alias("intensity"),
        (to_double("METs") / 10).alias("mets"),
        to_int("HeartRate").alias("heart_rate"),
        to_int("SleepValue").alias("sleep_state"),
        *[text(field).alias(f"{c}_text") for c, field in SOURCE_FIELDS.items()],
        "_record_kind",
    ).withColumn("record_kind", _record_kind())


def _placed_in_time(typed: DataFrame) -> DataFrame:
    """The UTC instant of each reading; the repeated autumn hour's second pass is an hour later."""
    local = F.col("reading_local_time")
    # The earlier instant is a column of its own: its zone check is a list of every known zone, and written
    # into each of its uses (the instant, its minute) it was 62 of the 400 KB of a test's plan for the engines
    # to analyse. (The step's time on small did not change: bench/RESULTS.md.)
    earlier = F.col("_earlier_instant")
    # An hour that repeats: an hour after its earlier instant the clock shows the same time again.
    repeated = F.from_utc_timestamp(_plus_seconds(earlier, F.lit(3600)), F.col("wearer_timezone")) == local
    in_file = Window.partitionBy("wearable_device_id", "_source_file", "reading_local_time", "record_kind")
    second_pass = F.row_number().over(in_file.orderBy("_line_number")) == 2
    reading_at = F.when(repeated & second_pass, _plus_seconds(earlier, F.lit(3600))).otherwise(earlier)
    minute = F.col("minute_local_time")
    return (
        typed.withColumn("_earlier_instant", local_to_utc(local, "wearer_timezone"))
        .select("*", reading_at.alias("reading_at"))
        .select(
            "*",
            F.date_trunc("minute", "reading_at").alias("minute_at"),
            F.to_date(minute).alias("local_date"),
            (F.hour(minute) * 60 + F.minute(minute)).alias("local_minute_of_day"),
        )
        .drop("_earlier_instant")
    )


def _heart_rate(minute: WindowSpec) -> SparkColumn:
    reading = F.col("record_kind") == HEART_RATE_READING
    per_minute = first_given(F.when(~reading, F.col("heart_rate")))(minute)
    mean_reading = F.round(F.avg(F.when(reading, F.col("heart_rate"))).over(minute)).cast("int")
    return F.coalesce(per_minute, mean_reading)


def _merged_measures() -> dict[str, Callable[[WindowSpec], SparkColumn]]:
    """Each measure of a minute from its records: the first delivered that gives it; heart rate, when no
    minute file gives it, the mean of the minute's readings."""
    return {**{m: first_given(m) for m in MEASURES}, "heart_rate": _heart_rate}


def transform(
    wearables_raw: DataFrame,
    fitbit_minutes_wide_raw: DataFrame,
    fitbit_heartrate_seconds_raw: DataFrame,
    fitbit_minute_sleep_raw: DataFrame,
    linked_accounts: DataFrame,
    members: DataFrame,
    locations: DataFrame,
    *,
    secrets: Secrets,
) -> DataFrame:
    records = [
        _records(_decrypted(wearables_raw, secrets), {f: F.col(f) for f in _NARROW_FIELDS}),
        _wide_records(fitbit_minutes_wide_raw, secrets),
        _records(
            _decrypted(fitbit_heartrate_seconds_raw, secrets),
            {"ActivityMinute": F.col("Time"), "HeartRate": F.col("Value")},
            HEART_RATE_READING,
        ),
        _records(
            _decrypted(fitbit_minute_sleep_raw, secrets),
            {"ActivityMinute": F.col("date"), "SleepValue": F.col("value")},
            SLEEP_MINUTE,
        ),
    ]
    parsed_rows = _readings(reduce(DataFrame.unionByName, records))
    by_device = wearers(linked_accounts, members, locations)
    taken = ("member_key", *CONSENT, "wearer_timezone")
    typed = with_wearer(parsed_rows, by_device, secrets, {c: c for c in taken})
    flagged = conform(_placed_in_time(typed), CONTRACT, consented=has_consent(F.col("local_date")), keys=RECORD_KEYS)
    # Records from different files can share a file name and line in hand-made exports: the kind and stamp settle
    # a tie, so which record is kept is never the engine's choice (Sail and the JVM chose differently).
    tie_break = ("record_kind", "reading_local_time")
    # Into the merge only what the build reads after it and what the merge orders by: Sail 0.7.2 runs each of its
    # window functions as a step of its own that carries every column it is given, and the records' text fields,
    # ids and consent made that 20% of the step (bench/RESULTS.md).
    flagged = flagged.select(*dict.fromkeys((*read_by_the_build(CONTRACT), *CONTRACT.keep.order, *tie_break)))
    order = [*delivery_order(CONTRACT.keep), *map(F.col, tie_break)]
    return merge_rows(flagged, CONTRACT.keys, order, _merged_measures())


def cross_check(
    wearable_minutes: DataFrame,
    totals_raw: DataFrame,
    totals: Totals,
    linked_accounts: DataFrame,
    members: DataFrame,
    locations: DataFrame,
    *,
    secrets: Secrets,
) -> DataFrame:
    """Per member and hour (or day) of `totals`: Fitbit's figures, the minutes' sums, and whether they differ."""
    by_device = wearers(linked_accounts, members, locations)
    return mismatches(
        wearable_minutes,
        totals_raw,
        totals,
        lambda rows: with_wearer(rows, by_device, secrets, {"member_key": "member_key"}),
        secrets,
    )
