"""The named queries the studio dashboard shows, beside the API's (fitlake.serving.queries), on the same read path.

They are kept apart from the API's so that the API's `/health` answers for the tables the API serves only: a table
the dashboard shows that a small lakehouse never builds (gold.churn_predictions) must not make the API unhealthy.
Each one reads columns its tables' contracts declare and aggregates in SQL where a page would plot the aggregate;
a page's few derived figures (a churn rate, a weekday) are computed on the result. None returns a personal column.
"""

from __future__ import annotations

from fitlake.contracts import BIGINT, DATE, DOUBLE, STRING, Column, decimal
from fitlake.serving.named_query import NamedQuery
from fitlake.serving.queries import QUERIES
from gold import (
    churn_predictions,
    class_popularity,
    cohort_retention,
    fact_class_attendance,
    fact_membership_monthly,
    instructor_leaderboard,
    lifetime_value_by_tenure,
    revenue_monthly,
    supplement_sales_forecast,
    workout_classification,
)
from ops import dq_results, reconciliation, run_log


def _count(name: str, comment: str) -> Column:
    return Column(name, BIGINT, comment, nullable=False)


MEMBERSHIP_MONTHLY = NamedQuery(
    name="membership_monthly",
    description="Members on the books, joiners, leavers and MRR per month, every location together or one.",
    sql="""
        SELECT month, CAST(sum(active_members) AS BIGINT) AS active_members,
               CAST(sum(new_members) AS BIGINT) AS new_members,
               CAST(sum(churned_members) AS BIGINT) AS churned_members,
               CAST(sum(mrr) AS DECIMAL(24, 2)) AS mrr
        FROM gold.fact_membership_monthly
        WHERE (:location IS NULL OR location_id = :location)
        GROUP BY month
        ORDER BY month
    """,
    defaults={"location": None},
    columns=(
        *fact_membership_monthly.CONTRACT.pick("month"),
        _count("active_members", "Members on the books at the end of the month"),
        _count("new_members", "Members who joined in the month"),
        _count("churned_members", "Members whose membership ended in the month"),
        Column("mrr", decimal(24, 2), "Monthly recurring revenue in USD", nullable=False),
    ),
)

LOCATIONS = NamedQuery(
    name="locations",
    description="The locations that have members on the books.",
    sql="SELECT DISTINCT location_id FROM gold.fact_membership_monthly ORDER BY location_id",
    defaults={},
    columns=fact_membership_monthly.CONTRACT.pick("location_id"),
)

LEADERBOARD_WEEKS = NamedQuery(
    name="leaderboard_weeks",
    description="The ISO weeks the instructor leaderboard holds, newest first.",
    sql="SELECT DISTINCT week_start FROM gold.instructor_leaderboard ORDER BY week_start DESC",
    defaults={},
    columns=instructor_leaderboard.CONTRACT.pick("week_start"),
)

CLASS_MONTHS = NamedQuery(
    name="class_months",
    description="The months gold.class_popularity holds, newest first.",
    sql="SELECT DISTINCT month FROM gold.class_popularity ORDER BY month DESC",
    defaults={},
    columns=class_popularity.CONTRACT.pick("month"),
)

CLASS_OUTCOMES = NamedQuery(
    name="class_outcomes",
    description="Bookings, attendance, no-shows and late cancels per class type in one month, every location.",
    sql="""
        SELECT month, class_type, CAST(sum(confirmed_bookings) AS BIGINT) AS confirmed_bookings,
               CAST(sum(attended) AS BIGINT) AS attended, CAST(sum(no_shows) AS BIGINT) AS no_shows,
               CAST(sum(late_cancels) AS BIGINT) AS late_cancels
        FROM gold.class_popularity
        WHERE month = coalesce(:month, (SELECT max(month) FROM gold.class_popularity))
        GROUP BY month, class_type
        ORDER BY attended DESC, class_type
    """,
    defaults={"month": None},
    columns=(
        *class_popularity.CONTRACT.pick("month", "class_type"),
        _count("confirmed_bookings", "Bookings confirmed (not waitlisted)"),
        _count("attended", "Bookings the member came to"),
        _count("no_shows", "Confirmed bookings the member neither came to nor cancelled"),
        _count("late_cancels", "Bookings cancelled inside the late-cancel window"),
    ),
)

