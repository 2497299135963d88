from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from gold import (
    class_type_revenue_monthly,
    fact_bookings,
    fact_class_attendance,
    fact_member_month,
    fact_retail_sales,
    revenue_monthly,
)
from tests.builders import assert_same_rows
from tests.gold import world
from tests.gold.test_fact_bookings import _oracle as bookings
from tests.gold.test_fact_member_month import member_months


def _retail_lines(spark):
    return fact_retail_sales.transform(world.retail_frame(spark))


def test_revenue_by_month_location_stream_and_item_nets_refunds(spark):
    totals: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    for _, month, loc, plan, billing, _, _, _, _, _, _, _, revenue in member_months():
        if revenue > 0:
            t = totals[(month, loc, "membership", billing, plan)]
            t[0] += 1
            t[1] += revenue
    for _, _, loc, _, day, sku, category, quantity, price in world.RETAIL:
        t = totals[(date(day.year, day.month, 1), loc, "retail", category, sku)]
        t[0] += quantity
        t[1] += quantity * price
    expected = spark.createDataFrame([(*k, *v) for k, v in totals.items()], revenue_monthly.CONTRACT.spark_schema)
    member_month_rows = spark.createDataFrame(member_months(), fact_member_month.CONTRACT.spark_schema)
    assert_same_rows(revenue_monthly.transform(member_month_rows, _retail_lines(spark)), expected)
    # The supplement sold and refunded in January nets to nothing.
    assert totals[(date(2025, 1, 1), "BKN", "retail", "supplements", "SU-002")] == [0, Decimal("0.00")]


def _attendance(spark):
    return fact_class_attendance.transform(spark.createDataFrame(bookings(), fact_bookings.CONTRACT.spark_schema))


def test_membership_revenue_is_shared_among_the_class_types_attended(spark):
    attended: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for b in bookings():
        if b[10] == "attended":
            attended[(b[2], b[6].replace(day=1))][b[5]] += 1
    shares: dict[tuple, list] = defaultdict(lambda: [0, 0, 0.0])
    for member, month, loc, *_, revenue in member_months():
        if revenue <= 0:
            continue
        kinds = attended.get((member, month)) or {"gym_floor": 0}
        total = sum(kinds.values())
        for kind, n in kinds.items():
            t = shares[(month, loc, kind)]
            t[0] += 1
            t[1] += n
            t[2] += float(revenue) * (n / total if total else 1.0)
    member_month_rows = spark.createDataFrame(member_months(), fact_member_month.CONTRACT.spark_schema)
    actual = class_type_revenue_monthly.transform(member_month_rows, _attendance(spark))
    got = {
        (r.month, r.location_id, r.class_type): [r.members, r.attendances, r.allocated_revenue]
        for r in actual.collect()
    }
    assert got.keys() == shares.keys()
    for key, (members, attendances, revenue) in shares.items():
        assert got[key][:2] == [members, attendances], key
        assert got[key][2] == pytest.approx(revenue), key
    # Every month's allocations add up to the month's membership revenue.
    billed = defaultdict(float)
    for _, month, *_, revenue in member_months():
        billed[month] += float(revenue)
    allocated = defaultdict(float)
    for (month, _, _), (_, _, revenue) in got.items():
        allocated[month] += revenue
    assert allocated == pytest.approx({m: v for m, v in billed.items() if v})
