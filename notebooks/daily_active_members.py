# Databricks notebook source
# MAGIC %md
# MAGIC # Daily active members
# MAGIC Who comes in, where and on which weekdays, from `gold.daily_active_members`.
# MAGIC Runs on a Databricks cluster as is, and locally with `python notebooks/daily_active_members.py`
# MAGIC (after `make run`), where it opens the lakehouse under `FITLAKE_HOME` on the embedded engine.

# COMMAND ----------

from pyspark.sql import functions as F

from fitlake.notebook import notebook_session

spark = notebook_session(globals().get("spark"))
dam = spark.table("gold.daily_active_members")

# COMMAND ----------
# MAGIC %md
# MAGIC ## Average daily active members per location

# COMMAND ----------

by_location = (
    dam.groupBy("location_id")
    .agg(
        F.round(F.avg("active_members"), 1).alias("avg_daily_active"),
        F.sum("checkins").alias("checkins"),
        F.min("activity_date").alias("first_day"),
        F.max("activity_date").alias("last_day"),
    )
    .orderBy(F.desc("avg_daily_active"))
)
by_location.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Weekday pattern: Mondays are busiest, Sundays quietest

# COMMAND ----------

by_weekday = (
    dam.groupBy(F.date_format("activity_date", "E").alias("weekday"), F.dayofweek("activity_date").alias("day"))
    .agg(F.round(F.avg("active_members"), 1).alias("avg_active_per_location"))
    .orderBy("day")
)
by_weekday.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Monthly trend: the January rush and the summer dip

# COMMAND ----------

monthly = (
    dam.groupBy(F.date_trunc("month", "activity_date").cast("date").alias("month"))
    .agg(F.sum("checkins").alias("checkins"), F.round(F.avg("active_members"), 1).alias("avg_daily_active"))
    .orderBy("month")
)
monthly.show(24)
