"""`fitlake import fitbit`: files placed by their header, landed once; a folder with a file it cannot place lands
nothing."""

import pytest

from fitlake.fitbit_import import UnknownFitbitFile, import_fitbit, layout_of

WIDE_HEADER = "Id,ActivityHour," + ",".join(f"Steps{i:02d}" for i in range(60))
FILES = {  # a name that says nothing of the layout: the header decides
    "a.csv": "Id,ActivityMinute,Steps\n1503960366,4/12/2016 12:33:00 AM,0\n",
    "b.csv": "Id,ActivityMinute,METs\n1503960366,4/12/2016 12:33:00 AM,10\n",
    "c.csv": WIDE_HEADER + "\n",
    "d.csv": "Id,Time,Value\n2022484408,4/12/2016 7:21:00 AM,97\n",
    "e.csv": "Id,date,value,logId\n1503960366,4/12/2016 2:47:30 AM,3,11380564589\n",
    "f.csv": "Id,ActivityHour,TotalIntensity,AverageIntensity\n",
    "g.csv": "Id,ActivityDay,SedentaryMinutes,VeryActiveMinutes\n",
    "h.csv": "Id,SleepDay,TotalSleepRecords,TotalMinutesAsleep,TotalTimeInBed\n",
}
FOLDERS = {
    "a.csv": "wearables",
    "b.csv": "wearables",
    "c.csv": "fitbit_minutes_wide",
    "d.csv": "fitbit_heartrate_seconds",
    "e.csv": "fitbit_minute_sleep",
    "f.csv": "fitbit_hourly",
    "g.csv": "fitbit_daily",
    "h.csv": "fitbit_sleep_daily",
}


def _export(folder, files):
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_each_file_lands_in_the_source_its_header_fits_once(tmp_path):
    export = _export(tmp_path / "export", {**FILES, "README.md": "# notes"})
    said = []
    first = import_fitbit(export, tmp_path / "landing", say=said.append)
    assert {f.source.name: f.path.relative_to(tmp_path / "landing").parts[0] for f in first} == FOLDERS
    assert all(f.new for f in first) and said[0] == "skipped README.md: notes, not data"
    again = import_fitbit(export, tmp_path / "landing", say=said.append)
    assert [f.new for f in again] == [False] * len(FILES)
    assert [f.path for f in again] == [f.path for f in first]


@pytest.mark.reliability(
    input="`fitlake import fitbit DIR` with a CSV whose header fits no Fitbit export, beside good files",
    expected="one line naming the file and the layouts expected, exit 2, nothing landed",
    observed="UnknownFitbitFile (a UsageError: exit 2) naming x.csv and every layout; the landing folder not made",
)
def test_a_file_no_layout_takes_refuses_the_folder_and_nothing_lands(tmp_path):
    export = _export(tmp_path / "export", {**FILES, "x.csv": "Id,Foo\n1,2\n"})
    with pytest.raises(UnknownFitbitFile, match=r"x\.csv: Id,Foo is no Fitbit export .*Wide minutes") as refused:
        import_fitbit(export, tmp_path / "landing", say=lambda _: None)
    assert refused.value.exit_code == 2 and "\n" not in str(refused.value)
    assert not (tmp_path / "landing").exists()


def test_a_header_with_a_column_of_no_layout_is_not_placed(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text("Id,ActivityMinute,Steps,Mood\n")
    with pytest.raises(UnknownFitbitFile):
        layout_of(path)
