"""What an incremental build treats as a change in a table it looks rows up in (fitlake.incremental): a value it
looked up before now says something else, or is gone; a value gained is no change."""

from __future__ import annotations

from fitlake import io
from fitlake.incremental import lookup_changed
from fitlake.table_builds import table_version
from silver._lookups import site
from silver.locations import CONTRACT as LOCATIONS
from tests.silver.reference_rows import silver_rows

BKN = {"location_id": "BKN", "name": "Brooklyn", "city": "New York", "timezone": "America/New_York"}
CHI = {"location_id": "CHI", "name": "Chicago Loop", "city": "Chicago", "timezone": "America/Chicago"}
TIMEZONE = site("timezone")


def _locations(lh, *rows: dict) -> int:
    io.write(lh, LOCATIONS, silver_rows(lh.spark, LOCATIONS, list(rows)), "overwrite")
    return table_version(lh, LOCATIONS)


def test_a_new_value_is_no_change_a_value_that_says_something_else_is(lakehouse):
    then = _locations(lakehouse, BKN)
    assert not lookup_changed(lakehouse, TIMEZONE, then)  # the same version
    _locations(lakehouse, BKN, CHI)
    assert not lookup_changed(lakehouse, TIMEZONE, then)  # CHI is new: no row kept looked it up
    _locations(lakehouse, {**BKN, "name": "Brooklyn Heights"}, CHI)
    assert not lookup_changed(lakehouse, TIMEZONE, then)  # a column the lookup does not read
    _locations(lakehouse, {**BKN, "timezone": "America/Chicago"}, CHI)
    assert lookup_changed(lakehouse, TIMEZONE, then)  # BKN's time zone is another
    _locations(lakehouse, CHI)
    assert lookup_changed(lakehouse, TIMEZONE, then)  # BKN is gone


def test_a_version_that_cannot_be_read_counts_as_a_change(lakehouse):
    now = _locations(lakehouse, BKN)
    assert lookup_changed(lakehouse, TIMEZONE, None)  # no build recorded a version
    assert lookup_changed(lakehouse, TIMEZONE, now + 5)  # no such version (or vacuumed)
