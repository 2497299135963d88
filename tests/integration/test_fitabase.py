"""The real Fitabase export (../shared/data/fitabase) through `fitlake import fitbit`, Bronze, Silver and Gold, in this
process; every Fitabase Id a Fitbit account linked (silver.linked_accounts) to a consenting member at the New York
site.

The suite builds a slice of the export: every line, byte for byte, of three of its 33 devices, from every file
(one with heart-rate readings, one whose sleep file repeats 543 stamps, one of four days; two have a day off the
wrist). The whole folder (1.08M
lines) is bench/fitbit.py's, which checks the same oracle on every participant-day and times it.

The oracle is pandas on the raw CSV files, with no FitLake code: the Wide files unpivoted, heart-rate readings
averaged per minute, sleep stamps floored to the minute, all merged per device and minute, then counted per day
as gold.wearable_daily_activity's docstring says. The data is third-party and read-only: it is read in place
(FITLAKE_FITABASE_DATA overrides the folder); CI has it, and these tests skip only where it is absent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bronze._raw import source_fields
from fitlake import io
from fitlake.fitbit_import import import_fitbit
from fitlake.quality import count_outcomes, quarantine_contract, quarantined_rows, valid_rows
from fitlake.reconciliation import batch_outcomes, bronze_records, reconcile
from fitlake.registry import contracts, table_modules
from fitlake.runlog import RunLog
from fitlake.tasks import TaskContext, ingest_bronze
from gold import wearable_daily_activity
from silver import wearable_minutes
from tests.builders import linked_account_rows, pseudonym_of, use_test_secrets
from tests.conftest import temporary_lakehouse
from tests.silver.research_rows import members_rows
from tests.silver.sites import location_rows

FITABASE = Path(os.environ.get("FITLAKE_FITABASE_DATA") or Path(__file__).parents[2].parent / "shared/data/fitabase")
# Heart-rate readings and 15k sleep lines; 543 sleep lines re-sent and a day off the wrist; four days of data.
SLICE = ("2026352035", "4702921684", "4057192912")
WIDE_FILES = {"minuteStepsWide_merged.csv": "Steps", "minuteIntensitiesWide_merged.csv": "Intensity"}
MINUTE_SOURCES = wearable_minutes.INPUTS[:4]


@dataclass(frozen=True)
class Build:
    silver: pd.DataFrame
    gold: pd.DataFrame
    reconciliation: list
    bronze_rows: dict[str, int]
    outcomes: object
    cross_checks: dict[str, pd.DataFrame]  # source of Fitbit's totals -> the periods compared


def _member(device: str) -> str:
    return f"FB{device}"


def slice_of(export: Path, devices: tuple[str, ...], folder: Path) -> Path:
    """Every file of `export` with its header and the lines of `devices` only, bytes untouched."""
    folder.mkdir(parents=True)
    wanted = {d.encode() for d in devices}
    for path in sorted(export.glob("*.csv")):
        with path.open("rb") as source, (folder / path.name).open("wb") as out:
            out.write(source.readline())
            out.writelines(line for line in source if line.split(b",", 1)[0] in wanted)
    return folder


def narrow_of(wide_export: Path, folder: Path) -> Path:
    """The export with its Wide minute files as Fitbit's Narrow ones (a line per minute, `4/12/2016 12:01:00 AM`),
    written with pandas from the Wide files; every other file as it is."""
    folder.mkdir(parents=True)
    for path in sorted(wide_export.glob("*.csv")):
        if path.name not in WIDE_FILES:
            (folder / path.name).write_bytes(path.read_bytes())
            continue
        measure = WIDE_FILES[path.name]
        cells = _wide(wide_export, path.name, measure)
        cells["ActivityMinute"] = cells["minute"].dt.strftime("%-m/%-d/%Y %-I:%M:%S %p")
        narrow = path.name.replace("Wide", "Narrow")
        cells[["Id", "ActivityMinute", measure]].to_csv(folder / narrow, index=False, lineterminator="\r\n")
    return folder


def _build(sail_engine, home: Path, export: Path) -> Build:
    """`export` imported into `home`, ingested, and built through silver.wearable_minutes and its Gold mart."""
    use_test_secrets(home)
    import_fitbit(export, home / "landing", say=lambda _: None)
    spark = sail_engine.spark
    with temporary_lakehouse(sail_engine, home) as lh:
        ingest_bronze(TaskContext(lh, RunLog(lh, "fitabase-test")))
        raw = [lh.read(name) for name in MINUTE_SOURCES]
        devices = sorted({d for p in _csvs(export) for d in pd.read_csv(p, dtype=str, usecols=["Id"])["Id"]})
        members = {_member(d): (True, date(2016, 1, 1), "BKN") for d in devices}
        accounts = linked_account_rows(spark, [(_member(d), "fitbit", d, date(2016, 1, 1), None) for d in devices])
        flagged_plan = wearable_minutes.transform(
            *raw, accounts, members_rows(spark, members), location_rows(spark), secrets=lh.secrets
        )
        contract = wearable_minutes.CONTRACT
        with io.staged(lh, "fitabase.flagged", flagged_plan) as flagged:
            io.write(lh, contract, valid_rows(flagged, contract), "overwrite")
            io.write(
                lh, quarantine_contract(contract), quarantined_rows(flagged, datetime.now(UTC), False), "overwrite"
            )
            sources = [(lh.read(n), contracts()[n]) for n in MINUTE_SOURCES]
            checked = reconcile(
                bronze_records(sources), batch_outcomes(flagged), lh.read(contract),
                lh.read(quarantine_contract(contract)), contract.name, ", ".join(MINUTE_SOURCES), "fitabase-test",
            ).collect()  # fmt: skip
            outcomes = count_outcomes(flagged)
        references = (accounts, members_rows(spark, members), location_rows(spark))
        checks = {
            t.source: wearable_minutes.cross_check(
                lh.read(contract), lh.read(t.source), t, *references, secrets=lh.secrets
            ).toPandas()
            for t in wearable_minutes.CROSS_CHECKS
        }
        silver = lh.read(contract).toPandas()
        gold = wearable_daily_activity.transform(lh.read(contract)).toPandas()
        bronze = {m.name: lh.read(m.contract).count() for m in table_modules("bronze") if lh.exists(m.contract)}
    return Build(silver, gold, checked, bronze, outcomes, checks)


def _csvs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.name.startswith(("minute", "heartrate")))


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    if not FITABASE.is_dir():
        pytest.skip(f"no Fitabase data at {FITABASE} (set FITLAKE_FITABASE_DATA to its folder)")
    return slice_of(FITABASE, SLICE, tmp_path_factory.mktemp("fitabase-slice") / "export")


@pytest.fixture(scope="module")
def fitabase(sail_engine, tmp_path_factory, export) -> Build:
    return _build(sail_engine, tmp_path_factory.mktemp("fitabase"), export)


# --- the oracle: pandas on the raw files -------------------------------------------------------------------------


def _local(text: pd.Series) -> pd.Series:
    """Fitbit's stamps, `4/13/2016 12:00:00 AM`, or `4/13/2016 0:00` once Excel re-saved the file."""
    twelve_hour = pd.to_datetime(text, format="%m/%d/%Y %I:%M:%S %p", errors="coerce")
    return twelve_hour.fillna(pd.to_datetime(text, format="%m/%d/%Y %H:%M", errors="coerce"))


