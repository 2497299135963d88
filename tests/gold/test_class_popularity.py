from collections import defaultdict
from datetime import date

from gold import class_popularity, fact_bookings
from tests.builders import assert_same_rows
from tests.gold import world
from tests.gold.test_fact_bookings import _oracle as bookings


def test_fill_no_show_and_late_cancel_rates_per_month_location_and_class_type(spark):
    outcome = defaultdict(list)
    for b in bookings():
        outcome[b[1]].append(b[10])
    totals = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
    for session, loc, kind, _, at, capacity in world.SESSIONS:
        t = totals[(date(at.year, at.month, 1), loc, kind)]
        got = outcome[session]
        t[0] += 1
        t[1] += capacity
        t[2] += sum(o != "waitlist" for o in got)
        t[3] += got.count("waitlist")
        t[4] += got.count("attended")
        t[5] += got.count("no_show")
        t[6] += got.count("late_cancel")
    rows = [
        (*k, *t, t[4] / t[1], t[5] / t[2] if t[2] else None, t[6] / t[2] if t[2] else None) for k, t in totals.items()
    ]
    expected = spark.createDataFrame(rows, class_popularity.CONTRACT.spark_schema)
    fact = spark.createDataFrame(bookings(), fact_bookings.CONTRACT.spark_schema)
    assert_same_rows(class_popularity.transform(world.sessions_frame(spark), fact), expected)
    spin_march = totals[(date(2025, 3, 1), "BKN", "spin")]
    assert spin_march[:3] == [1, 3, 0]  # a session nobody booked still offered its places
