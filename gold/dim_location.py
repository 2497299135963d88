"""Locations: one row per site, the star schema's location dimension."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract
from silver import locations

INPUTS = ("silver.locations",)

COLUMNS = ("location_id", "name", "city", "timezone", "facilities")

CONTRACT = TableContract(
    name="gold.dim_location",
    comment="One row per location (site): name, city, time zone and wellness rooms.",
    columns=locations.CONTRACT.pick(*COLUMNS),
    keys=("location_id",),
)


def transform(locations_: DataFrame) -> DataFrame:
    return locations_.select(*COLUMNS)