def _wide(folder: Path, name: str, measure: str) -> pd.DataFrame:
    hours = pd.read_csv(folder / name, dtype=str)
    cells = hours.melt(id_vars=["Id", "ActivityHour"], var_name="field", value_name=measure)
    offset = pd.to_timedelta(cells["field"].str[-2:].astype(int), unit="min")
    cells["minute"] = _local(cells["ActivityHour"]) + offset
    cells[measure] = cells[measure].astype(int)
    return cells[["Id", "minute", measure]]


def oracle_minutes(folder: Path) -> pd.DataFrame:
    """Per device and local minute: steps, intensity (Wide files), heart rate (mean of the minute's readings, half
    up) and sleep state (the first line of the minute), merged on device and minute."""
    steps = _wide(folder, "minuteStepsWide_merged.csv", "steps")
    intensity = _wide(folder, "minuteIntensitiesWide_merged.csv", "intensity")
    beats = pd.read_csv(folder / "heartrate_seconds_merged.csv", dtype={"Id": str})
    beats["minute"] = _local(beats["Time"]).dt.floor("min")
    heart = beats.groupby(["Id", "minute"], as_index=False)["Value"].mean()
    heart["heart_rate"] = np.floor(heart["Value"] + 0.5).astype(int)
    sleep = pd.read_csv(folder / "minuteSleep_merged.csv", dtype={"Id": str})
    sleep["minute"] = _local(sleep["date"]).dt.floor("min")
    sleep = sleep.drop_duplicates(["Id", "minute"], keep="first").rename(columns={"value": "sleep_state"})
    merged = steps.merge(intensity, on=["Id", "minute"], how="outer")
    merged = merged.merge(heart[["Id", "minute", "heart_rate"]], on=["Id", "minute"], how="outer")
    return merged.merge(sleep[["Id", "minute", "sleep_state"]], on=["Id", "minute"], how="outer")


