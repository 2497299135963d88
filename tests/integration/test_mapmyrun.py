"""The real MapMyRun exports (../shared/data/mapmyrun) through `fitlake import mapmyrun`, Bronze, silver.workouts and
gold.workout_classification, in this process, once for the module.

The account's own download (`user118862045_workout_history.csv`) is imported by the account in its name, linked
(silver.linked_accounts) to a consenting member; the two others, whose names give no account, with --member. Before
it, an older download of the same account is imported: the real file without its newest workouts (MapMyRun writes
newest first), so the real one is a newer download whose overlap must count as duplicates. None of the real files
has a workout of a day or more, so three of the 2017 file's workouts are imported again under new workout numbers
with their duration set around a day (`left_running.csv`), as the app left running writes them.

The oracle is pandas on the raw files, with no FitLake code: dates parsed, miles converted with 1.609344 km. The data
is third-party and read-only: it is read in place (FITLAKE_MAPMYRUN_DATA overrides the folder); CI has it, and these
tests skip only where it is absent.
"""

from __future__ import annotations

import csv
import io as text_io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bronze.workouts_raw import CONTRACT as RAW
from fitlake import io
from fitlake.cli import app
from fitlake.delta_log import list_tables
from fitlake.mapmyrun_import import NotAMapMyRunExport, import_mapmyrun
from fitlake.quality import quarantine_contract, quarantined_rows, valid_rows
from fitlake.reconciliation import batch_outcomes, bronze_records, reconcile
from fitlake.runlog import RunLog
from fitlake.settings import Settings
from fitlake.tasks import TaskContext, ingest_bronze
from gold import workout_classification
from silver import workouts
from tests.builders import linked_account_rows, member_pii_rows, pseudonym_of, use_test_secrets
from tests.conftest import temporary_lakehouse
from tests.integration.conftest import cli_env
from tests.silver.research_rows import members_rows

MAPMYRUN = Path(os.environ.get("FITLAKE_MAPMYRUN_DATA") or Path(__file__).parents[2].parent / "shared/data/mapmyrun")
ACCOUNT_ID = "118862045"
ACCOUNT_FILE = f"user{ACCOUNT_ID}_workout_history.csv"
# Each real file and the member it is imported for: the account's holder, or the member given with --member.
MEMBERS = {ACCOUNT_FILE: "MMR-A", "TD_workout_history_2021-01-31.csv": "MMR-TD", "workout_history_2017.csv": "MMR-2017"}
BY_MEMBER = {name: m for name, m in MEMBERS.items() if name != ACCOUNT_FILE}
NEWER = 40  # workouts the older download of the account lacks
LEFT_RUNNING = (86_399, 86_400, 100_000)  # seconds: one second under a day, a day, more
MILE_KM = 1.609344  # the international mile


@dataclass(frozen=True)
class Build:
    home: Path
    flagged: pd.DataFrame  # every Bronze row's outcome: workout_key, batch, file, reason, duplicate, withheld
    silver: pd.DataFrame
    quarantine: pd.DataFrame
    reconciliation: list
    batches: dict[str, str]  # what was imported -> its Bronze batch
    landed_again: list  # fitlake.landing_import.Landed of importing every file a second time
    tables_before: dict[str, tuple[int, int]]  # table -> (Delta version, rows) before the second import and ingest
    tables_after: dict[str, tuple[int, int]]
    gold: pd.DataFrame


def _records(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = text_io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])  # MapMyRun's CRLF
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _older_download(folder: Path) -> Path:
    """The account's download as made before its newest NEWER workouts, under MapMyRun's own name."""
    header, rows = _records(MAPMYRUN / ACCOUNT_FILE)
    return _write_csv(folder / ACCOUNT_FILE, header, rows[NEWER:])


