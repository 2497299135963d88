"""Cancellation reasons over time: requests per month, home location and reason, with each reason's share."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, DOUBLE, Column, TableContract, between, references
from fitlake.periods import month_start
from silver import cancellations

INPUTS = ("silver.cancellations",)

CONTRACT = TableContract(
    name="gold.cancellation_reasons_monthly",
    comment="Cancellation requests per month (of the request), home location and reason, with the reason's share.",
    columns=(
        Column("month", DATE, "First day of the month the cancellation was requested (local date)", nullable=False),
        *cancellations.CONTRACT.pick("location_id", "reason"),
        Column("cancellations", BIGINT, "Requests giving this reason", nullable=False),
        Column("share", DOUBLE, "Share of the month's requests at the location giving this reason", nullable=False),
    ),
    keys=("month", "location_id", "reason"),
    expectations=(between("share", 0, 1),),
    foreign_keys=(references("location_id", "gold.dim_location"),),
)


def transform(requests: DataFrame) -> DataFrame:
    counted = requests.groupBy(month_start("requested_local_date").alias("month"), "location_id", "reason").agg(
        F.count(F.lit(1)).alias("cancellations")
    )
    month = Window.partitionBy("month", "location_id")
    return counted.withColumn("share", F.col("cancellations") / F.sum("cancellations").over(month))
