"""Research data (wearable minutes, workouts): who the data belongs to, and whether they let us use it.

A research source names its member by a member number, or by an account on another service (a Fitbit device id,
a MapMyRun user id) that silver.linked_accounts gives to a member for a period. Either resolves through a small
reference table (one row per member number, or per account and period), built with the member's research consent
from silver.members, so the large research table is joined once, whatever it needs from the member.

"Withheld" means a member without research consent on that day. Data of an account nobody held that day is
quarantined (`unknown_account`), so a broken link shows instead of passing for a refusal.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import Expectation, quote
from silver._lookups import lookup

CONSENT = ("research_consent", "research_consent_date")


def research_subjects(
    member_pii: DataFrame, members: DataFrame, identifier: str, member_columns: tuple[str, ...] = ()
) -> DataFrame:
    """Per value of member_pii's `identifier` (member_id): member_key, the member's research consent and consent
    date, and `member_columns` of silver.members.

    An identifier of more than one member is left out: whose consent would apply is unknown, so its data is used by
    nobody.
    """
    linked = (
        member_pii.filter(F.col(identifier).isNotNull())
        .groupBy(identifier)
        .agg(F.min("member_key").alias("member_key"), F.count(F.lit(1)).alias("_members"))
        .filter(F.col("_members") == 1)
        .drop("_members")
    )
    return lookup(linked, members, ("member_key", "member_key"), {c: c for c in (*CONSENT, *member_columns)})


def account_holders(
    linked_accounts: DataFrame, members: DataFrame, provider: str, member_columns: tuple[str, ...] = ()
) -> DataFrame:
    """Per account of `provider` (fitbit, mapmyrun) and period: account_key, the member holding the account from
    `held_from` until the day before `held_until` (NULL: still held), their research consent and consent date,
    and `member_columns` of silver.members.

    An account is one member's at a time. Days on which two members' links overlap are left out, like days no link
    covers: whose consent would apply is unknown, so its data is used by nobody. Periods never overlap, so a
    research row finds one holder at most.
    """
    links = linked_accounts.filter(F.col("provider") == provider).select(
        "account_key", "member_key", "linked_date", "unlinked_date"
    )
    # Every date a link of the account begins or ends starts a period, which lasts until the next such date.
    # (Not a union of the two: Sail fails to aggregate a union of columns with different comments.)
    starts = links.select("account_key", F.explode(F.array("linked_date", "unlinked_date")).alias("held_from"))
    by_date = Window.partitionBy("account_key").orderBy("held_from")
    periods = starts.filter(F.col("held_from").isNotNull()).distinct()
    periods = periods.withColumn("held_until", F.lead("held_from").over(by_date))
    covered = periods.join(links, "account_key").filter(
        (F.col("linked_date") <= F.col("held_from"))
        & (F.col("unlinked_date").isNull() | (F.col("unlinked_date") > F.col("held_from")))
    )
    held = (
        covered.groupBy("account_key", "held_from", "held_until")
        .agg(F.min("member_key").alias("member_key"), F.count_distinct("member_key").alias("_members"))
        .filter(F.col("_members") == 1)
        .drop("_members")
    )
    return lookup(held, members, ("member_key", "member_key"), {c: c for c in (*CONSENT, *member_columns)})


def with_account_holder(
    rows: DataFrame, holders: DataFrame, account_key: Column, on: Column, take: dict[str, str]
) -> DataFrame:
    """`rows` with `take` (holder column -> new name: member_key, consent, ...) of the holder of the row's account on
    the date `on`; NULL when nobody held it that day. `account_key` is the pseudonym of the account id the row
    carries."""
    ref = holders.select(
        F.col("account_key").alias("_holder_account"), F.col("held_from").alias("_holder_from"),
        F.col("held_until").alias("_holder_until"), *[F.col(c).alias(n) for c, n in take.items()],
    )  # fmt: skip
    held_on = (
        (F.col("_account_key") == F.col("_holder_account"))
        & (F.col("_on") >= F.col("_holder_from"))
        & (F.col("_holder_until").isNull() | (F.col("_on") < F.col("_holder_until")))
    )
    keyed = rows.withColumns({"_account_key": account_key, "_on": on})
    return keyed.join(ref, held_on, "left").drop(
        "_account_key", "_on", "_holder_account", "_holder_from", "_holder_until"
    )


def known_account(identifier: str, on: str) -> Expectation:
    """The parse rule of research data naming its member by an account (`identifier`): present with its date `on`,
    the account must be someone's that day (member_key resolved). A parse rule, so such data is quarantined, never
    withheld as a refusal."""
    return Expectation(
        "unknown_account",
        f"{quote(identifier)} IS NULL OR {quote(on)} IS NULL OR member_key IS NOT NULL",
        columns=(identifier, on, "member_key"),
    )


def has_consent(on: Column) -> Column:
    """True when the member's research consent covers the date `on`; false when unknown."""
    return F.coalesce(F.col("research_consent") & (on >= F.col("research_consent_date")), F.lit(False))
