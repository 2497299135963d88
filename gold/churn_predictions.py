"""Churn risk of every member on the books at the current snapshot, scored by the champion model.

Built by the score_churn task (`fitlake score`), not build_gold: its input besides the features is the
model version holding the `champion` alias of the registered model fitlake_churn. Each scoring replaces
the table, so it holds one as-of date, one row per member on the books then; Delta's history keeps the
earlier scorings. Scoring runs where the rows are (mapInPandas), so a cluster scores in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import DOUBLE, INT, STRING, Column, TableContract, between
from fitlake.ml.features import INPUTS as MODEL_INPUTS
from fitlake.ml.features import ScoringModel, churn_probability, model_inputs
from gold import member_churn_features

INPUTS = ("gold.member_churn_features",)

_CARRIED = member_churn_features.CONTRACT.pick("as_of_date", "member_key", "location_id")
_NEEDED = sorted(
    {"as_of_date", "member_key", "location_id", "last_activity_date", *MODEL_INPUTS} - {"days_since_last_activity"}
)

CONTRACT = TableContract(
    name="gold.churn_predictions",
    comment="Churn risk per member on the books at the latest snapshot, from the champion churn model.",
    columns=(
        *_CARRIED,
        Column("churn_probability", DOUBLE, "Probability that the membership ends in the next 30 days", False),
        Column("risk_decile", INT, "1 = the tenth of members most likely to leave, 10 = the least", False),
        Column("model_name", STRING, "Registered model that scored the row", nullable=False),
        Column("model_version", STRING, "Version of the registered model (the champion when scored)", False),
        Column("model_run_id", STRING, "MLflow run that trained that version", nullable=False),
    ),
    keys=("as_of_date", "member_key"),
    expectations=(between("churn_probability", 0, 1), between("risk_decile", 1, 10)),
    foreign_keys=member_churn_features.CONTRACT.foreign_keys,
)


def transform(features: DataFrame, *, model: ScoringModel) -> DataFrame:
    estimator = model.estimator

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield batch[["as_of_date", "member_key", "location_id"]].assign(
                churn_probability=churn_probability(estimator, model_inputs(batch))
            )

    current = features.filter("is_current").select(*_NEEDED)
    scored = current.mapInPandas(
        score, "as_of_date date, member_key string, location_id string, churn_probability double"
    )
    riskiest_first = Window.orderBy(F.desc("churn_probability"), "member_key")
    return scored.select(
        *[c.name for c in _CARRIED],
        "churn_probability",
        F.ntile(10).over(riskiest_first).alias("risk_decile"),
        F.lit(model.name).alias("model_name"),
        F.lit(model.version).alias("model_version"),
        F.lit(model.run_id).alias("model_run_id"),
    )