def _left_running(folder: Path) -> Path:
    """Three real 2017 workouts with new workout numbers and durations around a day."""
    header, rows = _records(MAPMYRUN / "workout_history_2017.csv")
    seconds, link = header.index("Workout Time (seconds)"), header.index("Link")
    changed = []
    for i, (row, duration) in enumerate(zip(rows, LEFT_RUNNING, strict=False)):
        row = list(row)
        row[seconds], row[link] = str(duration), f"http://www.mapmyrun.com/workout/{9_000_000_001 + i}"
        changed.append(row)
    return _write_csv(folder / "left_running.csv", header, changed)


def _tables(home: Path) -> dict[str, tuple[int, int]]:
    return {t.name: (t.version, t.rows) for t in list_tables(Settings(home=home))}


def _build(sail_engine, home: Path, work: Path) -> Build:
    use_test_secrets(home)
    settings = Settings(home=home, settle_seconds=0)
    quiet = {"say": lambda _: None}
    spark = sail_engine.spark
    batches = {}
    with temporary_lakehouse(sail_engine, home) as lh:

        def ingest(run_id: str) -> None:
            ingest_bronze(TaskContext(lh, RunLog(lh, run_id)))

        import_mapmyrun([_older_download(work / "older")], settings, **quiet)
        for name, member in BY_MEMBER.items():
            import_mapmyrun([MAPMYRUN / name], settings, member, **quiet)
        import_mapmyrun([_left_running(work)], settings, "MMR-2017", **quiet)
        ingest("mapmyrun-1")
        import_mapmyrun([MAPMYRUN / ACCOUNT_FILE], settings, **quiet)
        ingest("mapmyrun-2")
        batches = {"first": "mapmyrun-1", "newer download": "mapmyrun-2"}
        # Everything again: the same bytes are not landed twice, so the ingest finds nothing new.
        before = _tables(home)
        again = import_mapmyrun([_older_download(work / "again"), MAPMYRUN / ACCOUNT_FILE], settings, **quiet)
        for name, member in BY_MEMBER.items():
            again += import_mapmyrun([MAPMYRUN / name], settings, member, **quiet)
        ingest("mapmyrun-3")
        after = _tables(home)

        consents = {m: (True, date(2000, 1, 1), "BKN") for m in MEMBERS.values()}
        flagged_plan = workouts.transform(
            lh.read(RAW),
            member_pii_rows(spark, list(MEMBERS.values())),
            members_rows(spark, consents),
            linked_account_rows(spark, [(MEMBERS[ACCOUNT_FILE], "mapmyrun", ACCOUNT_ID, date(2000, 1, 1), None)]),
            secrets=lh.secrets,
        )
        contract = workouts.CONTRACT
        with io.staged(lh, "mapmyrun.flagged", flagged_plan) as flagged:
            io.write(lh, contract, valid_rows(flagged, contract), "overwrite")
            io.write(
                lh, quarantine_contract(contract), quarantined_rows(flagged, datetime.now(UTC), False), "overwrite"
            )
            checked = reconcile(
                bronze_records([(lh.read(RAW), RAW)]), batch_outcomes(flagged), lh.read(contract),
                lh.read(quarantine_contract(contract)), contract.name, RAW.name, "mapmyrun-test",
            ).collect()  # fmt: skip
            outcomes = flagged.select(
                "workout_key", "_batch_id", "_source_file", "_quarantine_reason", "_is_duplicate", "_is_withheld"
            ).toPandas()
        silver = lh.read(contract).toPandas()
        quarantine = lh.read(quarantine_contract(contract)).toPandas()
        gold = workout_classification.transform(lh.read(contract)).toPandas()
    return Build(home, outcomes, silver, quarantine, checked, batches, again, before, after, gold)


@pytest.fixture(scope="module")
def mapmyrun(sail_engine, tmp_path_factory) -> Build:
    if not MAPMYRUN.is_dir():
        pytest.skip(f"no MapMyRun data at {MAPMYRUN} (set FITLAKE_MAPMYRUN_DATA to its folder)")
    return _build(sail_engine, tmp_path_factory.mktemp("mapmyrun-home"), tmp_path_factory.mktemp("mapmyrun-files"))


