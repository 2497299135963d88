from datetime import date, timedelta

import pytest
from pyspark.sql import functions as F

from gold import fact_bookings, fact_retail_sales, member_churn_features
from tests.gold import world
from tests.gold.test_fact_bookings import _oracle as bookings

FIRST, LAST = min(c[2] for c in world.CHECKINS), max(c[2] for c in world.CHECKINS)
# The first month start with 90 days of data before it, every month start after, and the day after the data.
SNAPSHOTS = [date(2025, 5, 1), date(2025, 6, 1), LAST + timedelta(days=1)]


def _inputs(spark):
    return (
        world.members_frame(spark),
        world.history_frame(spark),
        world.checkins_frame(spark),
        spark.createDataFrame(bookings(), fact_bookings.CONTRACT.spark_schema),
        fact_retail_sales.transform(world.retail_frame(spark)),
        world.app_events_frame(spark),
    )


def _between(day: date, as_of: date, days: int) -> bool:
    return as_of - timedelta(days=days) <= day < as_of


def oracle(as_of: date) -> dict[str, dict]:
    """Each feature worked out in plain Python from the rows dated before `as_of`."""
    out = {}
    for key, _, _, _, _, joined, _, cancel in world.MEMBERS:
        if not (joined < as_of and (cancel is None or cancel >= as_of)):
            continue
        version = max((h for h in world.HISTORY if h[0] == key and h[1].date() < as_of), key=lambda h: h[1])
        visits = [d for m, _, d, _ in world.CHECKINS if m == key and d < as_of]
        booked = [b for b in bookings() if b[2] == key and b[6] < as_of]
        bought = [(d, q * p) for _, _, _, m, d, _, _, q, p in world.RETAIL if m == key and d < as_of]
        app = [at.date() for _, m, at in world.APP_EVENTS if m == key and at.date() < as_of]
        tenure = (as_of - joined).days
        v30 = sum(_between(d, as_of, 30) for d in visits)
        v60 = sum(_between(d, as_of, 60) for d in visits)
        v90 = sum(_between(d, as_of, 90) for d in visits)
        last = max(visits, default=None)
        out[key] = {
            "location_id": version[2], "plan": version[3], "monthly_fee": version[5],
            "is_frozen": version[6] == "frozen",
            "tenure_days": tenure, "visits_30d": v30, "visits_90d": v90, "visit_trend": v30 - (v60 - v30),
            "visits_per_week": v90 * 7 / min(tenure, 90), "last_visit_date": last,
            "days_since_last_visit": (as_of - last).days if last else None,
            "last_activity_date": max([*visits, *[b[6] for b in booked], *[d for d, _ in bought], *app], default=None),
            "classes_attended_90d": sum(b[11] and _between(b[6], as_of, 90) for b in booked),
            "no_shows_90d": sum(b[12] and _between(b[6], as_of, 90) for b in booked),
            "late_cancels_90d": sum(b[13] and _between(b[6], as_of, 90) for b in booked),
            "retail_spend_90d": float(sum(t for d, t in bought if _between(d, as_of, 90))),
            "app_events_30d": sum(_between(d, as_of, 30) for d in app),
            "app_active_days_30d": len({d for d in app if _between(d, as_of, 30)}),
        }  # fmt: skip
    return out


def test_snapshots_are_month_starts_with_90_days_of_history_and_the_day_after_the_data(spark):
    rows = member_churn_features.snapshot_dates(world.checkins_frame(spark)).collect()
    assert sorted((r.as_of_date, r.is_current) for r in rows) == [(d, d == SNAPSHOTS[-1]) for d in SNAPSHOTS]


def test_features_match_a_plain_python_count_of_the_days_before_each_snapshot(spark):
    actual = member_churn_features.transform(*_inputs(spark)).collect()
    got = {(r.as_of_date, r.member_key): r.asDict() for r in actual}
    expected = {(d, m): f for d in SNAPSHOTS for m, f in oracle(d).items()}
    assert got.keys() == expected.keys()
    for key, features in expected.items():
        row = got[key]
        assert {k: row[k] for k in features} == pytest.approx(features), key
    assert ("m5", date(2025, 6, 1)) not in {(m, d) for d, m in got}  # m5 left on 31 May
    assert got[(date(2025, 5, 1), "m1")]["visits_30d"] == 3  # the 30 days before 1 May: 1 to 30 April
    # Two app events on 2 April are two events on one active day; those of 28 March are too long ago.
    assert (got[(date(2025, 5, 1), "m1")]["app_events_30d"], got[(date(2025, 5, 1), "m1")]["app_active_days_30d"]) == (
        2,
        1,
    )


def test_no_feature_sees_anything_from_its_snapshot_date_or_later(spark):
    """Point in time: features as of a date, from every input cut to what was known before it, equal the
    features as of that date from all the data."""
    as_of = date(2025, 5, 1)
    snapshot = spark.createDataFrame([(as_of, False)], "as_of_date date, is_current boolean")
    members_, history, checkins, bookings_, sales, app = _inputs(spark)
    before = F.lit(as_of)
    known = (
        members_.withColumn("cancel_date", F.when(F.col("cancel_date") < before, F.col("cancel_date")))
        .withColumn("status", F.when(F.col("cancel_date").isNull(), F.lit("active")).otherwise(F.col("status")))
        .filter(F.col("join_date") < before),
        history.filter(F.to_date("valid_from") < before),
        checkins.filter(F.col("checkin_local_date") < before),
        bookings_.filter(F.col("class_date") < before),
        sales.filter(F.col("sold_local_date") < before),
        app.filter(F.to_date("event_at") < before),
    )
    full = member_churn_features.features_as_of(snapshot, *_inputs(spark))
    cut = member_churn_features.features_as_of(snapshot, *known)
    columns = member_churn_features.CONTRACT.column_names
    assert sorted(full.select(*columns).collect()) == sorted(cut.select(*columns).collect())
    assert full.count() == 4  # m1, m3, m4, m5 are members on 1 May
