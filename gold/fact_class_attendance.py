"""Class attendance: one row per member who came to a class, partitioned by the class's local date.

The grain of attendance counts (leaderboards, favourites, class-type revenue); its rows are the attended
bookings of gold.fact_bookings, so the two never disagree.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import TableContract
from gold import fact_bookings

INPUTS = ("gold.fact_bookings",)

CARRIED = (
    "booking_id",
    "session_id",
    "member_key",
    "location_id",
    "instructor_id",
    "class_type",
    "class_date",
    "class_starts_at",
    "class_hour",
)

CONTRACT = TableContract(
    name="gold.fact_class_attendance",
    comment="One row per attended class booking, partitioned by class_date (the site's local date).",
    columns=fact_bookings.CONTRACT.pick(*CARRIED),
    keys=("booking_id",),
    partition_by=("class_date",),
    foreign_keys=fact_bookings.CONTRACT.foreign_keys,
)


def transform(bookings: DataFrame) -> DataFrame:
    return bookings.filter(F.col("is_attended")).select(*CARRIED)