# --- the oracle: pandas on the raw files -------------------------------------------------------------------------


def _dates(text: pd.Series) -> pd.Series:
    """MapMyRun's dates: "Jan. 30, 2021", "June 11, 2017", "Sept. 3, 2019" (month names, some abbreviated)."""
    cleaned = text.str.replace(".", "", regex=False).str.replace("Sept ", "Sep ", regex=False)
    return pd.to_datetime(cleaned, format="%b %d, %Y", errors="coerce").fillna(
        pd.to_datetime(cleaned, format="%B %d, %Y", errors="coerce")
    )


def raw_workouts(name: str) -> pd.DataFrame:
    """A real file as its author's units tell: km, min/km, seconds, bpm; the workout key from its link."""
    raw = pd.read_csv(MAPMYRUN / name, dtype=str, keep_default_na=False)
    miles = "Distance (mi)" in raw.columns
    number = lambda c: pd.to_numeric(raw[c], errors="coerce")  # noqa: E731
    per_mile = 1 / MILE_KM if miles else 1.0
    out = pd.DataFrame(
        {
            "workout_key": raw["Link"].str.extract(r"/workout/(\d+)")[0].map(lambda n: pseudonym_of(str(int(n)))),
            "activity_type": raw["Activity Type"].str.strip().str.lower(),
            "date": _dates(raw["Workout Date"]),
            "distance_km": number("Distance (mi)") * MILE_KM if miles else number("Distance (km)"),
            "duration_seconds": number("Workout Time (seconds)"),
            "pace_min_per_km": number("Avg Pace (min/mi)" if miles else "Avg Pace (min/km)") * per_mile,
            "calories": number("Calories Burned (kCal)"),
            "heart_rate": number("Avg Heart Rate"),
        }
    )
    # Plausible, whatever FitLake's rules: a date, a distance not below 0, a duration and under a day.
    out["plausible"] = (
        out["date"].notna()
        & (out["distance_km"] >= 0)
        & (out["duration_seconds"] > 0)
        & (out["duration_seconds"] < 86_400)
    )
    return out


def _close(actual: pd.Series, expected: pd.Series) -> bool:
    return bool(((actual - expected).abs() <= 0.0005 + 1e-9).all())


def _in_silver(build: Build, name: str) -> pd.DataFrame:
    return raw_workouts(name).merge(build.silver, on="workout_key", how="left", suffixes=("", "_silver"))


# --- the tests ---------------------------------------------------------------------------------------------------


def test_every_bronze_row_is_accounted_for_per_batch(mapmyrun):
    lines = {n: len(raw_workouts(n)) for n in MEMBERS}
    by_batch = {r.batch_id: r for r in mapmyrun.reconciliation}
    assert set(by_batch) == set(mapmyrun.batches.values())
    assert all(r.balanced for r in by_batch.values())
    first, newer = by_batch[mapmyrun.batches["first"]], by_batch[mapmyrun.batches["newer download"]]
    assert first.bronze_rows == sum(lines.values()) - NEWER + len(LEFT_RUNNING)
    assert newer.bronze_rows == lines[ACCOUNT_FILE]
    assert sum(r.silver_rows for r in by_batch.values()) == len(mapmyrun.silver)
    assert sum(r.quarantined for r in by_batch.values()) == len(mapmyrun.quarantine)
    # Every member has consented since 2000: nothing is withheld, and no workout is in two files of one batch.
    assert (first.withheld, newer.withheld, first.duplicates) == (0, 0, 0)


