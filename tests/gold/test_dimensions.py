from datetime import date, datetime, timedelta

from gold import dim_class_type, dim_date, dim_member
from silver import class_sessions
from tests.builders import assert_same_rows
from tests.gold import world
from tests.silver.reference_rows import silver_rows


def test_dim_date_has_every_day_from_the_first_join_to_the_last_class(spark):
    first = min(m[5] for m in world.MEMBERS)
    last = max(s[4].date() for s in world.SESSIONS)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    rows = [
        (d, d.year, (d.month - 1) // 3 + 1, d.month, d.strftime("%B"), d.replace(day=1), d.isocalendar().week,
         d - timedelta(days=d.weekday()), d.isoweekday(), d.strftime("%A"), d.isoweekday() >= 6)
        for d in days
    ]  # fmt: skip
    expected = spark.createDataFrame(rows, dim_date.CONTRACT.spark_schema)
    assert_same_rows(dim_date.transform(world.members_frame(spark), world.sessions_frame(spark)), expected)
    assert date(2024, 12, 30) in days  # ISO week 1 of 2025 starts in 2024: week numbers are ISO's


def test_dim_class_type_takes_the_most_common_length_and_size_and_the_smaller_on_a_tie(spark):
    sessions = [  # class type, location, minutes, capacity, local date
        ("yoga", "BKN", 60, 20, date(2025, 1, 6)),
        ("yoga", "BKN", 60, 25, date(2025, 1, 7)),
        ("yoga", "CHI", 45, 25, date(2025, 2, 1)),  # 60 minutes twice, capacities 25 and 20 once each... and
        ("yoga", "CHI", 75, 20, date(2025, 3, 1)),  # ...20 again: 20
        ("spin", "BKN", 45, 30, date(2025, 1, 8)),
    ]
    records = [
        {"session_id": f"S{i}", "location_id": loc, "class_type": kind, "instructor_id": "I1",
         "starts_at": datetime(d.year, d.month, d.day, 7), "start_local_date": d, "start_local_hour": 7,
         "duration_minutes": minutes, "capacity": cap, "site_timezone": "UTC"}
        for i, (kind, loc, minutes, cap, d) in enumerate(sessions)
    ]  # fmt: skip
    expected = [
        ("yoga", 60, 20, 4, 2, date(2025, 1, 6), date(2025, 3, 1)),
        ("spin", 45, 30, 1, 1, date(2025, 1, 8), date(2025, 1, 8)),
    ]
    actual = dim_class_type.transform(silver_rows(spark, class_sessions.CONTRACT, records))
    assert_same_rows(actual, spark.createDataFrame(expected, dim_class_type.CONTRACT.spark_schema))


def test_dim_member_carries_the_cohort_month(spark):
    got = {r.member_key: r.join_month for r in dim_member.transform(world.members_frame(spark)).collect()}
    assert got == {m[0]: m[5].replace(day=1) for m in world.MEMBERS}