ATTENDANCE_BY_HOUR = NamedQuery(
    name="attendance_by_hour",
    description="Members attending classes per day and starting hour (the site's local time), at a location or all.",
    sql="""
        SELECT class_date, class_hour, count(*) AS attendance
        FROM gold.fact_class_attendance
        WHERE (:location IS NULL OR location_id = :location)
        GROUP BY class_date, class_hour
        ORDER BY class_date, class_hour
    """,
    defaults={"location": None},
    columns=(
        *fact_class_attendance.CONTRACT.pick("class_date", "class_hour"),
        _count("attendance", "Members who came to classes starting that hour"),
    ),
)

RISK_DECILES = NamedQuery(
    name="risk_deciles",
    description="Members scored by the churn model at its latest scoring, per risk decile (10: the riskiest).",
    sql="""
        SELECT as_of_date, risk_decile, count(*) AS members, avg(churn_probability) AS mean_churn_probability
        FROM gold.churn_predictions
        WHERE as_of_date = (SELECT max(as_of_date) FROM gold.churn_predictions)
        GROUP BY as_of_date, risk_decile
        ORDER BY risk_decile
    """,
    defaults={},
    columns=(
        *churn_predictions.CONTRACT.pick("as_of_date", "risk_decile"),
        _count("members", "Members scored in the decile"),
        Column("mean_churn_probability", DOUBLE, "Mean predicted probability of leaving", nullable=False),
    ),
)

SEGMENT_SIZES = NamedQuery(
    name="segment_sizes",
    description="Members in each campaign segment now, per location, and how many of them may be e-mailed.",
    sql="""
        SELECT segment, location_id, count(*) AS members, count_if(can_email) AS can_email
        FROM gold.campaign_segments
        GROUP BY segment, location_id
        ORDER BY segment, location_id
    """,
    defaults={},
    columns=(
        Column("segment", STRING, "Campaign segment: lapsing, new_member or no_show_prone", nullable=False),
        Column("location_id", STRING, "The member's home location", nullable=False),
        _count("members", "Members in the segment"),
        _count("can_email", "Of them, members with marketing consent"),
    ),
)

COHORT_RETENTION = NamedQuery(
    name="cohort_retention",
    description="Share of each join month's members still on the books N months after joining.",
    sql="""
        SELECT join_month, months_since_join, cohort_size, retained_members, retention_rate
        FROM gold.cohort_retention
        ORDER BY join_month, months_since_join
    """,
    defaults={},
    columns=cohort_retention.CONTRACT.pick(
        "join_month", "months_since_join", "cohort_size", "retained_members", "retention_rate"
    ),
)

LIFETIME_VALUE_BY_TENURE = NamedQuery(
    name="lifetime_value_by_tenure",
    description="Survival and expected remaining value of a member by months of tenure.",
    sql="""
        SELECT tenure_months, members_at_risk, churned, survival, expected_remaining_value
        FROM gold.lifetime_value_by_tenure
        ORDER BY tenure_months
    """,
    defaults={},
    columns=lifetime_value_by_tenure.CONTRACT.pick(
        "tenure_months", "members_at_risk", "churned", "survival", "expected_remaining_value"
    ),
)

PRODUCT_REVENUE = NamedQuery(
    name="product_revenue",
    description="Retail revenue and units per month, category and product, net of refunds, every location.",
    sql="""
        SELECT month, category, item, CAST(sum(quantity) AS BIGINT) AS quantity,
               CAST(sum(revenue) AS DECIMAL(24, 2)) AS revenue
        FROM gold.revenue_monthly
        WHERE stream = 'retail'
        GROUP BY month, category, item
        ORDER BY month, revenue DESC, item
    """,
    defaults={},
    columns=(
        *revenue_monthly.CONTRACT.pick("month", "category", "item"),
        _count("quantity", "Units sold net of refunds"),
        Column("revenue", decimal(24, 2), "Revenue in USD, net of refunds", nullable=False),
    ),
)

SUPPLEMENT_FORECAST = NamedQuery(
    name="supplement_forecast",
    description="The weekly supplement revenue forecast, with the mean absolute percentage error of its backtest.",
    sql="""
        SELECT week_start, horizon_weeks, forecast_revenue, method, origin_week_start, history_weeks,
               backtest_mape, backtest_origins
        FROM gold.supplement_sales_forecast
        ORDER BY week_start
    """,
    defaults={},
    columns=supplement_sales_forecast.CONTRACT.columns,
)

