"""Retail lines: one row per receipt line of the juice bar and shop, with the product's SKU and the
instant of sale in UTC. Refunds are lines with a negative quantity on a receipt of their own."""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    BOOLEAN,
    DATE,
    FIRST_DELIVERY,
    INT,
    ROW_LINEAGE,
    STRING,
    TIMESTAMP,
    Column,
    Incremental,
    Lookup,
    TableContract,
    between,
    decimal,
    in_set,
    not_null,
    parsed,
    references,
    rule,
)
from fitlake.quality import conform, from_bronze
from silver._lookups import MEMBER, known, lookup, site, with_member_key
from silver._parsing import local_to_utc, name_key, text, texts, to_decimal, to_int, to_timestamp
from silver.members import MEMBER_KEY
from silver.products import CATEGORIES, by_name_key

PAYMENT_METHODS = ("card", "member_account", "cash", "apple_pay")

INPUTS = ("bronze.retail_raw", "silver.member_pii", "silver.products", "silver.locations")

CONTRACT = TableContract(
    name="silver.retail_lines",
    comment="One row per receipt line, deduplicated on (receipt_id, line_number); instants in UTC.",
    columns=(
        Column("receipt_id", STRING, "Receipt number: <site>-<yyyymmdd>-<number in the day>", nullable=False),
        Column("line_number", INT, "Line on the receipt, from 1", nullable=False),
        Column("location_id", STRING, "Location of the till", nullable=False),
        replace(MEMBER_KEY, comment="Member who bought; NULL for a walk-in customer", nullable=True),
        Column("sold_at", TIMESTAMP, "Instant of the sale (UTC)", nullable=False),
        Column("sold_local_date", DATE, "Date at the site", nullable=False),
        Column("sku", STRING, "Product sold, matched from the item name the till printed", nullable=False),
        Column("category", STRING, "juice_bar, supplements, snacks or apparel", nullable=False),
        Column("quantity", INT, "Units sold; negative on a refund", nullable=False),
        Column("unit_price", decimal(10, 2), "Price per unit in USD", nullable=False),
        Column("line_total", decimal(10, 2), "quantity times unit_price in USD; negative on a refund", nullable=False),
        Column("payment_method", STRING, "card, member_account, cash or apple_pay", nullable=False),
        Column("refund_of_receipt", STRING, "Receipt a refund gives money back for; NULL on a sale"),
        Column("is_refund", BOOLEAN, "The line gives money back (negative quantity)", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("receipt_id", "line_number"),
    expectations=(
        in_set("category", CATEGORIES),
        in_set("payment_method", PAYMENT_METHODS),
        # A price is never negative: a refund is a negative quantity at the usual price.
        between("unit_price", 0, 10000),
        rule("nonzero_quantity", "quantity IS NULL OR quantity <> 0"),
        # The till prints totals to the cent of an exact product, so they must agree exactly.
        rule("line_total_is_quantity_times_unit_price", "line_total IS NULL OR line_total = quantity * unit_price"),
        rule("refund_of_receipt_iff_refund", "is_refund = (refund_of_receipt IS NOT NULL)"),
    ),
    foreign_keys=(
        references("member_key", "silver.members"),
        references("sku", "silver.products"),
        references("location_id", "silver.locations"),
    ),
    parse_rules=(
        known("member_id", "member_key", "silver.members"),
        known("location_id", "site_timezone", "silver.locations", derived=("sold_at",)),
        not_null("item_name"),
        known("item_name", "sku", "silver.products"),
        parsed("line_number"),
        parsed("sold_local_time", raw="sold_at_text"),
        parsed("quantity"),
        parsed("unit_price"),
        parsed("line_total"),
    ),
    keep=FIRST_DELIVERY,
)

# A day's build takes the day's batches (fitlake.incremental).
INCREMENTAL = Incremental((MEMBER, Lookup("silver.products", on=("name_key",), take=("sku",)), site("timezone")))


def transform(retail_raw: DataFrame, member_pii: DataFrame, products: DataFrame, locations: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        retail_raw,
        *texts("receipt_id", "location_id", "member_id", "item_name", "refund_of_receipt"),
        to_int("line_number").alias("line_number"),
        to_timestamp("sold_at").alias("sold_local_time"),
        name_key("item_name").alias("item_name_key"),
        F.lower(text("category")).alias("category"),
        to_int("quantity").alias("quantity"),
        to_decimal("unit_price", 10, 2).alias("unit_price"),
        to_decimal("line_total", 10, 2).alias("line_total"),
        F.lower(text("payment_method")).alias("payment_method"),
        *[text(c).alias(f"{c}_text") for c in ("line_number", "sold_at", "quantity", "unit_price", "line_total")],
    )
    with_member = with_member_key(parsed_rows, member_pii)
    # The till prints the item as a cashier typed it; its normalised name finds the catalog product.
    with_product = lookup(with_member, by_name_key(products), ("item_name_key", "name_key"), {"sku": "sku"})
    with_site = lookup(with_product, locations, ("location_id", "location_id"), {"timezone": "site_timezone"})
    typed = with_site.select(
        "*",
        local_to_utc(F.col("sold_local_time"), "site_timezone").alias("sold_at"),
        F.to_date("sold_local_time").alias("sold_local_date"),
        (F.col("quantity") < 0).alias("is_refund"),
    )
    # The first delivery of a line wins; later copies are re-sent lines.
    return conform(typed, CONTRACT)
