# Databricks notebook source
# MAGIC %md
# MAGIC # Churn model: training set, training, scoring
# MAGIC Who is about to leave? This notebook looks at the point-in-time training set (`gold.churn_training`:
# MAGIC monthly snapshots of `gold.member_churn_features`, labelled with whether the membership ended in the
# MAGIC next 30 days), runs the same training as the weekly job (`fitlake train`: logistic regression and
# MAGIC gradient boosting, a temporal split, tracked in MLflow, the best registered as `fitlake_churn`) and
# MAGIC scores the members on the books into `gold.churn_predictions` with the champion.
# MAGIC
# MAGIC Runs on a Databricks cluster as is (the workspace's MLflow and Unity Catalog's registry), and locally
# MAGIC with `python notebooks/churn_model.py` after `make run` (MLflow under `FITLAKE_HOME/mlflow/`).

# COMMAND ----------

from pyspark.sql import functions as F

from fitlake.errors import NotEnoughHistory
from fitlake.ml.score import load_champion, score_churn
from fitlake.ml.train import train_churn
from fitlake.notebook import notebook_lakehouse

lh = notebook_lakehouse(globals().get("spark"))
spark = lh.spark
training = spark.table("gold.churn_training")

# COMMAND ----------
# MAGIC %md
# MAGIC ## The training set: one row per member on the books at each month start
# MAGIC A few percent leave each month: the models weigh the classes equally while fitting and are
# MAGIC calibrated afterwards, so their probabilities can be read as probabilities.

# COMMAND ----------

per_month = (
    training.groupBy("as_of_date")
    .agg(
        F.count(F.lit(1)).alias("members"),
        F.sum(F.col("churned_within_30d").cast("int")).alias("churned_within_30d"),
        F.round(F.avg(F.col("churned_within_30d").cast("double")), 4).alias("churn_rate"),
    )
    .orderBy("as_of_date")
)
per_month.show(36)

# COMMAND ----------
# MAGIC %md
# MAGIC ## Leavers against stayers, before they left
# MAGIC Every feature is computed from days before the snapshot. Members who are about to leave have already
# MAGIC been coming less: fewer visits, a falling trend, longer since the last one.

# COMMAND ----------

profile = (
    training.groupBy("churned_within_30d")
    .agg(
        F.count(F.lit(1)).alias("member_months"),
        *[
            F.round(F.avg(c), 2).alias(c)
            for c in ("visits_30d", "visit_trend", "days_since_last_visit", "no_shows_90d", "app_active_days_30d")
        ],
    )
    .orderBy("churned_within_30d")
)
profile.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Train and compare the candidates
# MAGIC The same code as the weekly job. The choice is made on the validation months; the test months
# MAGIC (the latest) are only reported. The champion alias moves only if the new model wins on validation.

# COMMAND ----------

try:
    result = train_churn(lh)
except NotEnoughHistory as e:
    result = None
    print(f"No model yet: {e}")

# COMMAND ----------

if result is not None:
    reported = [("validation", "auc"), ("validation", "brier")] + [
        ("test", m) for m in ("auc", "average_precision", "brier", "top_decile_lift")
    ]
    rows = [(c.name, *[round(getattr(c, part)[m], 4) for part, m in reported]) for c in result.candidates.values()]
    columns = ["candidate", "validation_auc", "validation_brier", "test_auc", "test_ap", "test_brier", "test_lift"]
    spark.createDataFrame(rows, columns).show(truncate=False)
    print(f"oracle AUC on the test months: {result.oracle_test_auc}; MLflow run {result.run_id}")

# COMMAND ----------
# MAGIC %md
# MAGIC ## Score the members on the books with the champion
# MAGIC Risk decile 1 is the tenth most likely to leave: the list for the retention team.

# COMMAND ----------

if result is not None:
    print(f"{score_churn(lh, load_champion(lh)):,} members scored")
    predictions = spark.table("gold.churn_predictions")
    by_decile = (
        predictions.groupBy("risk_decile")
        .agg(
            F.count(F.lit(1)).alias("members"),
            F.round(F.avg("churn_probability"), 4).alias("avg_probability"),
            F.round(F.sum("churn_probability"), 1).alias("expected_leavers_30d"),
        )
        .orderBy("risk_decile")
    )
    by_decile.show()
    features = spark.table("gold.member_churn_features").filter("is_current")
    riskiest = (
        predictions.filter("risk_decile = 1")
        .join(features.select("member_key", "visits_30d", "days_since_last_visit", "plan"), "member_key")
        .select("member_key", "location_id", F.round("churn_probability", 3).alias("p"), "visits_30d",
                "days_since_last_visit", "plan")
        .orderBy(F.desc("p"), "member_key")
    )
    riskiest.show(10, truncate=12)