WORKOUTS_WEEKLY = NamedQuery(
    name="workouts_weekly",
    description="Workouts per ISO week, by class (run or walk, as the classification decided).",
    sql="""
        SELECT CAST(date_trunc('WEEK', workout_date) AS DATE) AS week_start, workout_class, count(*) AS workouts
        FROM gold.workout_classification
        GROUP BY 1, 2
        ORDER BY 1, 2
    """,
    defaults={},
    columns=(
        Column("week_start", DATE, "Monday of the ISO week", nullable=False),
        *workout_classification.CONTRACT.pick("workout_class"),
        _count("workouts", "Workouts of the class that week"),
    ),
)

PACE_DISTRIBUTION = NamedQuery(
    name="pace_distribution",
    description="Workouts per half-minute band of pace (minutes per km), by class.",
    sql="""
        SELECT workout_class, floor(pace_min_per_km * 2) / 2 AS pace_band, count(*) AS workouts
        FROM gold.workout_classification
        WHERE pace_min_per_km IS NOT NULL
        GROUP BY 1, 2
        ORDER BY 1, 2
    """,
    defaults={},
    columns=(
        *workout_classification.CONTRACT.pick("workout_class"),
        Column("pace_band", DOUBLE, "Lower bound of the half-minute pace band, minutes per km", nullable=False),
        _count("workouts", "Workouts in the band"),
    ),
)

WORKOUT_DATES = NamedQuery(
    name="workout_dates",
    description="The first and last day with a classified workout.",
    sql="SELECT min(workout_date) AS first_date, max(workout_date) AS last_date FROM gold.workout_classification",
    defaults={},
    columns=(
        Column("first_date", DATE, "First day with a workout"),
        Column("last_date", DATE, "Last day with a workout"),
    ),
)

WORKOUTS_BEFORE_AFTER = NamedQuery(
    name="workouts_before_after",
    description=(
        "Workouts in the `days` before a date and the `days` from it on, by class: how many, mean pace and distance; "
        "every member, or one member by pseudonym."
    ),
    sql="""
        SELECT CASE WHEN workout_date < :pivot THEN 'before' ELSE 'after' END AS period, workout_class,
               count(*) AS workouts, avg(pace_min_per_km) AS mean_pace_min_per_km,
               avg(distance_km) AS mean_distance_km
        FROM gold.workout_classification
        WHERE workout_date >= date_sub(:pivot, :days) AND workout_date < date_add(:pivot, :days)
          AND (:member IS NULL OR member_key = :member)
        GROUP BY 1, 2
        ORDER BY 1 DESC, 2
    """,
    defaults={"pivot": None, "days": 28, "member": None},
    columns=(
        Column("period", STRING, "before: the days before the date; after: the date and the days after", False),
        *workout_classification.CONTRACT.pick("workout_class"),
        _count("workouts", "Workouts in the period"),
        Column("mean_pace_min_per_km", DOUBLE, "Mean pace, minutes per km"),
        Column("mean_distance_km", DOUBLE, "Mean distance, km"),
    ),
)

WEARABLES_DAILY = NamedQuery(
    name="wearables_daily",
    description="Per day, members who wore their device and their mean sedentary, active and sleep minutes.",
    # A day off the wrist (no step, the whole day sedentary) would count 1,440 sedentary minutes nobody sat through:
    # left out, as wear-time rules in activity research do.
    sql="""
        SELECT local_date, count(*) AS members, avg(sedentary_minutes) AS mean_sedentary_minutes,
               avg(light_minutes + moderate_minutes + very_active_minutes) AS mean_active_minutes,
               avg(asleep_minutes) AS mean_asleep_minutes
        FROM gold.wearable_daily_activity
        WHERE device_worn
        GROUP BY local_date
        ORDER BY local_date
    """,
    defaults={},
    columns=(
        Column("local_date", DATE, "The member's local date", nullable=False),
        _count("members", "Members with wearable minutes that day who wore their device"),
        Column("mean_sedentary_minutes", DOUBLE, "Mean sedentary minutes a member"),
        Column("mean_active_minutes", DOUBLE, "Mean light, moderate and very active minutes a member"),
        Column("mean_asleep_minutes", DOUBLE, "Mean minutes asleep a member"),
    ),
)

