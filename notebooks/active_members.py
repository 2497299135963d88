# Databricks notebook source
# MAGIC %md
# MAGIC # Active members
# MAGIC Who comes in, where and on which weekdays, from `gold.active_members` (daily, weekly and monthly).
# MAGIC Runs on a Databricks cluster as is, and locally with `python notebooks/active_members.py`
# MAGIC (after `make run`), where it opens the lakehouse under `FITLAKE_HOME` on the embedded engine.

# COMMAND ----------

from pyspark.sql import functions as F

from fitlake.notebook import notebook_session

spark = notebook_session(globals().get("spark"))
active = spark.table("gold.active_members")
daily = active.filter("grain = 'day' AND location_id <> 'ALL'")

# COMMAND ----------
# MAGIC %md
# MAGIC ## Average daily active members per location

# COMMAND ----------

by_location = (
    daily.groupBy("location_id")
    .agg(
        F.round(F.avg("active_members"), 1).alias("avg_daily_active"),
        F.sum("checkins").alias("checkins"),
        F.min("period_start").alias("first_day"),
        F.max("period_start").alias("last_day"),
    )
    .orderBy(F.desc("avg_daily_active"))
)
by_location.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Weekday pattern: Mondays are busiest, Sundays quietest

# COMMAND ----------

by_weekday = (
    daily.groupBy(F.date_format("period_start", "E").alias("weekday"), F.dayofweek("period_start").alias("day"))
    .agg(F.round(F.avg("active_members"), 1).alias("avg_active_per_location"))
    .orderBy("day")
)
by_weekday.show()

# COMMAND ----------
# MAGIC %md
# MAGIC ## Monthly active members across all sites: the January rush and the summer dip

# COMMAND ----------

monthly = (
    active.filter("grain = 'month' AND location_id = 'ALL'")
    .select(F.col("period_start").alias("month"), "active_members", "checkins")
    .orderBy("month")
)
monthly.show(24)
