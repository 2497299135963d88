"""Instructors: one row per instructor, the star schema's instructor dimension."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fitlake.contracts import TableContract, references
from silver import instructors

INPUTS = ("silver.instructors",)

COLUMNS = ("instructor_id", "location_id", "specialties")

CONTRACT = TableContract(
    name="gold.dim_instructor",
    comment="One row per instructor: the location they teach at and the class types they teach.",
    columns=instructors.CONTRACT.pick(*COLUMNS),
    keys=("instructor_id",),
    foreign_keys=(references("location_id", "gold.dim_location"),),
)


def transform(instructors_: DataFrame) -> DataFrame:
    return instructors_.select(*COLUMNS)
