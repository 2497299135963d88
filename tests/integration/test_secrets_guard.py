"""Lost or changed secrets on a lakehouse with tables: `fitlake run` refuses before it writes anything."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from fitlake.delta_log import list_tables
from fitlake.settings import Settings
from tests.integration.conftest import cli_env, copy_of


def _versions(home) -> dict[str, int]:
    return {t.name: t.version for t in list_tables(Settings(home=home))}


@pytest.mark.reliability(
    input="`rm -rf <home>/_secrets`, or another FITLAKE_PSEUDONYM_SALT or FITLAKE_PII_KEY, then `fitlake run` on a "
    "home with tables",
    expected="refused before anything is written, exit 2, one line naming what to restore; no new keys made",
    observed="exit 2: '<home>/_secrets/pii_key and <home>/_secrets/pseudonym_salt are missing but <home>/fitlake "
    "holds tables made with them: restore them ...' or 'the pseudonym salt (FITLAKE_PSEUDONYM_SALT) is not what "
    "the tables in <home>/fitlake were made with ...'; no table's Delta version changed",
)
@pytest.mark.parametrize(
    ("lost", "environment", "message"),
    [
        ("_secrets", {}, "{h}/_secrets/pii_key and {h}/_secrets/pseudonym_salt are missing but {h}/fitlake holds "
                         "tables made with them: restore them from a backup (or set FITLAKE_PII_KEY, "
                         "FITLAKE_PSEUDONYM_SALT)"),
        (None, {"FITLAKE_PSEUDONYM_SALT": "not-the-salt-of-these-tables"},
         "the pseudonym salt (FITLAKE_PSEUDONYM_SALT) is not what the tables in {h}/fitlake were made with"),
        (None, {"FITLAKE_PII_KEY": "k" * 32},
         "the PII key (FITLAKE_PII_KEY) is not what the tables in {h}/fitlake were made with"),
    ],
    ids=["deleted keys", "changed salt", "changed key"],
)  # fmt: skip
def test_lost_or_changed_secrets_are_refused_before_anything_is_written(home, tmp_path, lost, environment, message):
    copy = copy_of(home, tmp_path / "home")
    if lost:
        shutil.rmtree(copy / lost)
    before = _versions(copy)
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "--home", str(copy), "run"],
        capture_output=True,
        text=True,
        env=cli_env(**environment),
        timeout=240,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("fitlake: " + message.format(h=copy)), result.stderr
    assert _versions(copy) == before
    assert lost is None or not (copy / lost).exists()  # no new keys were made
