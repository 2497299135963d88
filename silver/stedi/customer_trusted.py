"""STEDI customers who share their data for research: one row per customer, their latest record.

A customer's latest record is their state and supersedes the older ones, which count as duplicates
whatever they hold: consent can be withdrawn, so a customer whose latest record has no
`shareWithResearchAsOfDate` is withheld even if an older record had one, and a broken latest record is
quarantined rather than replaced by a stale one. Name, e-mail, phone and birthday are left behind; the
customer is known by `customer_key`.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import (
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    Expectation,
    TableContract,
    latest_by,
    parsed,
    rule,
)
from fitlake.privacy import Secrets, decrypt
from fitlake.quality import IS_DUPLICATE, IS_WITHHELD, QUARANTINE_REASON, conform, delivery_order, from_bronze
from silver._parsing import text
from silver.stedi._customers import CUSTOMER_KEY, customer_key
from silver.stedi._parsing import epoch_millis

INPUTS = ("bronze.stedi_customer_landing",)

# Source field -> typed column, each parsed from epoch milliseconds.
INSTANTS = {
    "registrationDate": "registered_at",
    "lastUpdateDate": "last_updated_at",
    "shareWithResearchAsOfDate": "share_with_research_since",
    "shareWithPublicAsOfDate": "share_with_public_since",
    "shareWithFriendsAsOfDate": "share_with_friends_since",
}

CONTRACT = TableContract(
    name="silver.stedi_customer_trusted",
    comment="STEDI customers who share their data for research, latest record each. No name, e-mail, phone "
    "or birthday.",
    columns=(
        CUSTOMER_KEY,
        Column("serial_number", STRING, "Serial number of the customer's step trainer", nullable=False),
        Column("registered_at", TIMESTAMP, "When the customer registered (UTC)", nullable=False),
        Column("last_updated_at", TIMESTAMP, "When the customer's record last changed (UTC)", nullable=False),
        Column(
            "share_with_research_since", TIMESTAMP, "Since when the customer shares data for research", nullable=False
        ),
        Column("share_with_public_since", TIMESTAMP, "Since when the customer shares data publicly; NULL if not"),
        Column("share_with_friends_since", TIMESTAMP, "Since when the customer shares data with friends; NULL if not"),
        *ROW_LINEAGE,
    ),
    keys=("customer_key",),
    expectations=(rule("updated_not_before_registered", "last_updated_at >= registered_at"),),
    parse_rules=(
        # Without an e-mail address a record cannot be tied to a customer (or to their readings).
        Expectation("not_null(email)", "customer_key IS NOT NULL", columns=("customer_key",)),
        *[parsed(column, raw=f"{field}_text") for field, column in INSTANTS.items()],
    ),
    keep=latest_by("last_updated_at", "a customer's latest record is their state"),
)


def transform(customer_landing: DataFrame, *, secrets: Secrets) -> DataFrame:
    typed = from_bronze(
        customer_landing,
        customer_key(decrypt("email", secrets.pii_key), secrets.pseudonym_salt).alias("customer_key"),
        text("serialNumber").alias("serial_number"),
        *[epoch_millis(field).alias(column) for field, column in INSTANTS.items()],
        *[text(field).alias(f"{field}_text") for field in INSTANTS],
    )
    rank = F.row_number().over(Window.partitionBy("customer_key").orderBy(*delivery_order(CONTRACT.keep)))
    # A line with no customer (malformed, or no e-mail) supersedes nothing: each is judged on its own.
    ranked = typed.withColumn("_is_latest", F.col("customer_key").isNull() | (rank == 1))
    current = conform(ranked.filter("_is_latest"), CONTRACT, consented=F.col("share_with_research_since").isNotNull())
    superseded = ranked.filter(~F.col("_is_latest")).withColumns(
        {QUARANTINE_REASON: F.lit(None).cast("string"), IS_WITHHELD: F.lit(False), IS_DUPLICATE: F.lit(True)}
    )
    return current.unionByName(superseded)
