"""Linked accounts: which member holds which Fitbit or MapMyRun account, from when and until when.

Research data names an account, not a member: a Fitbit minute file its device's user id, a MapMyRun export its
user id (in the file name). This table is how such data finds its member, on the day it is about
(silver/_research.py `account_holders`); a device can pass from one member to another.

An account id identifies its holder as surely as a phone number does, and a Fitbit id even reads like one, so no
Silver table holds it in the clear: it is known by a pseudonym (`account_key`, salted like `member_key`), which
research data computes from the id it carries to find its holder.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame

from fitlake.contracts import (
    DATE,
    ROW_LINEAGE,
    STRING,
    Column,
    TableContract,
    in_set,
    latest_by,
    not_null,
    parsed,
    references,
    rule,
)
from fitlake.privacy import Secrets, decrypt, pseudonym
from fitlake.quality import conform, from_bronze
from silver._parsing import text, texts, to_code, to_date
from silver.members import MEMBER_KEY

PROVIDERS = ("fitbit", "mapmyrun")

INPUTS = ("bronze.linked_accounts_raw",)

CONTRACT = TableContract(
    name="silver.linked_accounts",
    comment="One row per link of a Fitbit or MapMyRun account to a member, with the dates it began and ended. "
    "No account id: accounts are known by a pseudonym.",
    columns=(
        replace(MEMBER_KEY, comment="Member who linked the account"),
        Column("provider", STRING, "Service the account is on: fitbit or mapmyrun", nullable=False),
        Column(
            "account_key",
            STRING,
            "Account pseudonym: sha2 of the pseudonym salt and the account id (a Fitbit user id, the id in the "
            "device's minute files; a MapMyRun user id, the id in its export's file name)",
            nullable=False,
        ),
        Column("linked_date", DATE, "First day the account was linked to the member", nullable=False),
        Column(
            "unlinked_date", DATE, "Day the account was unlinked, the first day it was not theirs; NULL while linked"
        ),
        *ROW_LINEAGE,
    ),
    keys=("member_key", "provider", "account_key", "linked_date"),
    expectations=(
        in_set("provider", PROVIDERS),
        rule("unlinked_not_before_linked", "unlinked_date IS NULL OR unlinked_date >= linked_date"),
    ),
    # A link whose member silver.members lacks (their record quarantined, or not exported yet) is kept, and only
    # warned about: research data of the account is then withheld for want of a known consent, not quarantined as
    # nobody's, until the member's record lands.
    foreign_keys=(references("member_key", "silver.members", level="warn"),),
    parse_rules=(
        not_null("member_id"),
        not_null("account_id"),
        parsed("linked_date"),
        parsed("unlinked_date"),
    ),
    # A link is exported open, then again with its unlinked date: the end, once known, is final (linking the
    # account again is a new link, from a new date), whatever order the exports are read in.
    keep=latest_by("unlinked_date", "a link's unlinked date, once exported, ends it"),
)


def transform(linked_accounts_raw: DataFrame, *, secrets: Secrets) -> DataFrame:
    parsed_rows = from_bronze(
        linked_accounts_raw.withColumn("account_id", decrypt("account_id", secrets.pii_key)),
        *texts("member_id", "account_id"),
        to_code("provider").alias("provider"),
        to_date("linked_date").alias("linked_date"),
        to_date("unlinked_date").alias("unlinked_date"),
        *[text(c).alias(f"{c}_text") for c in ("linked_date", "unlinked_date")],
    )
    salt = secrets.pseudonym_salt
    typed = parsed_rows.withColumns(
        {"member_key": pseudonym("member_id", salt), "account_key": pseudonym("account_id", salt)}
    )
    return conform(typed, CONTRACT)