def oracle_days(minutes: pd.DataFrame) -> pd.DataFrame:
    """gold.wearable_daily_activity's figures from the minutes: a sleep minute is sleep, any other its intensity
    level (or without one); a day of no step and 1,440 sedentary minutes was not worn (no clock change in the
    study's April and May)."""
    m = minutes.assign(local_date=minutes["minute"].dt.date)
    awake = m["sleep_state"].isna()
    levels = {"sedentary": 0, "light": 1, "moderate": 2, "very_active": 3}
    for level, code in levels.items():
        at_level = awake & (m["intensity"] == code)
        m[f"{level}_minutes"] = at_level.astype(int)
        m[f"{level}_steps"] = m["steps"].where(at_level, 0).where(m["steps"].notna())
        if level == "sedentary":
            m["sedentary_heart_rate"] = m["heart_rate"].where(at_level)
    m["no_intensity_minutes"] = (awake & m["intensity"].isna()).astype(int)
    for state, code in {"asleep": 1, "restless": 2, "awake_in_bed": 3}.items():
        m[f"{state}_minutes"] = (m["sleep_state"] == code).astype(int)
    m["still_minute"] = (m["intensity"] == 0).astype(int)
    days = m.groupby(["Id", "local_date"])
    counted = [c for c in m.columns if c.endswith("_minutes")]
    out = days[counted].sum()
    out["recorded_minutes"] = days.size()
    for column in ["steps", *(f"{level}_steps" for level in levels)]:
        out[column] = days[column].sum(min_count=1)
    out["sedentary_avg_heart_rate"] = days["sedentary_heart_rate"].mean()
    with_intensity = days["intensity"].count()
    out["device_worn"] = ~(
        (out["steps"].fillna(0) == 0) & (days["still_minute"].sum() == with_intensity) & (with_intensity >= 1440)
    )
    return out.reset_index()


def _comparable(days: pd.DataFrame, columns: list[str]) -> list[tuple]:
    rows = days[columns].astype(object).where(days[columns].notna(), None)
    return sorted(tuple(r) for r in rows.itertuples(index=False))


# --- the tests ---------------------------------------------------------------------------------------------------


def test_every_participant_day_of_gold_equals_pandas_on_the_raw_files(fitabase, export):
    expected = oracle_days(oracle_minutes(export))
    assert_gold_equals_oracle(fitabase.gold, expected)
    assert len(expected) > 60 and set(expected["Id"]) == set(SLICE)


