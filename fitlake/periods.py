"""Calendar periods as Gold reports them: weeks start on Monday (ISO), months on their first day.

Here rather than in gold/ because the supplement forecast's weekly series (fitlake.ml.forecast) counts weeks
the same way, and fitlake.ml does not import gold.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F


def month_start(day: str | Column) -> Column:
    return F.date_trunc("month", day).cast("date")


def week_start(day: str | Column) -> Column:
    # Spark's date_trunc('week') is the Monday of the ISO week, on Sail and on Databricks alike.
    return F.date_trunc("week", day).cast("date")


def month_end(month: str | Column) -> Column:
    return F.last_day(month)
