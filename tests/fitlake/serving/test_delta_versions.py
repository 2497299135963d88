"""A table's current version from two file stats: a new commit, and a table built again, are never missed."""

from __future__ import annotations

import shutil

import pytest

from fitlake.serving.delta_versions import DeltaVersions, TableNotBuilt
from tests.fitlake.serving.gold_rows import leaderboard_rows, write_leaderboard

TABLE = "gold.instructor_leaderboard"


def test_the_version_follows_each_commit(tmp_path):
    versions = DeltaVersions(tmp_path)
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1)))
    first = versions.current(TABLE)
    assert first.version == 0 and versions.current(TABLE) == first
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 6, 1)))
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 7, 1)))
    assert versions.current(TABLE).version == 2


@pytest.mark.reliability(
    input="a Gold table deleted and built again while the API runs, reaching the version number it had before",
    expected="served as a new version: the old table's cached answers are not reused",
    observed="same version number, another commit identity (inode, mtime): a new cache key",
)
def test_a_table_built_again_at_the_same_version_number_is_another_version(tmp_path):
    versions = DeltaVersions(tmp_path)
    path = write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1)))
    before = versions.current(TABLE)
    shutil.rmtree(path)
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I2", 9, 1)))
    after = versions.current(TABLE)
    assert after.version == before.version == 0
    assert after != before


def test_a_table_not_built_says_so_and_what_to_run(tmp_path):
    with pytest.raises(TableNotBuilt, match=r"gold.instructor_leaderboard has not been built .*run `fitlake run`"):
        DeltaVersions(tmp_path).current(TABLE)
