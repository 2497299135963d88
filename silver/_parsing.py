"""Parsing helpers shared by Silver transforms. Each keeps bad text as NULL instead of failing the query:
ANSI mode raises on a bad cast or an unknown time zone, on Sail and on Databricks alike."""

from __future__ import annotations

import zoneinfo

from pyspark.sql import Column
from pyspark.sql import functions as F

# IANA region zones (Area/City). Unknown zones are checked first because to_utc_timestamp raises on them.
KNOWN_TIMEZONES = tuple(
    sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("posix/", "right/", "Etc/", "SystemV/", "US/"))
    )
)


def text(name: str) -> Column:
    """A trimmed text field; blank becomes NULL."""
    trimmed = F.trim(F.col(name))
    return F.when(trimmed != "", trimmed)


def to_date(name: str, pattern: str = "yyyy-MM-dd") -> Column:
    return F.to_date(F.expr(f"try_to_timestamp(`{name}`, '{pattern}')"))


def to_timestamp(name: str, pattern: str = "yyyy-MM-dd HH:mm:ss") -> Column:
    return F.expr(f"try_to_timestamp(`{name}`, '{pattern}')")


def to_boolean(name: str) -> Column:
    return F.expr(f"try_cast(lower(trim(`{name}`)) AS boolean)")


def to_decimal(name: str, precision: int, scale: int) -> Column:
    return F.expr(f"try_cast(`{name}` AS decimal({precision},{scale}))")


def is_known_timezone(column: str) -> str:
    """SQL that is true when `column` names a known IANA region zone."""
    return f"`{column}` IN ({', '.join(repr(z) for z in KNOWN_TIMEZONES)})"


def local_to_utc(local: Column, timezone: str) -> Column:
    """Local wall-clock time at a site to a UTC instant; NULL when the zone is not a known IANA zone."""
    return F.when(F.expr(is_known_timezone(timezone)), F.to_utc_timestamp(local, F.col(timezone)))
