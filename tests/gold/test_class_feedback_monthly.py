from datetime import date

from gold import class_feedback_monthly, dim_location
from tests.builders import assert_same_rows
from tests.gold import world
from tests.silver.reference_rows import silver_rows

NAMES = {"BKN": "Brooklyn Heights", "CHI": "Chicago Loop"}


def test_answers_average_stars_nps_groups_per_month_of_the_class_location_class_type_and_instructor(spark):
    sessions = {s[0]: s for s in world.SESSIONS}
    groups: dict[tuple, list] = {}
    for _, session, _, stars, _, came in world.FEEDBACK:
        _, loc, kind, instructor, at, _ = sessions[session]
        groups.setdefault((date(at.year, at.month, 1), loc, kind, instructor), []).append((stars, came))
    rows = []
    for (month, loc, kind, instructor), answers in groups.items():
        stars = [s for s, _ in answers]
        promoters, passives = stars.count(5), stars.count(4)
        detractors = len(stars) - promoters - passives
        rows.append((month, loc, NAMES[loc], kind, instructor, len(stars), sum(stars) / len(stars), promoters,
                     passives, detractors, 100 * (promoters - detractors) / len(stars),
                     sum(not came for _, came in answers)))  # fmt: skip
    expected = spark.createDataFrame(rows, class_feedback_monthly.CONTRACT.spark_schema)
    sites = [{"location_id": i, "name": n, "timezone": "UTC"} for i, n in NAMES.items()]
    locations = silver_rows(spark, dim_location.CONTRACT, sites)
    actual = class_feedback_monthly.transform(world.feedback_frame(spark), world.sessions_frame(spark), locations)
    assert_same_rows(actual, expected)
    by_group = {r[:5]: r for r in rows}
    # The answer sent on 1 February is about the class of 31 January, so it counts in January.
    assert by_group[date(2025, 1, 1), "BKN", "Brooklyn Heights", "spin", "I2"][5:10] == (2, 4.5, 1, 1, 0)
    # Chicago's March yoga: 5 and 2 stars, a promoter and a detractor: NPS 0.
    assert by_group[date(2025, 3, 1), "CHI", "Chicago Loop", "yoga", "I3"][10] == 0
