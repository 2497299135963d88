"""A table is left as it is only when what it is built from is what its last build was built from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bronze.locations_raw import CONTRACT as RAW
from fitlake import io, table_builds
from fitlake.table_builds import TableBuilds
from silver.locations import CONTRACT as SILVER
from tests.builders import bronze_rows
from tests.silver.reference_rows import silver_rows

LOCATION = {"location_id": "BKN", "name": "Brooklyn", "city": "New York", "timezone": "America/New_York"}


def _append_raw(lh) -> None:
    io.write(lh, RAW, bronze_rows(lh.spark, RAW, [LOCATION]), "append")


def _build(lh, run_id: str, **kwargs) -> str | None:
    """One build of silver.locations from bronze.locations_raw as a task makes it: None when it was built, else
    the run whose build it left as it is."""
    builds = TableBuilds(lh, run_id, **kwargs)
    inputs = builds.inputs([RAW], with_secrets=False)
    since = builds.unchanged_since(SILVER, inputs)
    if since is None:
        io.write(lh, SILVER, silver_rows(lh.spark, SILVER, [LOCATION]), "overwrite")
        builds.built(SILVER, inputs)
        builds.write()
    return since


def test_a_table_is_left_as_it_is_until_an_input_changes(lakehouse):
    _append_raw(lakehouse)
    assert _build(lakehouse, "run-1") is None
    assert _build(lakehouse, "run-2") == "run-1"  # nothing new: the table is what run-1 left
    _append_raw(lakehouse)  # a new batch lands in Bronze
    assert _build(lakehouse, "run-3") is None
    assert _build(lakehouse, "run-4") == "run-3"


def test_a_table_written_since_its_build_is_built_again(lakehouse):
    _append_raw(lakehouse)
    _build(lakehouse, "run-1")
    io.write(lakehouse, SILVER, lakehouse.read(SILVER), "overwrite")  # by hand, outside a run
    assert _build(lakehouse, "run-2") is None


def test_new_code_or_a_full_refresh_builds_it_again(lakehouse, monkeypatch):
    _append_raw(lakehouse)
    _build(lakehouse, "run-1")
    assert _build(lakehouse, "run-2", full_refresh=True) is None
    monkeypatch.setattr(table_builds, "code_fingerprint", lambda: "another version of the code")
    assert _build(lakehouse, "run-3") is None
    assert _build(lakehouse, "run-4") == "run-3"


def test_the_secrets_are_part_of_what_a_table_is_built_from_without_being_readable(lakehouse):
    _append_raw(lakehouse)
    builds = TableBuilds(lakehouse, "run-1")
    with_secrets = builds.inputs([RAW], with_secrets=True)
    assert with_secrets != builds.inputs([RAW], with_secrets=False)
    secrets = lakehouse.secrets
    assert secrets.pii_key not in with_secrets and secrets.pseudonym_salt not in with_secrets


@pytest.mark.parametrize("package", table_builds.CODE_PACKAGES)
def test_the_code_fingerprint_reads_each_package(package, monkeypatch):
    """A change in any of the packages changes the fingerprint (each package is found and read)."""
    root = Path(importlib.util.find_spec(package).submodule_search_locations[0])
    assert list(root.rglob("*.py")), package
    before = table_builds.code_fingerprint()
    table_builds.code_fingerprint.cache_clear()
    original = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda self: original(self) + (b"# changed" if self.is_relative_to(root) else b"")
    )
    try:
        assert table_builds.code_fingerprint() != before
    finally:
        table_builds.code_fingerprint.cache_clear()
