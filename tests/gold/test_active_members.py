from collections import defaultdict
from datetime import date, timedelta

from gold import active_members
from tests.builders import assert_same_rows
from tests.gold import world


def _period(grain: str, day: date) -> date:
    if grain == "day":
        return day
    return day - timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1)


def test_daily_weekly_and_monthly_active_members_per_location_and_in_all(spark):
    members, visits = defaultdict(set), defaultdict(int)
    for member, loc, day, _ in world.CHECKINS:
        for grain in ("day", "week", "month"):
            for where in (loc, "ALL"):
                members[(grain, _period(grain, day), where)].add(member)
                visits[(grain, _period(grain, day), where)] += 1
    rows = [(*k, len(members[k]), visits[k]) for k in members]
    expected = spark.createDataFrame(rows, active_members.CONTRACT.spark_schema)
    assert_same_rows(active_members.transform(world.checkins_frame(spark)), expected)
    # m1 came to BKN and CHI on 8 January: once in each, and once, not twice, in all.
    assert len(members[("day", date(2025, 1, 8), "ALL")]) == 1
    assert len(members[("month", date(2025, 1, 1), "BKN")]) == 2
