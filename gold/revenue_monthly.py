"""Revenue per month and location, by stream: membership fees by plan and retail by product.

Membership revenue is what gold.fact_member_month billed; retail revenue is net of refunds, in the month of
the refund (a refund is a sale line with a negative amount). For membership revenue by class type, see
gold.class_type_revenue_monthly.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, STRING, Column, TableContract, decimal, in_set, references
from fitlake.periods import month_start

INPUTS = ("gold.fact_member_month", "gold.fact_retail_sales")

STREAMS = ("membership", "retail")

CONTRACT = TableContract(
    name="gold.revenue_monthly",
    comment="Revenue per month, location, stream and item: membership by plan, retail by product (SKU).",
    columns=(
        Column("month", DATE, "First day of the month (the site's local date)", nullable=False),
        Column(
            "location_id", STRING, "Location: the member's home for membership, the till for retail", nullable=False
        ),
        Column("stream", STRING, "membership or retail", nullable=False),
        Column(
            "category", STRING, "Membership: billing period (monthly, annual); retail: product category", nullable=False
        ),
        Column("item", STRING, "Membership: plan; retail: SKU", nullable=False),
        Column("quantity", BIGINT, "Membership: members billed; retail: units sold net of refunds", nullable=False),
        Column("revenue", decimal(14, 2), "Revenue in USD; retail net of refunds", nullable=False),
    ),
    keys=("month", "location_id", "stream", "category", "item"),
    expectations=(in_set("stream", STREAMS),),
    foreign_keys=(references("location_id", "gold.dim_location"),),
)


def transform(member_months: DataFrame, sales: DataFrame) -> DataFrame:
    billed = member_months.filter(F.col("membership_revenue") > 0)
    membership = billed.groupBy(
        "month", "location_id", F.col("billing_period").alias("category"), F.col("plan").alias("item")
    ).agg(F.count(F.lit(1)).alias("quantity"), F.sum("membership_revenue").alias("revenue"))
    retail = sales.groupBy(
        month_start("sold_local_date").alias("month"), "location_id", "category", F.col("sku").alias("item")
    ).agg(F.sum("quantity").cast("bigint").alias("quantity"), F.sum("line_total").alias("revenue"))
    return (
        membership.select(
            "month", "location_id", F.lit("membership").alias("stream"), "category", "item", "quantity", "revenue"
        )
        .unionByName(
            retail.select(
                "month", "location_id", F.lit("retail").alias("stream"), "category", "item", "quantity", "revenue"
            )
        )
        .withColumn("revenue", F.col("revenue").cast("decimal(14,2)"))
    )
