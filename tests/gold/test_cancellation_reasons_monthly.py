from collections import Counter
from datetime import date

from gold import cancellation_reasons_monthly
from tests.builders import assert_same_rows
from tests.gold import world


def test_each_reasons_share_of_the_months_requests_at_a_location(spark):
    counts = Counter((date(d.year, d.month, 1), loc, why) for _, _, loc, d, _, why in world.CANCELLATIONS)
    per_month = Counter()
    for (month, loc, _), n in counts.items():
        per_month[(month, loc)] += n
    rows = [(m, loc, why, n, n / per_month[(m, loc)]) for (m, loc, why), n in counts.items()]
    expected = spark.createDataFrame(rows, cancellation_reasons_monthly.CONTRACT.spark_schema)
    assert_same_rows(cancellation_reasons_monthly.transform(world.cancellations_frame(spark)), expected)
    assert counts[(date(2025, 5, 1), "BKN", "cost")] == 1 and per_month[(date(2025, 5, 1), "BKN")] == 2
