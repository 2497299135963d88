"""A home that is missing, a file, or holds a table with a torn Delta log: one line, the right exit code, through
the `fitlake` command a user types."""

from __future__ import annotations

import shutil

import pytest

from tests.integration.conftest import fitlake


def _one_line(result) -> str:
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.reliability(
    input="one table's newest _delta_log commit file cut in half, then any command (here `fitlake tables`)",
    expected="one line naming the table and the file and what to do, exit 1; not a 69-line traceback",
    observed="exit 1: 'silver.checkins cannot be read: its Delta log file <path> is damaged (line 1: ...); "
    "restore it from a backup, or delete it to take the table back to version N-1'",
)
def test_a_torn_delta_log_is_one_line_naming_the_table_and_the_file(home, tmp_path):
    # A session's start reads the logs the same way (tests/fitlake/test_delta_tables.py): `fitlake sql`, `run`, ...
    copy = tmp_path / "home"
    shutil.copytree(home / "fitlake", copy / "fitlake")  # the tables are all `fitlake tables` reads
    newest = sorted((copy / "fitlake" / "silver" / "checkins" / "_delta_log").glob("*.json"))[-1]
    newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])
    result = fitlake(copy, "tables", check=False)
    assert result.returncode == 1
    line = _one_line(result)
    assert line.startswith(f"fitlake: silver.checkins cannot be read: its Delta log file {newest} is damaged")
    assert f"or delete it to take the table back to version {int(newest.stem) - 1}" in line


@pytest.mark.reliability(
    input="`fitlake run` with --home naming a folder that does not exist (or a file: tests/fitlake/test_session.py)",
    expected="exit 2 (a usage error: a mistyped home), one line; nothing made",
    observed="exit 2: 'no lakehouse at <home>: run `fitlake generate` first, or point --home / FITLAKE_HOME at it'",
)
def test_a_missing_home_is_a_usage_error_and_is_not_made(tmp_path):
    missing = tmp_path / "missing"
    result = fitlake(missing, "run", check=False)
    assert result.returncode == 2
    assert f"no lakehouse at {missing}: run `fitlake generate` first" in _one_line(result)
    assert not missing.exists()


@pytest.mark.reliability(
    input="`fitlake generate --out <a file>`",
    expected="exit 2, one line",
    observed="exit 2: '<path> is a file, not a folder: name a folder to write into'",
)
def test_generating_into_a_file_is_one_line_and_exit_2(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("mine")
    result = fitlake(tmp_path, "generate", "--scale", "tiny", "--out", str(a_file), check=False)
    assert result.returncode == 2
    assert f"{a_file} is a file, not a folder" in _one_line(result)
    assert a_file.read_text() == "mine"