def test_a_newer_download_adds_only_its_new_workouts(mapmyrun):
    newer = mapmyrun.flagged[mapmyrun.flagged["_batch_id"] == mapmyrun.batches["newer download"]]
    newest = set(raw_workouts(ACCOUNT_FILE)["workout_key"].iloc[:NEWER])
    assert len(newer) == len(raw_workouts(ACCOUNT_FILE))
    # The overlap with the older download is duplicates, and only it is.
    assert set(newer.loc[newer["_is_duplicate"], "workout_key"]) == set(newer["workout_key"]) - newest
    taken = newer[~newer["_is_duplicate"]]
    assert set(taken["workout_key"]) == newest
    reached = taken["workout_key"].isin(mapmyrun.silver["workout_key"]) | taken["_quarantine_reason"].notna()
    assert reached.all()
    # ...as the tables written say it: the batch of the newer download adds NEWER rows, the rest are duplicates.
    [batch] = [r for r in mapmyrun.reconciliation if r.batch_id == mapmyrun.batches["newer download"]]
    assert (batch.silver_rows + batch.quarantined, batch.duplicates) == (NEWER, len(newer) - NEWER)


@pytest.mark.parametrize("name", list(MEMBERS))
def test_at_least_99_percent_of_plausible_workouts_reach_silver_in_metric_units(mapmyrun, name):
    rows = _in_silver(mapmyrun, name)
    plausible = rows[rows["plausible"]]
    reached = plausible[plausible["member_key"].notna()]
    assert len(plausible) > 200 and len(reached) >= 0.99 * len(plausible), (len(reached), len(plausible))
    assert (reached["member_key"] == pseudonym_of(MEMBERS[name])).all()
    # Calories, distance and pace where the file has them, in kcal, km and min/km.
    calories = reached[reached["calories"].notna()]
    assert (calories["calories_silver"] == calories["calories"]).all()
    # Silver keeps km to the metre and paces to 3 decimals: equal to half a unit of the last decimal kept.
    assert _close(reached["distance_km_silver"], reached["distance_km"])
    # A pace needs a distance: one under half a metre (0.00028 mi in 2 s, in the 2017 file) is 0 km, with no pace.
    paced = reached[(reached["pace_min_per_km"] > 0) & (reached["distance_km"] >= 0.0005)]
    assert len(paced) > 200 and _close(paced["avg_pace_min_per_km"], paced["pace_min_per_km"])
    assert (reached["workout_date"] == reached["date"].dt.date).all()


@pytest.mark.parametrize("name", list(MEMBERS))
def test_no_heart_rate_is_null_not_quarantined_and_zero_distance_workouts_have_no_pace(mapmyrun, name):
    rows = _in_silver(mapmyrun, name)
    plausible = rows[rows["plausible"]]
    no_monitor = plausible[plausible["heart_rate"].isna() | (plausible["heart_rate"] == 0)]
    assert len(no_monitor) > 50 and no_monitor["avg_heart_rate"].isna().all()
    # Those not in Silver are there for another rule (4 runs faster than the world record in the account's file).
    first = mapmyrun.flagged[~mapmyrun.flagged["_is_duplicate"]].set_index("workout_key")["_quarantine_reason"]
    reasons = no_monitor.loc[no_monitor["member_key"].isna(), "workout_key"].map(first)
    assert reasons.notna().all() and not reasons.str.contains("heart_rate").any(), reasons.value_counts()
    worn = plausible[plausible["heart_rate"] > 0]
    assert (worn["avg_heart_rate"] == worn["heart_rate"]).all()
    indoor = plausible[plausible["distance_km"] == 0]
    assert indoor["member_key"].notna().all() and indoor["avg_pace_min_per_km"].isna().all()
    assert (indoor["distance_km_silver"] == 0).all()


def test_zero_distance_workouts_are_there_to_be_kept(mapmyrun):
    indoor = sum(int((raw_workouts(n)["distance_km"] == 0).sum()) for n in MEMBERS)
    assert indoor >= 10  # the test above judges something: 8 + 0 + 8 in the real files


def _left_running_keys() -> dict[str, int]:
    return {pseudonym_of(str(9_000_000_001 + i)): s for i, s in enumerate(LEFT_RUNNING)}


