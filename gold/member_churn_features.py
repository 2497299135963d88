"""Churn features per member as of monthly snapshot dates: recency, frequency, monetary, tenure, visit trend,
no-shows, plan and app engagement, each computed only from what was known before the snapshot date.

Snapshots: the first day of every month from the first one with 90 days of history behind it, and the day
after the last day of data (the "current" snapshot the daily scoring and the CRM use). A snapshot holds the
members on the books at its start: joined before it, and not cancelled before it. Their plan and status are
the membership_history version in force then; activity counts only days before the snapshot (gold._as_of).
gold.churn_training (issue 6) adds the label from what happened after.
"""

from __future__ import annotations

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import BOOLEAN, DATE, DOUBLE, INT, Column, TableContract, between, references, rule
from fitlake.periods import month_start
from gold._as_of import daily_totals, trailing_totals
from gold._versions import in_force_before
from silver import members, membership_history

INPUTS = (
    "silver.members",
    "silver.membership_history",
    "silver.checkins",
    "gold.fact_bookings",
    "gold.fact_retail_sales",
    "silver.app_events",
)

HISTORY_DAYS = 90  # the longest window: a monthly snapshot needs this much data before it

CONTRACT = TableContract(
    name="gold.member_churn_features",
    comment="One row per member and snapshot date: features known before that date, for churn models.",
    columns=(
        Column("as_of_date", DATE, "Snapshot date: features use only days before it", nullable=False),
        Column("is_current", BOOLEAN, "The latest snapshot: the day after the last day of data", nullable=False),
        *members.CONTRACT.pick("member_key"),
        Column(
            "location_id",
            membership_history.CONTRACT.pick("home_location_id")[0].data_type,
            "Home location at the snapshot",
            nullable=False,
        ),
        *membership_history.CONTRACT.pick("plan", "billing_period", "monthly_fee"),
        Column("is_frozen", BOOLEAN, "The membership was frozen at the snapshot", nullable=False),
        Column("tenure_days", INT, "Days from joining to the snapshot", nullable=False),
        Column("visits_30d", INT, "Check-ins in the 30 days before the snapshot", nullable=False),
        Column("visits_90d", INT, "Check-ins in the 90 days before the snapshot", nullable=False),
        Column("visit_trend", INT, "Check-ins in the last 30 days minus the 30 days before those", nullable=False),
        Column(
            "visits_per_week",
            DOUBLE,
            "Check-ins per week over the last 90 days, or the tenure if shorter",
            nullable=False,
        ),
        Column("days_since_last_visit", INT, "Recency: days since the last check-in; NULL if none yet"),
        Column("last_visit_date", DATE, "Date of the last check-in before the snapshot"),
        Column("last_activity_date", DATE, "Last check-in, class booking, purchase or app use before the snapshot"),
        Column("classes_attended_90d", INT, "Classes attended in the last 90 days", nullable=False),
        Column("no_shows_90d", INT, "Booked classes not turned up to in the last 90 days", nullable=False),
        Column("late_cancels_90d", INT, "Bookings cancelled late in the last 90 days", nullable=False),
        Column(
            "retail_spend_90d",
            DOUBLE,
            "Monetary: shop and juice-bar spend in the last 90 days, USD, net of refunds",
            nullable=False,
        ),
        Column("app_events_30d", INT, "App events in the last 30 days", nullable=False),
        Column("app_active_days_30d", INT, "Days with app use in the last 30 days", nullable=False),
    ),
    keys=("as_of_date", "member_key"),
    expectations=(
        between("tenure_days", 1, 100_000),
        rule("visits_within_90_days", "visits_30d <= visits_90d"),
        rule("active_days_within_30", "app_active_days_30d BETWEEN 0 AND 30"),
        rule("last_visit_before_snapshot", "last_visit_date IS NULL OR last_visit_date < as_of_date"),
        rule("last_activity_before_snapshot", "last_activity_date IS NULL OR last_activity_date < as_of_date"),
    ),
    foreign_keys=(references("member_key", "gold.dim_member"), references("location_id", "gold.dim_location")),
)


def snapshot_dates(checkins: DataFrame) -> DataFrame:
    """as_of_date and is_current: the first day of each month with HISTORY_DAYS of data before it, and the day
    after the last day of data."""
    bounds = checkins.agg(F.min("checkin_local_date").alias("first"), F.max("checkin_local_date").alias("last"))
    enough = F.date_add("first", HISTORY_DAYS)
    earliest = F.when(month_start(enough) == enough, enough).otherwise(F.add_months(month_start(enough), 1))
    current = F.date_add("last", 1)
    # sequence() refuses a start after its end: a short period has no monthly snapshot, only the current one.
    monthly = bounds.select(
        F.explode(F.sequence(earliest, F.greatest(earliest, current), F.expr("INTERVAL 1 MONTH"))).alias("as_of_date"),
        current.alias("current"),
    ).filter(F.col("as_of_date") <= F.col("current"))
    dates = monthly.unionByName(bounds.select(current.alias("as_of_date"), current.alias("current")))
    return dates.distinct().select("as_of_date", (F.col("as_of_date") == F.col("current")).alias("is_current"))


