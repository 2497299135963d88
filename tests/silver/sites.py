"""A silver.locations stand-in for the lookups of site-bound sources: the sites of the generator's world."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

# The columns silver.locations promises to the tables that look sites up.
LOCATIONS_SCHEMA = T.StructType(
    [
        T.StructField("location_id", T.StringType(), False),
        T.StructField("name", T.StringType(), True),
        T.StructField("city", T.StringType(), True),
        T.StructField("timezone", T.StringType(), False),
        T.StructField("facilities", T.ArrayType(T.StringType()), True),
    ]
)

SITES = [
    ("BKN", "Brooklyn Heights", "New York", "America/New_York", ["sauna", "pool", "steam_room"]),
    ("SFO", "SoMa San Francisco", "San Francisco", "America/Los_Angeles", ["sauna", "steam_room"]),
    ("LDN", "London Shoreditch", "London", "Europe/London", ["sauna", "pool"]),
]


def location_rows(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(SITES, LOCATIONS_SCHEMA)