def test_workouts_of_a_day_or_more_are_quarantined_as_lasting_under_a_day(mapmyrun):
    made_up = _left_running_keys()
    outcome = mapmyrun.flagged.set_index("workout_key").loc[list(made_up)]
    reasons = dict(zip(outcome.index, outcome["_quarantine_reason"], strict=True))
    assert reasons == {k: None if s < 86_400 else "lasts_under_a_day" for k, s in made_up.items()}
    left = mapmyrun.quarantine[mapmyrun.quarantine["_source_file"].str.contains("mapmyrun-member-MMR-2017")]
    assert (left["_quarantine_reason"] == "lasts_under_a_day").sum() == 2


def test_activity_types_are_kept_and_only_on_foot_ones_are_on_foot(mapmyrun):
    expected = set().union(*(raw_workouts(n)["activity_type"] for n in MEMBERS))
    assert set(mapmyrun.silver["activity_type"]) == expected
    on_foot = mapmyrun.silver.groupby("activity_type")["on_foot"].agg(["min", "max"])
    assert on_foot.loc["bike ride"].tolist() == [False, False]
    assert on_foot.loc["run"].tolist() == [True, True] and on_foot.loc["walk"].tolist() == [True, True]
    assert on_foot.loc["weight workout"].tolist() == [False, False]


def test_few_real_workouts_are_quarantined(mapmyrun):
    first = mapmyrun.flagged[~mapmyrun.flagged["_is_duplicate"]]
    real = first[~first["workout_key"].isin(list(_left_running_keys()))]
    assert len(real) == sum(len(raw_workouts(n)) for n in MEMBERS)
    quarantined = real["_quarantine_reason"].dropna()
    assert len(quarantined) <= 0.01 * len(real), quarantined.value_counts()


def test_importing_again_lands_nothing_and_changes_no_table(mapmyrun):
    assert len(mapmyrun.landed_again) == 4 and not any(f.new for f in mapmyrun.landed_again)
    landed = sorted(p.name for p in (mapmyrun.home / "landing" / "workouts").rglob("*.csv"))
    assert len(landed) == 5  # the older download, three real files, the workouts left running
    assert [n for n in landed if ACCOUNT_ID in n] == []  # the account is in no file name: only its pseudonym
    # Only the run log changed: a run records its steps even when they find nothing new.
    data = {n: v for n, v in mapmyrun.tables_after.items() if n != "ops.run_log"}
    assert data == {n: v for n, v in mapmyrun.tables_before.items() if n != "ops.run_log"}
    assert "ops.ingested_files" in data
    # Each line of each landed file once: the real files, the older download and the workouts left running.
    older = len(raw_workouts(ACCOUNT_FILE)) - NEWER
    assert data["bronze.workouts_raw"][1] == sum(len(raw_workouts(n)) for n in MEMBERS) + older + len(LEFT_RUNNING)


# --- the importer's refusals --------------------------------------------------------------------------------------


def _landing_files(home: Path) -> list[Path]:
    return sorted((home / "landing").rglob("*")) if (home / "landing").exists() else []


@pytest.fixture
def real_data():
    if not MAPMYRUN.is_dir():
        pytest.skip(f"no MapMyRun data at {MAPMYRUN} (set FITLAKE_MAPMYRUN_DATA to its folder)")


def test_a_file_whose_header_is_no_workout_history_refuses_them_all(real_data, tmp_path):
    other = tmp_path / "activities.csv"
    other.write_text("Activity Date,Activity Type,Distance,Elapsed Time\n2021-01-30,Run,7.3,3116\n")
    settings = Settings(home=tmp_path / "home")
    with pytest.raises(NotAMapMyRunExport, match=r"activities\.csv: .* is no MapMyRun workout history") as refused:
        import_mapmyrun([MAPMYRUN / ACCOUNT_FILE, other], settings, say=lambda _: None)
    assert refused.value.exit_code == 2 and "\n" not in str(refused.value)
    assert "Date Submitted" in str(refused.value) and "Link" in str(refused.value)
    assert _landing_files(settings.home) == []