def _on_the_books(members_: DataFrame, history: DataFrame, snapshots: DataFrame) -> DataFrame:
    """Members on the books at each snapshot, with the membership_history version in force then."""
    d = F.col("as_of_date")
    on_books = (
        members_.select("member_key", "join_date", "cancel_date")
        .crossJoin(snapshots)
        .filter((F.col("join_date") < d) & (F.col("cancel_date").isNull() | (F.col("cancel_date") >= d)))
    )
    return in_force_before(on_books, history, d, per="as_of_date")


def _daily_activity(checkins: DataFrame, bookings: DataFrame, sales: DataFrame, app_events: DataFrame) -> DataFrame:
    def per_day(df: DataFrame, day: str, **measures: SparkColumn) -> DataFrame:
        return df.groupBy("member_key", F.col(day).alias("activity_date")).agg(
            *[m.alias(name) for name, m in measures.items()]
        )

    return daily_totals(
        per_day(checkins, "checkin_local_date", visits=F.count(F.lit(1))),
        per_day(
            bookings,
            "class_date",
            class_bookings=F.count(F.lit(1)),
            classes_attended=F.count_if("is_attended"),
            no_shows=F.count_if("is_no_show"),
            late_cancels=F.count_if("is_late_cancel"),
        ),
        per_day(
            sales.filter(F.col("member_key").isNotNull()),
            "sold_local_date",
            purchases=F.count(F.lit(1)),
            retail_spend=F.sum("line_total"),
        ),
        # App events are in UTC: their UTC date is as close to the member's day as the app tells.
        per_day(
            app_events.withColumn("event_date", F.to_date("event_at")),
            "event_date",
            app_events=F.count(F.lit(1)),
            app_active_days=F.max(F.lit(1)),
        ),
    )


MEASURES = [
    "visits",
    "class_bookings",
    "classes_attended",
    "no_shows",
    "late_cancels",
    "purchases",
    "retail_spend",
    "app_events",
    "app_active_days",
]


def transform(
    members_: DataFrame,
    history: DataFrame,
    checkins: DataFrame,
    bookings: DataFrame,
    sales: DataFrame,
    app_events: DataFrame,
) -> DataFrame:
    return features_as_of(snapshot_dates(checkins), members_, history, checkins, bookings, sales, app_events)


def features_as_of(
    snapshots: DataFrame,
    members_: DataFrame,
    history: DataFrame,
    checkins: DataFrame,
    bookings: DataFrame,
    sales: DataFrame,
    app_events: DataFrame,
) -> DataFrame:
    """The features of every member on the books at each of `snapshots` (as_of_date, is_current)."""
    population = _on_the_books(members_, history, snapshots)
    daily = _daily_activity(checkins, bookings, sales, app_events)
    totals = trailing_totals(daily, population.select("member_key", "as_of_date"), MEASURES, (30, 60, 90))
    f = population.join(totals, ["member_key", "as_of_date"], "left")

    def count(column: str) -> SparkColumn:
        return F.coalesce(F.col(column), F.lit(0)).cast("int")

    tenure = F.datediff("as_of_date", "join_date").cast("int")  # Sail gives bigint, Spark int
    activity_dates = [F.col(f"last_{m}_date") for m in ("visits", "class_bookings", "purchases", "app_events")]
    return f.select(
        "as_of_date",
        "is_current",
        "member_key",
        F.col("home_location_id").alias("location_id"),
        "plan",
        "billing_period",
        "monthly_fee",
        (F.col("status") == "frozen").alias("is_frozen"),
        tenure.alias("tenure_days"),
        count("visits_30d").alias("visits_30d"),
        count("visits_90d").alias("visits_90d"),
        (2 * count("visits_30d") - count("visits_60d")).alias("visit_trend"),
        (F.coalesce(F.col("visits_90d"), F.lit(0.0)) * 7 / F.least(tenure, F.lit(HISTORY_DAYS))).alias(
            "visits_per_week"
        ),
        F.datediff("as_of_date", "last_visits_date").cast("int").alias("days_since_last_visit"),
        F.col("last_visits_date").alias("last_visit_date"),
        F.greatest(*activity_dates).alias("last_activity_date"),
        count("classes_attended_90d").alias("classes_attended_90d"),
        count("no_shows_90d").alias("no_shows_90d"),
        count("late_cancels_90d").alias("late_cancels_90d"),
        F.coalesce(F.col("retail_spend_90d"), F.lit(0.0)).alias("retail_spend_90d"),
        count("app_events_30d").alias("app_events_30d"),
        count("app_active_days_30d").alias("app_active_days_30d"),
    )
