"""Locations: one row per site of the gym, its time zone and the wellness rooms it has.

Reference data, exported whole: when a site is exported again, the latest export is its current state.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql.types import ArrayType

from fitlake.contracts import LATEST_DELIVERY, ROW_LINEAGE, STRING, Column, TableContract
from fitlake.quality import conform, from_bronze
from silver._parsing import known_timezone, texts, to_codes

INPUTS = ("bronze.locations_raw",)

CONTRACT = TableContract(
    name="silver.locations",
    comment="One row per location (site): the latest exported state, with the site's IANA time zone.",
    columns=(
        Column("location_id", STRING, "Location code in the studio system, e.g. BKN", nullable=False),
        Column("name", STRING, "Name of the site"),
        Column("city", STRING, "City the site is in"),
        Column("timezone", STRING, "IANA time zone of the site: local times there convert with it", nullable=False),
        Column("facilities", ArrayType(STRING), "Wellness rooms members can book, e.g. [sauna, pool]"),
        *ROW_LINEAGE,
    ),
    keys=("location_id",),
    # Every local time of a site becomes UTC through this zone: an unknown one would make them all NULL.
    expectations=(known_timezone("timezone"),),
    keep=LATEST_DELIVERY,
)


def transform(locations_raw: DataFrame) -> DataFrame:
    typed = from_bronze(
        locations_raw,
        *texts("location_id", "name", "city", "timezone"),
        to_codes("facilities").alias("facilities"),
    )
    return conform(typed, CONTRACT)