def test_a_file_naming_no_account_without_member_refuses_them_all(real_data, tmp_path):
    settings = Settings(home=tmp_path / "home")
    with pytest.raises(NotAMapMyRunExport, match=r"TD_workout_history_2021-01-31\.csv: the name gives no MapMyRun"):
        import_mapmyrun([MAPMYRUN / ACCOUNT_FILE, MAPMYRUN / "TD_workout_history_2021-01-31.csv"], settings)
    assert _landing_files(settings.home) == [] and not (settings.home / "_secrets").exists()


def test_the_command_lands_once_and_refuses_in_one_line(real_data, tmp_path):
    home = tmp_path / "home"
    args = ["--home", str(home), "import", "mapmyrun", str(MAPMYRUN / "workout_history_2017.csv")]
    first = CliRunner().invoke(app, [*args, "--member", "M000042"])
    again = CliRunner().invoke(app, [*args, "--member", "M000042"])
    assert first.exit_code == again.exit_code == 0, first.output
    assert first.output.startswith("landed workout_history_2017.csv (member M000042): landing/workouts/")
    assert again.output.startswith("already landed workout_history_2017.csv: ") and "0 of 1 files" in again.output
    [landed] = [p for p in _landing_files(home) if p.is_file()]
    assert re.fullmatch(r"mapmyrun-member-M000042-[0-9a-f]{16}\.csv", landed.name)
    # As a user runs it: no --member and a name without an account is exit 2, one line, nothing more landed.
    refused = subprocess.run(
        [sys.executable, "-m", "fitlake", *args],
        capture_output=True, text=True, env=cli_env(), timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "workout_history_2017.csv: the name gives no MapMyRun account" in (
        refused.stderr
    )
    assert [p for p in _landing_files(home) if p.is_file()] == [landed]


# --- gold.workout_classification on real workouts -------------------------------------------------------------

# Where the activity type and the pace agree with each other, the class must agree with both. The bands are the
# walk-run transition's, not the classifier's: people switch from walking to running at about 7.2 km/h (8.3 min/km,
# Hreljac 1993), so a run faster than 7:00 min/km (8.6 km/h) is clearly running, and a walk slower than 10:00 min/km
# (6 km/h; ordinary walking is 4-5.5 km/h) clearly walking. Slower than 20:00 min/km (3 km/h) is standing about.
RUN_PACE = (3.0, 7.0)  # min/km
WALK_PACE = (10.0, 20.0)
AGREEMENT = 0.95


def test_the_classification_agrees_with_activity_type_and_pace_where_they_agree(mapmyrun):
    raw = pd.concat([raw_workouts(n) for n in MEMBERS])
    # The pace the raw file's own time and distance give: some exports state a pace far from it (gold's comment).
    raw["elapsed_pace"] = raw["duration_seconds"] / 60 / raw["distance_km"].where(raw["distance_km"] > 0)
    real = mapmyrun.gold[~mapmyrun.gold["workout_key"].isin(list(_left_running_keys()))]
    gold = real.merge(raw[["workout_key", "elapsed_pace"]], on="workout_key")
    assert len(gold) == len(real)
    pace = gold["elapsed_pace"]
    runs = gold[(gold["activity_type"] == "run") & pace.between(*RUN_PACE)]
    walks = gold[(gold["activity_type"] == "walk") & pace.between(*WALK_PACE)]
    assert len(runs) > 1000 and len(walks) > 40
    agreed = (runs["workout_class"] == "real_run").sum() + (walks["workout_class"] == "walk").sum()
    share = agreed / (len(runs) + len(walks))
    classes = pd.concat([runs, walks]).groupby(["activity_type", "workout_class"]).size()
    assert share >= AGREEMENT, f"{share:.3f}: {classes.to_dict()}"
