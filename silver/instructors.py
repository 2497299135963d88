"""Instructors: one row per instructor, the site they teach at and the class types they teach.

Instructor names are personal data of staff: Bronze keeps them encrypted and Silver leaves them out, as
no analysis needs them (a session names its instructor by number). Reference data, exported whole: the
latest export of an instructor is their current state.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql.types import ArrayType

from fitlake.contracts import LATEST_DELIVERY, ROW_LINEAGE, STRING, Column, TableContract, references
from fitlake.quality import conform, from_bronze
from silver._lookups import known, lookup
from silver._parsing import texts, to_codes

INPUTS = ("bronze.instructors_raw", "silver.locations")

CONTRACT = TableContract(
    name="silver.instructors",
    comment="One row per instructor: the latest exported state. No names (staff personal data).",
    columns=(
        Column("instructor_id", STRING, "Instructor number in the studio system, e.g. I0001", nullable=False),
        Column("location_id", STRING, "Location the instructor teaches at", nullable=False),
        Column("specialties", ArrayType(STRING), "Class types the instructor teaches, lower case, e.g. [yoga, hiit]"),
        *ROW_LINEAGE,
    ),
    keys=("instructor_id",),
    foreign_keys=(references("location_id", "silver.locations"),),
    parse_rules=(known("location_id", "known_location_id", "silver.locations"),),
    keep=LATEST_DELIVERY,
)


def transform(instructors_raw: DataFrame, locations: DataFrame) -> DataFrame:
    parsed_rows = from_bronze(
        instructors_raw,
        *texts("instructor_id", "location_id"),
        to_codes("specialties").alias("specialties"),
    )
    typed = lookup(parsed_rows, locations, ("location_id", "location_id"), {"location_id": "known_location_id"})
    return conform(typed, CONTRACT)
