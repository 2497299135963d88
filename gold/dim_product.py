"""Products: one row per SKU of the shop's catalog, the star schema's product dimension."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract
from silver import products

INPUTS = ("silver.products",)

COLUMNS = ("sku", "name", "category", "list_price")

CONTRACT = TableContract(
    name="gold.dim_product",
    comment="One row per product (SKU): catalog name, category and list price.",
    columns=products.CONTRACT.pick(*COLUMNS),
    keys=("sku",),
)


def transform(products_: DataFrame) -> DataFrame:
    return products_.select(*COLUMNS)
