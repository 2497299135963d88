# Databricks notebook source
# MAGIC %md
# MAGIC # Members, visits and spend: exploratory analysis
# MAGIC A first look at the Gold tables a churn or marketing analysis starts from: how the membership base
# MAGIC moves, how often members come in, which classes fill, and what the shop sells.
# MAGIC Runs on a Databricks cluster as is, and locally with `python notebooks/member_eda.py` (after
# MAGIC `make run`), where it opens the lakehouse under `FITLAKE_HOME` on the embedded engine.

# COMMAND ----------

from pyspark.sql import functions as F

from fitlake.notebook import notebook_session

spark = notebook_session(globals().get("spark"))

# COMMAND ----------
# MAGIC %md
# MAGIC ## The membership base month by month: joiners, leavers and recurring revenue

# COMMAND ----------

base = (
    spark.table("gold.fact_membership_monthly")
    .groupBy("month")
    .agg(
        F.sum("active_members").alias("active"),
        F.sum("new_members").alias("joined"),
        F.sum("churned_members").alias("left"),
        F.sum("mrr").alias("mrr_usd"),
    )
    .withColumn("monthly_churn_rate", F.round(F.col("left") / (F.col("active") + F.col("left")), 4))
    .orderBy("month")
)
base.show(36)

# COMMAND ----------
# MAGIC %md
# MAGIC ## How often members come in
# MAGIC Visits per week over the last 90 days, for the members on the books now. Most come once or twice a
# MAGIC week; the ones who have stopped coming are the first place to look for churn.

# COMMAND ----------

current = spark.table("gold.member_churn_features").filter("is_current")
bands = F.when(F.col("visits_per_week") == 0, "0: not seen").when(F.col("visits_per_week") < 1, "1: under 1")
bands = bands.when(F.col("visits_per_week") < 2, "2: 1 to 2").when(F.col("visits_per_week") < 4, "3: 2 to 4")
frequency = (
    current.withColumn("visits_per_week_band", bands.otherwise("4: 4 or more"))
    .groupBy("visits_per_week_band")
    .agg(
        F.count(F.lit(1)).alias("members"),
        F.round(F.avg("days_since_last_visit"), 1).alias("avg_days_since_last_visit"),
        F.round(F.avg("app_active_days_30d"), 1).alias("avg_app_days_30d"),
    )
    .orderBy("visits_per_week_band")
)
frequency.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Plans and churn
# MAGIC From the labelled snapshots: the share of members on each plan and billing period whose membership
# MAGIC ended in the 30 days after a snapshot. Empty until the data spans 90 days of history and 30 of outcome.

# COMMAND ----------

by_plan = (
    spark.table("gold.churn_training")
    .groupBy("plan", "billing_period")
    .agg(
        F.count(F.lit(1)).alias("member_months"),
        F.round(F.avg(F.col("churned_within_30d").cast("double")), 4).alias("churn_rate_30d"),
        F.round(F.avg("visits_per_week"), 2).alias("avg_visits_per_week"),
    )
    .orderBy("plan", "billing_period")
)
by_plan.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Which classes fill, and which members do not turn up to

# COMMAND ----------

classes = (
    spark.table("gold.class_popularity")
    .groupBy("class_type")
    .agg(
        F.sum("sessions").alias("sessions"),
        F.sum("attended").alias("attended"),
        F.round(F.sum("attended") / F.sum("places"), 3).alias("fill_rate"),
        F.round(F.sum("no_shows") / F.sum("confirmed_bookings"), 3).alias("no_show_rate"),
    )
    .orderBy(F.desc("attended"))
)
classes.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## What the shop and juice bar sell

# COMMAND ----------

retail = (
    spark.table("gold.fact_retail_sales")
    .groupBy("category")
    .agg(
        F.sum("quantity").alias("units"),
        F.sum("line_total").alias("net_sales_usd"),
        F.countDistinct("member_key").alias("buying_members"),
    )
    .orderBy(F.desc("net_sales_usd"))
)
retail.show()
