"""What a command does with the home before its engine starts (fitlake.session): no engine needed here."""

from __future__ import annotations

import pytest

from fitlake.errors import LakehouseBusy, UsageError
from fitlake.lock import writer_lock
from fitlake.session import make_home, remove_killed_runs_staging, require_home, writing
from fitlake.settings import Settings


def _staging_leftover(settings: Settings):
    """What a run killed in build_silver leaves: the members' rows, names and all, staged as Parquet."""
    leftover = settings.staging / "silver.members.flagged" / "rows" / "part-00000.parquet"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"PAR1 names and e-mail addresses")
    return leftover


@pytest.mark.reliability(
    input="a run killed in build_silver, leaving members' rows in <home>/_staging; then any command",
    expected="the staging files removed at that command's start (unless a run is writing right now)",
    observed="a reader's start removes them when no writer holds the lock; a writer's start removes them and "
    "makes _staging 0700",
)
def test_a_killed_runs_staging_is_removed_by_the_next_command(tmp_path, monkeypatch):
    for name, value in {"FITLAKE_PII_KEY": "p" * 32, "FITLAKE_PSEUDONYM_SALT": "a-salt-for-this-test"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings(home=tmp_path)
    leftover = _staging_leftover(settings)
    with writer_lock(tmp_path, "fitlake run"):  # a run at work: its staging is not a leftover
        remove_killed_runs_staging(settings)
    assert leftover.exists()
    remove_killed_runs_staging(settings)  # e.g. `fitlake sql` once nobody writes
    assert settings.staging.is_dir() and not any(settings.staging.iterdir())

    leftover = _staging_leftover(settings)
    with writing(settings, "fitlake run"):
        assert not leftover.exists()
        assert settings.staging.stat().st_mode & 0o777 == 0o700


def test_a_command_that_writes_refuses_a_missing_home_or_a_file_and_a_second_writer(tmp_path):
    with pytest.raises(UsageError, match=r"no lakehouse at .*missing: run `fitlake generate` first"):
        require_home(Settings(home=tmp_path / "missing"))
    (tmp_path / "a_file").write_text("")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        require_home(Settings(home=tmp_path / "a_file"))
    with pytest.raises(UsageError, match="is a file, not a folder"):
        make_home(tmp_path / "a_file")
    with pytest.raises(UsageError, match="cannot make the folder"):
        make_home(tmp_path / "a_file" / "below")
    settings = Settings(home=tmp_path)
    with writer_lock(tmp_path, "fitlake run"), pytest.raises(LakehouseBusy), writing(settings, "fitlake score"):
        pass
