"""`fitlake generate` as a user runs it: 45 days of the small data set, twice, into two folders."""

from __future__ import annotations

import subprocess
import sys

from tests.data_gen.test_generate import tree_digest
from tests.integration.conftest import cli_env

SMALL_45_DAYS = ("--scale", "small", "--seed", "7", "--days", "45")


def test_small_twice_gives_byte_identical_trees_whatever_the_number_of_processes(tmp_path):
    # Both runs at once: one in a single process, one with a worker per core (the default). 45 of small's
    # days: enough to share among the workers, and the suite stays fast.
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "fitlake", "generate", *SMALL_45_DAYS, "--out", str(out), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
        )
        for out, extra in ((tmp_path / "a", ["--workers", "1"]), (tmp_path / "b", []))
    ]
    for run in runs:
        stdout, stderr = run.communicate(timeout=240)
        assert run.returncode == 0, stderr
        assert "wrote 498 files covering 45 days" in stdout
    a, b = tree_digest(tmp_path / "a"), tree_digest(tmp_path / "b")
    assert a == b and len(a) == 498 + 2 + 45  # landing files, defects.json and members.csv, workouts truth


def test_a_bad_day_is_one_line_and_exit_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "generate", "--scale", "tiny", "--out", str(tmp_path), "--day", "2030-01-01"],
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "outside the period" in result.stderr
    assert not (tmp_path / "landing").exists()
