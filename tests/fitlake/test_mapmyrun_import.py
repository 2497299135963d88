"""`fitlake import mapmyrun`: a file taken by its header (any spelling the contract allows), named by its member or
its account's pseudonym, landed once; anything else refused before a file lands."""

import re

import pytest

from fitlake.errors import UsageError
from fitlake.mapmyrun_import import NotAMapMyRunExport, import_mapmyrun, plan
from fitlake.settings import Settings
from tests.builders import SECRETS, pseudonym_of

# The 2021 Android header, with the other spelling of calories, and a column no contract declares (kept in Bronze).
HEADER = (
    "Date Submitted,Workout Date,Activity Type,Calories Burned (kcal),Distance (km),Workout Time (seconds),"
    "Avg Pace (min/km),Avg Heart Rate,Notes,Source,Link,Elevation Gain (m)"
)
ROW = '"Jan. 30, 2021","Jan. 30, 2021",Run,574,7.3,3116,7.1,,b\'\',MapMyRun Android,http://www.mapmyfitness.com/workout/1,12'


def _export(path, header=HEADER):
    path.write_text(f"{header}\r\n{ROW}\r\n")
    return path


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name, value in {"FITLAKE_PII_KEY": SECRETS.pii_key, "FITLAKE_PSEUDONYM_SALT": SECRETS.pseudonym_salt}.items():
        monkeypatch.setenv(name, value)
    return Settings(home=tmp_path / "home")


def test_an_account_download_is_named_by_the_accounts_pseudonym_and_lands_once(tmp_path, settings):
    export = _export(tmp_path / "user42_workout_history.csv")
    said = []
    [first] = import_mapmyrun([export], settings, say=said.append)
    assert first.new and first.path.parent.parent == settings.landing / "workouts"
    assert first.path.name == f"mapmyrun-account-{pseudonym_of('42')}-{first.sha256[:16]}.csv"
    assert said == [f"landed {export.name} (its MapMyRun account): landing/{first.path.relative_to(settings.landing)}"]
    [again] = import_mapmyrun([export], settings, say=said.append)
    assert not again.new and again.path == first.path and said[-1].startswith("already landed")


def test_with_member_any_name_is_taken_and_no_secret_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("FITLAKE_PSEUDONYM_SALT", raising=False)
    settings = Settings(home=tmp_path / "home")
    [done] = import_mapmyrun([_export(tmp_path / "history.csv")], settings, "M000042", say=lambda _: None)
    assert done.path.name.startswith("mapmyrun-member-M000042-")
    assert not (settings.home / "_secrets").exists()


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (HEADER.replace("Link", "URL"), "no Link"),
        (HEADER.replace("Workout Time (seconds)", "Duration"), "no Workout Time (seconds)"),
        ("", "no CSV header"),
    ],
)
def test_a_header_without_a_required_field_refuses_every_file(tmp_path, settings, header, missing):
    good = _export(tmp_path / "user42_workout_history.csv")
    bad = _export(tmp_path / "user43_workout_history.csv", header)
    with pytest.raises(NotAMapMyRunExport, match=re.escape(missing)) as refused:
        import_mapmyrun([good, bad], settings)
    assert refused.value.exit_code == 2 and "\n" not in str(refused.value) and str(bad) in str(refused.value)
    assert not settings.landing.exists()


def test_a_member_id_that_cannot_name_a_file_is_refused(tmp_path):
    with pytest.raises(UsageError, match="is no member id"):
        plan([_export(tmp_path / "history.csv")], "../M1")
