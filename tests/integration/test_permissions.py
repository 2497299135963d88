"""Personal data in the clear on local disk is its owner's only, after a run (the shared home, read only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _modes(root: Path) -> dict[str, set[str]]:
    """The modes under `root`, itself included, by folder and file."""
    found = {"folders": {oct(root.stat().st_mode & 0o777)}, "files": set()}
    for folder, subfolders, files in os.walk(root):
        found["folders"] |= {oct((Path(folder) / n).stat().st_mode & 0o777) for n in subfolders}
        found["files"] |= {oct((Path(folder) / n).stat().st_mode & 0o777) for n in files}
    return found


@pytest.mark.reliability(
    input="a run's files with personal data in the clear, looked at by another local user: silver.member_pii, "
    "exports/hubspot_contacts.csv, _staging, _secrets",
    expected="owner-only: folders 0700, files 0600",
    observed="every folder under them 0700 and every file 0600 after `fitlake run`; _staging left empty",
)
def test_personal_data_on_disk_is_readable_by_its_owner_only(home):
    private = {
        "silver.member_pii": home / "fitlake" / "silver" / "member_pii",
        "exports": home / "exports",
        "_secrets": home / "_secrets",
        "_staging": home / "_staging",
    }
    modes = {name: _modes(path) for name, path in private.items()}
    assert modes["silver.member_pii"]["files"] and modes["exports"]["files"] == {"0o600"}
    for name, found in modes.items():
        assert found["folders"] == {"0o700"}, name
        assert found["files"] <= {"0o600"}, name
    assert not modes["_staging"]["files"]
    # A table without personal data keeps the engine's modes: only what needs it is closed.
    assert _modes(home / "fitlake" / "silver" / "checkins")["folders"] != {"0o700"}
