"""A user's export lands once, its bytes kept, under a name that tells its content."""

from __future__ import annotations

from datetime import date

from fitlake.landing import LandingSource
from fitlake.landing_import import land_once, sha256_of


def test_a_file_lands_once_with_its_bytes_whatever_it_is_called_and_whenever_it_comes(tmp_path):
    export = tmp_path / "downloads" / "user118862045_workout_history.csv"
    export.parent.mkdir()
    export.write_bytes(b'Date Submitted,Workout Date\r\n"Jan. 30, 2021","Jan. 30, 2021"\r\n')
    landing = tmp_path / "landing"

    first = land_once(export, landing, "workouts", "mapmyrun-account-118862045", today=date(2026, 12, 7))

    assert first.new
    assert first.path == landing / "workouts" / "2026-12-07" / f"mapmyrun-account-118862045-{first.sha256[:16]}.csv"
    assert first.path.read_bytes() == export.read_bytes() and first.sha256 == sha256_of(export)
    # The workouts source reads it like any file of a day folder; nothing half-written is left beside it.
    assert LandingSource("workouts", "csv").files(landing) == [first.path.relative_to(landing).as_posix()]

    renamed = export.rename(export.with_name("copy of my export.CSV"))
    again = land_once(renamed, landing, "workouts", "mapmyrun-member-M1", today=date(2026, 12, 9))
    assert not again.new and again.path == first.path
    assert sorted(p.name for p in landing.rglob("*") if p.is_file()) == [first.path.name]


def test_a_newer_download_of_the_same_account_lands_beside_the_older_one(tmp_path):
    older, newer = tmp_path / "a.csv", tmp_path / "b.csv"
    older.write_text("Link\nhttp://www.mapmyfitness.com/workout/1\n")
    newer.write_text("Link\nhttp://www.mapmyfitness.com/workout/2\nhttp://www.mapmyfitness.com/workout/1\n")
    landing = tmp_path / "landing"
    landed = [land_once(f, landing, "workouts", "mapmyrun-account-7", today=date(2026, 12, 7)) for f in (older, newer)]
    assert all(x.new for x in landed) and landed[0].path != landed[1].path
    assert [x.path.read_bytes() for x in landed] == [older.read_bytes(), newer.read_bytes()]
