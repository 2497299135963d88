"""The churn training set: member_churn_features' monthly snapshots whose outcome is known, with the label.

Label: the member's membership ends within LABEL_DAYS of the snapshot. A snapshot is labelled only when
the data covers all of those days (the snapshot plus LABEL_DAYS is on or before the current snapshot, the
day after the last day of data): a later one would count members who may still cancel as staying.
The features come from gold.member_churn_features untouched, so they use only days before the snapshot;
the label alone looks past it.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BOOLEAN, DATE, Column, TableContract, rule
from fitlake.ml.features import LABEL, LABEL_DAYS
from gold import member_churn_features

INPUTS = ("gold.member_churn_features", "silver.members")

_FEATURES = tuple(c for c in member_churn_features.CONTRACT.columns if c.name != "is_current")

CONTRACT = TableContract(
    name="gold.churn_training",
    comment=f"Monthly snapshots of member_churn_features whose next {LABEL_DAYS} days are in the data, labelled.",
    columns=(
        *_FEATURES,
        Column("label_window_end", DATE, f"as_of_date + {LABEL_DAYS}: the label looks at days before it", False),
        Column(LABEL, BOOLEAN, f"The membership ended in the {LABEL_DAYS} days from as_of_date", nullable=False),
    ),
    keys=member_churn_features.CONTRACT.keys,
    expectations=(rule("label_window_in_the_data", "label_window_end > as_of_date"),),
    foreign_keys=member_churn_features.CONTRACT.foreign_keys,
)


def transform(features: DataFrame, members: DataFrame) -> DataFrame:
    current = features.filter("is_current").agg(F.max("as_of_date").alias("data_ends"))
    window_end = F.date_add("as_of_date", LABEL_DAYS)
    labelled = (
        features.filter(~F.col("is_current"))
        .crossJoin(current)
        .filter(window_end <= F.col("data_ends"))
        .join(members.select("member_key", "cancel_date"), "member_key", "left")
    )
    # member_churn_features holds members on the books at the snapshot: a cancel_date is never before it.
    churned = F.coalesce(F.col("cancel_date") < window_end, F.lit(False))
    return labelled.select(*[c.name for c in _FEATURES], window_end.alias("label_window_end"), churned.alias(LABEL))