def assert_gold_equals_oracle(gold: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every participant-day of `gold` (members named FB<device>) equals the oracle's, every column but calories."""
    device_of = {pseudonym_of(_member(d)): d for d in expected["Id"].unique()}
    actual = gold.assign(Id=gold["member_key"].map(device_of))
    assert actual["Id"].notna().all()
    compared = [c for c in wearable_daily_activity.CONTRACT.column_names if c not in ("member_key", "calories")]
    compared = [c for c in compared if not c.endswith("_calories")]
    assert len(actual) == len(expected)
    assert _comparable(actual, ["Id", *compared]) == _comparable(expected, ["Id", *compared])
    # No Fitabase file here has calories per minute: NULL, not 0 kcal.
    calories = [c for c in wearable_daily_activity.CONTRACT.column_names if c.endswith("calories")]
    assert gold[calories].isna().all().all()


def test_days_off_the_wrist_are_flagged(fitabase):
    off = fitabase.gold[~fitabase.gold["device_worn"]]
    assert len(off) >= 2
    assert (off["steps"] == 0).all() and (off["sedentary_minutes"] == 1440).all()


def _repeated_stamps(export: Path) -> int:
    """Lines that repeat an earlier line's device, stamp and kind of record: re-sent copies."""
    files = {"heartrate_seconds_merged.csv": "Time", "minuteSleep_merged.csv": "date"}
    files |= dict.fromkeys(WIDE_FILES, "ActivityHour")
    repeated = 0
    for name, stamp in files.items():
        lines = pd.read_csv(export / name, dtype=str)
        repeated += int(lines.duplicated(["Id", stamp]).sum()) * (60 if name in WIDE_FILES else 1)
    return repeated


def test_every_record_of_the_real_files_is_accounted_for_per_batch(fitabase, export):
    [batch] = fitabase.reconciliation
    lines = {name: fitabase.bronze_rows[name] for name in MINUTE_SOURCES}
    wide = "bronze.fitbit_minutes_wide_raw"
    assert batch.bronze_rows == sum(lines.values()) + lines[wide] * (60 - 1)
    assert batch.balanced
    assert batch.silver_rows == len(fitabase.silver)
    # Each Wide minute is two records (steps, intensity): one row and one merged; heart-rate readings merge into
    # their minute; sleep lines that repeat an earlier line's stamp are duplicates.
    duplicates = _repeated_stamps(export)
    assert duplicates > 0
    assert (batch.quarantined, batch.withheld, batch.duplicates) == (0, 0, duplicates)
    assert batch.merged > lines[wide] * 60 // 2


def test_each_device_minute_is_one_silver_row(fitabase, export):
    silver = fitabase.silver
    assert not silver.duplicated(["member_key", "minute_at"]).any()
    heart = silver[silver["heart_rate"].notna()]
    with_readings = pd.read_csv(export / "heartrate_seconds_merged.csv", dtype=str)["Id"].nunique()
    assert heart["member_key"].nunique() == with_readings >= 1


def test_every_exported_field_is_declared_so_nothing_is_rescued():
    if not FITABASE.is_dir():
        pytest.skip(f"no Fitabase data at {FITABASE}")
    declared = set().union(*(source_fields(m.contract).values() for m in table_modules("bronze") if "fitbit" in m.name))
    declared |= set(source_fields(contracts()["bronze.wearables_raw"]).values())
    for path in FITABASE.glob("*.csv"):
        header = set(pd.read_csv(path, nrows=0).columns)
        assert header <= declared, f"{path.name}: undeclared {sorted(header - declared)}"


def test_the_minutes_sum_to_fitbits_hourly_totals_and_differ_from_its_daily_steps_where_pandas_says(fitabase, export):
    hourly = fitabase.cross_checks["bronze.fitbit_hourly_raw"]
    # The README: the Wide minute sums equal hourlySteps and hourlyIntensities on every common hour.
    assert len(hourly) > 1000 and not hourly["differs"].any()
    daily = fitabase.cross_checks["bronze.fitbit_daily_raw"]
    # ...and minute steps differ from dailyActivity's TotalSteps on some days (about 17% in the whole study).
    minutes = oracle_minutes(export)
    per_day = minutes.groupby(["Id", minutes["minute"].dt.date])["steps"]
    sums = per_day.sum(min_count=1).rename("minute_steps").reset_index()
    days = pd.read_csv(export / "dailyActivity_merged.csv", dtype={"Id": str})
    days["minute"] = pd.to_datetime(days["ActivityDate"], format="%m/%d/%Y").dt.date
    both = days.merge(sums.dropna(), on=["Id", "minute"])  # a day with no minute steps is not compared
    expected = sorted(
        (pseudonym_of(_member(r.Id)), r.minute) for r in both.itertuples() if r.TotalSteps != r.minute_steps
    )
    found = sorted((r.member_key, r.local_date) for r in daily[daily["differs"]].itertuples())
    assert found == expected and expected


def test_wide_and_narrow_minute_files_give_the_same_silver(sail_engine, tmp_path_factory, fitabase, export):
    # One device of the slice (its four days, 64 Wide lines: 7,680 Narrow ones), built again from Narrow files.
    device = "4057192912"
    folder = tmp_path_factory.mktemp("fitabase-narrow")
    narrow = narrow_of(slice_of(export, (device,), folder / "wide"), folder / "narrow")
    assert not list(narrow.glob("*Wide*"))
    from_narrow = _build(sail_engine, tmp_path_factory.mktemp("fitabase-narrow-home"), narrow)
    from_wide = fitabase.silver[fitabase.silver["member_key"] == pseudonym_of(_member(device))]
    measured = [c.name for c in wearable_minutes.CONTRACT.columns if not c.name.startswith("_")]
    assert _comparable(from_narrow.silver, measured) == _comparable(from_wide, measured)
    assert len(from_narrow.silver) == len(from_wide) > 3_000
