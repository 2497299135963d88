from collections import defaultdict
from datetime import date, datetime

from gold import daily_active_members
from silver.checkins import CONTRACT as CHECKINS
from tests.builders import assert_same_rows

VISITS = [  # (member, location, local date, local hour)
    ("M1", "BKN", date(2025, 1, 6), 6),
    ("M1", "BKN", date(2025, 1, 6), 18),  # twice in a day: one active member, two check-ins
    ("M2", "BKN", date(2025, 1, 6), 7),
    ("M1", "CHI", date(2025, 1, 6), 12),  # the same member at another site counts there too
    ("M3", "CHI", date(2025, 1, 7), 17),
]


def _oracle() -> list[tuple]:
    members, checkins = defaultdict(set), defaultdict(int)
    for member, location, day, _ in VISITS:
        members[(day, location)].add(member)
        checkins[(day, location)] += 1
    return [(day, loc, len(members[(day, loc)]), checkins[(day, loc)]) for day, loc in members]


def test_daily_active_members_match_a_plain_python_count(spark):
    silver = spark.createDataFrame(
        [
            (f"CK{i}", member, loc, datetime(day.year, day.month, day.day, hour), day, hour, "America/New_York",
             "app", "f", i, "b1")
            for i, (member, loc, day, hour) in enumerate(VISITS)
        ],
        CHECKINS.spark_schema,
    )  # fmt: skip
    expected = spark.createDataFrame(_oracle(), daily_active_members.CONTRACT.spark_schema)
    actual = daily_active_members.transform(silver)
    assert_same_rows(actual, expected)
