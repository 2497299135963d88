"""Resolving a source's references to conformed tables: a member number to the member's pseudonym, etc.

Each lookup is a left join, so a row whose reference is unknown keeps its place with a NULL key; the
`known(...)` rule then quarantines it as an orphan. Reference tables are unique on the looked-up column
(their keys), so a join never multiplies rows.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import Expectation, Lookup, quote

# What the lookups below read, for a table's INCREMENTAL (fitlake.contracts.Incremental).
MEMBER = Lookup("silver.member_pii", on=("member_id",), take=("member_key",))
SESSION = Lookup("silver.class_sessions", on=("session_id",))


def lookup(df: DataFrame, reference: DataFrame, on: tuple[str, str], take: dict[str, str]) -> DataFrame:
    """Add `take` (reference column -> new name) from the reference row whose `on[1]` equals `df[on[0]]`."""
    source, ref_column = on
    ref = reference.select(F.col(ref_column).alias("_lookup_on"), *[F.col(c).alias(n) for c, n in take.items()])
    return df.join(ref, F.col(source) == F.col("_lookup_on"), "left").drop("_lookup_on")


def with_member_key(df: DataFrame, member_pii: DataFrame, source: str = "member_id") -> DataFrame:
    """The member's pseudonym for the member number in `source` (NULL when no such member)."""
    return lookup(df, member_pii, (source, *MEMBER.on), {"member_key": "member_key"})


def with_known_session(df: DataFrame, class_sessions: DataFrame) -> DataFrame:
    """`known_session_id`: the row's `session_id` when silver.class_sessions has that session, else NULL."""
    return lookup(df, class_sessions, ("session_id", *SESSION.on), {"session_id": "known_session_id"})


def site(*take: str) -> Lookup:
    """What a table reads of silver.locations: `take` for a location_id."""
    return Lookup("silver.locations", on=("location_id",), take=take)


def known(source: str, resolved: str, table: str, derived: tuple[str, ...] = ()) -> Expectation:
    """A reference that is present must resolve to a row of `table`: quarantine orphans.

    `derived` names columns computed from what the lookup brings (a UTC time needs the site's time zone):
    like `resolved`, they are NULL because the reference failed, which is not reported again.
    """
    return Expectation(
        f"foreign_key({source})",
        f"{quote(source)} IS NULL OR {quote(resolved)} IS NOT NULL",
        columns=(source, resolved, *derived),
    )
