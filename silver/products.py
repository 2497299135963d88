"""Products: the point of sale's catalog, one row per SKU, with the key its names are matched on."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    ROW_LINEAGE,
    STRING,
    Column,
    Deduplication,
    TableContract,
    between,
    decimal,
    in_set,
    parsed,
)
from fitlake.quality import conform, from_bronze
from silver._parsing import name_key, text, texts, to_decimal

CATEGORIES = ("juice_bar", "supplements", "snacks", "apparel")

INPUTS = ("bronze.products_raw",)

CONTRACT = TableContract(
    name="silver.products",
    comment="One row per product of the point of sale's catalog: the most recent export of it.",
    columns=(
        Column("sku", STRING, "Stock keeping unit: the product's code", nullable=False),
        Column("name", STRING, "Product name as the catalog spells it", nullable=False),
        Column("category", STRING, "juice_bar, supplements, snacks or apparel", nullable=False),
        Column("list_price", decimal(8, 2), "Price per unit in USD", nullable=False),
        Column(
            "name_key",
            STRING,
            "The name as matching sees it (lower case letters and digits, one spelling per unit): "
            "how a till's typed item name finds its product",
            nullable=False,
        ),
        *ROW_LINEAGE,
    ),
    keys=("sku",),
    expectations=(in_set("category", CATEGORIES), between("list_price", 0, 10000)),
    parse_rules=(parsed("list_price"),),
    # The catalog is re-sent whole when it changes. Landing paths are <source>/<yyyy-mm-dd>/part-*, so a later path
    # is a later export, whenever it was ingested.
    keep=Deduplication(
        ("-_source_file", "-_ingested_at", "-_line_number"), "the latest export of a SKU is its current state"
    ),
)


def transform(products_raw: DataFrame) -> DataFrame:
    typed = from_bronze(
        products_raw,
        *texts("sku", "name"),
        F.lower(text("category")).alias("category"),
        to_decimal("list_price", 8, 2).alias("list_price"),
        name_key("name").alias("name_key"),
        text("list_price").alias("list_price_text"),
    )
    return conform(typed, CONTRACT)


def by_name_key(products: DataFrame) -> DataFrame:
    """sku per name_key, for names that identify one product only: a lookup on it never multiplies rows,
    and a name two products share resolves to none (the line is then an orphan, not a guess)."""
    return (
        products.groupBy("name_key")
        .agg(F.min("sku").alias("sku"), F.count(F.lit(1)).alias("products"))
        .filter(F.col("products") == 1)
        .select("name_key", "sku")
    )
