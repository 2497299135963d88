"""The named queries Gold is served by: each reads only columns its tables' contracts declare.

A parameter that defaults to None is a filter that is off, except `week` and `month`, where None means the latest
one the table holds. In a leaderboard `limit` keeps the ranks down to it (ties included, as Gold's RANK gives them),
per location.
"""

from __future__ import annotations

from fitlake.contracts import BIGINT, DATE, INT, Column, decimal
from fitlake.serving.named_query import NamedQuery, WeekOfPartitions
from gold import (
    active_members,
    campaign_segments,
    class_popularity,
    fact_class_attendance,
    instructor_leaderboard,
    revenue_monthly,
)

INSTRUCTOR_LEADERBOARD = NamedQuery(
    name="instructor_leaderboard",
    description="Instructors ranked by attendance at their classes, per location, in one ISO week (default: latest).",
    sql="""
        SELECT week_start, location_id, instructor_id, attendance, classes, `rank`
        FROM gold.instructor_leaderboard
        WHERE week_start = coalesce(:week, (SELECT max(week_start) FROM gold.instructor_leaderboard))
          AND (:location IS NULL OR location_id = :location)
          AND `rank` <= :limit
        ORDER BY location_id, `rank`, instructor_id
    """,
    defaults={"week": None, "location": None, "limit": instructor_leaderboard.TOP},
    columns=instructor_leaderboard.CONTRACT.columns,
)

CLASS_LEADERBOARD = NamedQuery(
    name="class_leaderboard",
    description="Class types ranked by attendance, per location, in one ISO week (default: the latest).",
    sql="""
        WITH chosen AS (
            SELECT coalesce(:week, CAST(date_trunc('WEEK', max(class_date)) AS DATE)) AS week_start
            FROM gold.fact_class_attendance
        ),
        weekly AS (
            SELECT c.week_start, a.location_id, a.class_type,
                   count(*) AS attendance, count(DISTINCT a.session_id) AS classes
            FROM gold.fact_class_attendance AS a
            JOIN chosen AS c ON a.class_date BETWEEN c.week_start AND date_add(c.week_start, 6)
            WHERE (:location IS NULL OR a.location_id = :location)
              AND (:class_type IS NULL OR a.class_type = :class_type)
            GROUP BY c.week_start, a.location_id, a.class_type
        ),
        ranked AS (
            SELECT *, rank() OVER (PARTITION BY location_id ORDER BY attendance DESC) AS `rank` FROM weekly
        )
        SELECT week_start, location_id, class_type, attendance, classes, `rank`
        FROM ranked
        WHERE `rank` <= :limit
        ORDER BY location_id, `rank`, class_type
    """,
    defaults={"week": None, "location": None, "class_type": None, "limit": 10},
    # A week of gold.fact_class_attendance, not its year: the first answer after a rebuild reads 7 of 365 partitions.
    week_of=WeekOfPartitions("gold.fact_class_attendance", "class_date", "week"),
    columns=(
        Column("week_start", DATE, "Monday of the ISO week (the site's local date)", nullable=False),
        *fact_class_attendance.CONTRACT.pick("location_id", "class_type"),
        Column("attendance", BIGINT, "Members who came to classes of this type that week", nullable=False),
        Column("classes", BIGINT, "Classes of this type held that week with at least one attendee", nullable=False),
        Column("rank", INT, "1 for the highest attendance at the location; ties share a rank", nullable=False),
    ),
)

ACTIVE_MEMBERS = NamedQuery(
    name="active_members",
    description="Members who checked in at least once, per day, week or month, at a location or all ('ALL').",
    sql="""
        SELECT grain, period_start, location_id, active_members, checkins
        FROM gold.active_members
        WHERE grain = :grain AND location_id = :location
          AND (:since IS NULL OR period_start >= :since)
          AND (:until IS NULL OR period_start <= :until)
        ORDER BY period_start
    """,
    defaults={"grain": "month", "location": active_members.ALL_LOCATIONS, "since": None, "until": None},
    columns=active_members.CONTRACT.columns,
)

REVENUE = NamedQuery(
    name="revenue",
    description="Revenue per month, location and stream (membership fees, retail net of refunds), in USD.",
    sql="""
        SELECT month, location_id, stream, CAST(sum(quantity) AS BIGINT) AS quantity,
               CAST(sum(revenue) AS DECIMAL(24, 2)) AS revenue
        FROM gold.revenue_monthly
        WHERE (:location IS NULL OR location_id = :location)
          AND (:stream IS NULL OR stream = :stream)
          AND (:since IS NULL OR month >= :since)
          AND (:until IS NULL OR month <= :until)
        GROUP BY month, location_id, stream
        ORDER BY month, location_id, stream
    """,
    defaults={"location": None, "stream": None, "since": None, "until": None},
    columns=(
        *revenue_monthly.CONTRACT.pick("month", "location_id", "stream"),
        Column("quantity", BIGINT, "Membership: members billed; retail: units sold net of refunds", nullable=False),
        Column("revenue", decimal(24, 2), "Revenue in USD; retail net of refunds", nullable=False),
    ),
)

FILL_RATE_COLUMNS = (
    "month", "location_id", "class_type", "sessions", "places", "confirmed_bookings", "attended", "fill_rate",
    "no_show_rate", "late_cancel_rate",
)  # fmt: skip

CLASS_FILL_RATES = NamedQuery(
    name="class_fill_rates",
    description="Fill, no-show and late-cancel rates per location and class type in one month (default: the latest).",
    sql="""
        SELECT month, location_id, class_type, sessions, places, confirmed_bookings, attended,
               fill_rate, no_show_rate, late_cancel_rate
        FROM gold.class_popularity
        WHERE month = coalesce(:month, (SELECT max(month) FROM gold.class_popularity))
          AND (:location IS NULL OR location_id = :location)
          AND (:class_type IS NULL OR class_type = :class_type)
        ORDER BY location_id, fill_rate DESC, class_type
    """,
    defaults={"month": None, "location": None, "class_type": None},
    columns=class_popularity.CONTRACT.pick(*FILL_RATE_COLUMNS),
)

AT_RISK_COLUMNS = (
    "segment", "member_key", "location_id", "plan", "tenure_days", "visits_30d", "days_since_last_visit",
    "no_shows_90d", "can_email",
)  # fmt: skip

MEMBERS_AT_RISK = NamedQuery(
    name="members_at_risk",
    description=(
        "Members in a campaign segment now (lapsing, new_member, no_show_prone), by pseudonym: longest since their "
        "last visit first, a member who never visited before all."
    ),
    sql="""
        SELECT segment, member_key, location_id, plan, tenure_days, visits_30d, days_since_last_visit, no_shows_90d,
               can_email
        FROM gold.campaign_segments
        WHERE segment = :segment AND (:location IS NULL OR location_id = :location)
        ORDER BY days_since_last_visit DESC NULLS FIRST, member_key
        LIMIT :limit
    """,
    defaults={"segment": "lapsing", "location": None, "limit": 100},
    columns=campaign_segments.CONTRACT.pick(*AT_RISK_COLUMNS),
)

QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in (INSTRUCTOR_LEADERBOARD, CLASS_LEADERBOARD, ACTIVE_MEMBERS, REVENUE, CLASS_FILL_RATES, MEMBERS_AT_RISK)
}
