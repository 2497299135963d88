"""Parsing helpers shared by Silver transforms. Each keeps bad text as NULL instead of failing the query:
ANSI mode raises on a bad cast or an unknown time zone, on Sail and on Databricks alike."""

from __future__ import annotations

import ast
import re
import zoneinfo

import pandas as pd
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType

from fitlake.contracts import Expectation, in_set

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


def texts(*names: str) -> list[Column]:
    """Each field as trimmed text under its own name (`text`)."""
    return [text(n).alias(n) for n in names]


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


# A number some tool wrote as a float: 2.022484408E9, 1503960366.0.
_FLOAT_WRITTEN = r"^[0-9]*\.?[0-9]+([eE][+-]?[0-9]+)?$"


def identifier_text(name: str) -> Column:
    """An identifier as text (trimmed, blank NULL); a numeric one written as a float (`2.022484408E9`, by a
    spreadsheet or pandas) back to its digits (`2022484408`). Such a float must be a whole number below 10^15
    (exact in a double), or it names no one and is NULL. Any other text is kept as it is."""
    value = text(name)
    number = value.try_cast("double")
    whole = (F.floor(number) == number) & (number < 1e15)
    return (
        F.when(value.rlike(r"^[0-9]+$"), value)
        .when(value.rlike(_FLOAT_WRITTEN), F.when(whole, number.cast("bigint").cast("string")))
        .otherwise(value)
    )


def to_int(name: str) -> Column:
    return F.expr(f"try_cast(trim(`{name}`) AS int)")


def to_double(name: str) -> Column:
    return F.expr(f"try_cast(trim(`{name}`) AS double)")


def _as_code(value: Column) -> Column:
    trimmed = F.trim(value)
    return F.when(trimmed != "", F.regexp_replace(F.lower(trimmed), r"[\s-]+", "_"))


def to_code(name: str) -> Column:
    """A code as the source typed it, in one spelling: ' No-Show ' -> 'no_show' (blank becomes NULL)."""
    return _as_code(F.col(name))


def to_codes(name: str, separator: str = ";") -> Column:
    """A `separator`-joined list of codes as array<string>, blanks dropped; no text is an empty list.

    The cast pins the element nullability, which differs between engines after split().
    """
    items = F.transform(F.split(F.coalesce(F.col(name), F.lit("")), separator), _as_code)
    return F.filter(items, lambda item: item.isNotNull()).cast(ArrayType(StringType()))


def known_timezone(column: str) -> Expectation:
    """The one time-zone rule: a present zone must be a known IANA region zone (a missing one is not_null's)."""
    return in_set(column, KNOWN_TIMEZONES, rule="known_timezone", values_named="IANA region zones (Area/City)")


def utc_iso_to_timestamp(name: str) -> Column:
    """An instant written as ISO 8601 UTC, `2025-01-06T11:14:33Z`; any other format is NULL (not guessed).

    The zone is parsed from the text, so the result does not depend on the session time zone.
    """
    value = F.trim(F.col(name))
    return F.when(value.endswith("Z"), F.expr(f"try_to_timestamp(trim(`{name}`), \"yyyy-MM-dd'T'HH:mm:ssXXX\")"))


def utc_to_local(instant: Column, timezone: str) -> Column:
    """A UTC instant as wall-clock time at a site; NULL when the zone is not a known IANA zone."""
    return F.when(F.expr(is_known_timezone(timezone)), F.from_utc_timestamp(instant, F.col(timezone)))


# Spellings of a unit that mean the same: the till types "2 lbs" and "16 fl oz" for the catalog's "2 LB", "16oz".
_UNIT_SPELLINGS = (("lbs", "lb"), ("floz", "oz"))


def name_key(name: str) -> Column:
    """A product name as matching sees it: lower case letters and digits only, unit spellings unified.

    "Whey Protein 2 LB", " whey-PROTEIN 2lbs" and "WHEY PROTEIN 2-lb" all become "wheyprotein2lb". Both
    sides of a match go through this, so the unit rewrite only has to be consistent, not clever.
    """
    key = F.regexp_replace(F.lower(F.col(name)), r"[^\p{L}\p{N}]", "")
    for spelling, unit in _UNIT_SPELLINGS:
        key = F.regexp_replace(key, spelling, unit)
    return F.when(key != "", key)


# MapMyRun writes a month name of four letters or fewer in full and abbreviates the others with a dot:
# "Jan. 5, 2025", "May 5, 2025", "June 5, 2025". Only real month names are read, never guessed.
MONTH_NAME_DATE = (
    r"(?i)^(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.? ([0-9]{1,2}), ([0-9]{4})$"
)


def to_date_with_month_name(name: str) -> Column:
    """A date written with the month's name or abbreviation, `Jan. 5, 2025` or `June 5, 2025`."""
    value = text(name)
    part = [F.regexp_extract(value, MONTH_NAME_DATE, i) for i in (1, 2, 3)]
    # Engines disagree on full month names (Sail reads "June" as MMM, JVM Spark does not): parse "Jun 5, 2025".
    normalised = F.concat(F.initcap(F.substring(part[0], 1, 3)), F.lit(" "), part[1], F.lit(", "), part[2])
    return F.when(value.rlike(MONTH_NAME_DATE), F.to_date(F.try_to_timestamp(normalised, F.lit("MMM d, yyyy"))))


# Seconds as a whole number, or a clock duration h:mm:ss (hours may run past 23; at most 4 digits, so the
# seconds stay within INT).
DURATION_SECONDS = r"^[0-9]+$"
DURATION_CLOCK = r"^([0-9]{1,4}):([0-5][0-9]):([0-5][0-9])$"


def to_duration_seconds(name: str) -> Column:
    """A duration given as seconds (`4129`) or as h:mm:ss (`1:08:49`), in seconds."""
    value = text(name)
    clock = [F.regexp_extract(value, DURATION_CLOCK, i).try_cast("int") for i in (1, 2, 3)]
    return F.when(value.rlike(DURATION_SECONDS), value.try_cast("int")).when(
        value.rlike(DURATION_CLOCK), clock[0] * 3600 + clock[1] * 60 + clock[2]
    )


# MapMyRun writes a note as the repr of the bytes it stored: b'', b'Sunny day', b'caf\xc3\xa9', b"they're".
BYTES_LITERAL = re.compile(r"b(['\"]).*\1", re.DOTALL)


def from_bytes_literal(value: str | None) -> str | None:
    """The text a Python bytes literal spells (UTF-8, a broken sequence replaced); other text as it is; blank NULL.

    ast.literal_eval evaluates literals only, never code, so an export cannot make it run anything; a literal it
    cannot read (cut off, or two joined by `+`) is kept as written rather than lost.
    """
    if value is None:
        return None
    text = value.strip()
    if BYTES_LITERAL.fullmatch(text):
        try:
            literal = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            literal = None
        if isinstance(literal, bytes):
            text = literal.decode("utf-8", errors="replace").strip()
    return text or None


def _from_bytes_literals(values: pd.Series) -> pd.Series:
    return values.map(from_bytes_literal, na_action="ignore")


def bytes_literal_text(name: str) -> Column:
    """A text field that may be written as a Python bytes literal (`from_bytes_literal`), decoded; blank is NULL.

    A pandas UDF: Spark SQL has no reader for Python's escapes (\\xNN sequences spell UTF-8 bytes). Made when
    called, since making one needs a session."""
    return F.pandas_udf(_from_bytes_literals, StringType())(F.col(name))
