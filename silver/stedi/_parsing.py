"""Parsing STEDI's text fields without failing the query: bad text becomes NULL, a parse rule quarantines it."""

from __future__ import annotations

from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from fitlake.contracts import quote

# Epoch milliseconds from 1970 to the end of year 9999: timestamp_millis raises outside what a timestamp holds.
_LAST_MILLISECOND = 253_402_300_799_999


def number(name: str, sql_type: str) -> SparkColumn:
    """`name` as a number of `sql_type` (bigint, int, double), or NULL when it is not one."""
    return F.expr(f"try_cast(trim({quote(name)}) AS {sql_type})")


def epoch_millis(name: str) -> SparkColumn:
    """A UTC instant from epoch milliseconds as text, or NULL when the text is not such a number."""
    millis = number(name, "bigint")
    return F.when(millis.between(0, _LAST_MILLISECOND), F.timestamp_millis(millis))