# ops.run_log holds every run; "latest" is the run of the newest step.
_LATEST_RUN = "(SELECT run_id FROM ops.run_log ORDER BY started_at DESC LIMIT 1)"

LATEST_RUN_STEPS = NamedQuery(
    name="latest_run_steps",
    description="Every step of the latest run: table, rows in and out, quarantined, time and outcome.",
    sql=f"""
        SELECT run_id, task, table_name, started_at, seconds, rows_in, rows_out, rows_quarantined, rows_duplicate,
               rows_withheld, status, error
        FROM ops.run_log
        WHERE run_id = {_LATEST_RUN}
        ORDER BY started_at, table_name
    """,
    defaults={},
    columns=run_log.CONTRACT.columns,
)

TABLE_FRESHNESS = NamedQuery(
    name="table_freshness",
    description="When each table was last built successfully, and in which run.",
    sql="""
        SELECT table_name, max(started_at) AS started_at, max_by(run_id, started_at) AS run_id
        FROM ops.run_log
        WHERE status = 'ok' AND table_name IS NOT NULL
        GROUP BY table_name
        ORDER BY started_at, table_name
    """,
    defaults={},
    columns=run_log.CONTRACT.pick("table_name", "started_at", "run_id"),
)

RECONCILIATION_LATEST = NamedQuery(
    name="reconciliation_latest",
    description="Bronze rows against Silver, quarantined, duplicate and withheld rows per Silver table, latest check.",
    sql="""
        SELECT table_name, CAST(sum(bronze_rows) AS BIGINT) AS bronze_rows,
               CAST(sum(silver_rows) AS BIGINT) AS silver_rows, CAST(sum(quarantined) AS BIGINT) AS quarantined,
               CAST(sum(duplicates) AS BIGINT) AS duplicates, CAST(sum(withheld) AS BIGINT) AS withheld,
               CAST(sum(CASE WHEN balanced THEN 0 ELSE 1 END) AS BIGINT) AS unbalanced_batches
        FROM ops.reconciliation AS r
        WHERE checked_at = (SELECT max(checked_at) FROM ops.reconciliation AS l WHERE l.table_name = r.table_name)
        GROUP BY table_name
        ORDER BY table_name
    """,
    defaults={},
    columns=(
        *reconciliation.CONTRACT.pick("table_name"),
        _count("bronze_rows", "Bronze rows of the batches checked"),
        _count("silver_rows", "Rows kept in Silver"),
        _count("quarantined", "Rows quarantined"),
        _count("duplicates", "Duplicate rows removed"),
        _count("withheld", "Research rows withheld for lack of consent"),
        _count("unbalanced_batches", "Batches whose counts do not add up (0 when all balance)"),
    ),
)

DQ_LATEST = NamedQuery(
    name="dq_latest",
    description="The data-quality expectations of the latest run that checked any, failures first.",
    sql="""
        SELECT run_id, table_name, rule, level, expectation, success, rows_checked, failing_rows, failing_values,
               error, checked_at
        FROM ops.dq_results
        WHERE run_id = (SELECT run_id FROM ops.dq_results ORDER BY checked_at DESC LIMIT 1)
        ORDER BY success, level, table_name, rule
    """,
    defaults={},
    columns=dq_results.CONTRACT.columns,
)

DASHBOARD_QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in (
        MEMBERSHIP_MONTHLY, LOCATIONS, LEADERBOARD_WEEKS, CLASS_MONTHS, CLASS_OUTCOMES, ATTENDANCE_BY_HOUR,
        RISK_DECILES, SEGMENT_SIZES, COHORT_RETENTION, LIFETIME_VALUE_BY_TENURE, PRODUCT_REVENUE, SUPPLEMENT_FORECAST,
        WORKOUTS_WEEKLY, PACE_DISTRIBUTION, WORKOUT_DATES, WORKOUTS_BEFORE_AFTER, WEARABLES_DAILY, LATEST_RUN_STEPS,
        TABLE_FRESHNESS, RECONCILIATION_LATEST, DQ_LATEST,
    )
}  # fmt: skip

# The dashboard shows the API's queries too (the leaderboards, fill rates, members at risk): one read path.
ALL_QUERIES: dict[str, NamedQuery] = {**QUERIES, **DASHBOARD_QUERIES}
