from collections import defaultdict

from gold import cohort_retention, fact_member_month
from tests.builders import assert_same_rows
from tests.gold.test_fact_member_month import member_months


def test_each_join_month_cohort_is_followed_to_the_last_month(spark):
    rows = member_months()
    cohort_of = {r[0]: r[1] for r in rows if r[8]}  # is_new: joined within the data's period
    all_months = sorted({r[1] for r in rows})
    on_books = {(r[0], r[1]) for r in rows if r[10]}
    sizes = defaultdict(int)
    for joined in cohort_of.values():
        sizes[joined] += 1
    expected_rows = []
    for joined, size in sizes.items():
        for k, month in enumerate(m for m in all_months if m >= joined):
            kept = sum((member, month) in on_books for member, c in cohort_of.items() if c == joined)
            expected_rows.append((joined, k, month, size, kept, kept / size))
    expected = spark.createDataFrame(expected_rows, cohort_retention.CONTRACT.spark_schema)
    actual = cohort_retention.transform(spark.createDataFrame(rows, fact_member_month.CONTRACT.spark_schema))
    assert_same_rows(actual, expected)
    # m1 and m3 joined before the period: no cohort; m2 (January) left in March, so its cohort drops to 0.
    by_key = {(r[0].month, r[1]): r[4] for r in expected_rows}
    assert {r[0].month for r in expected_rows} == {1, 2, 3}
    assert (by_key[(1, 1)], by_key[(1, 2)]) == (1, 0)
