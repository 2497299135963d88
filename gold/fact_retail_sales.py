"""Retail sales: one row per receipt line of the juice bar and shop, refunds as negative lines."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract, references
from silver import retail_lines

INPUTS = ("silver.retail_lines",)

CARRIED = (
    "receipt_id",
    "line_number",
    "location_id",
    "member_key",
    "sold_at",
    "sold_local_date",
    "sku",
    "category",
    "quantity",
    "unit_price",
    "line_total",
    "payment_method",
    "is_refund",
)

CONTRACT = TableContract(
    name="gold.fact_retail_sales",
    comment="One row per receipt line: product, quantity and amount; refunds are negative lines.",
    columns=retail_lines.CONTRACT.pick(*CARRIED),
    keys=("receipt_id", "line_number"),
    foreign_keys=(
        references("sku", "gold.dim_product"),
        references("location_id", "gold.dim_location"),
        references("member_key", "gold.dim_member"),  # NULL for a walk-in customer: no orphan
    ),
)


def transform(lines: DataFrame) -> DataFrame:
    return lines.select(*CARRIED)
