from collections import defaultdict
from datetime import date
from decimal import Decimal

from gold import fact_member_month, fact_membership_monthly
from tests.builders import assert_same_rows
from tests.gold import world


def _versions(member: str) -> list[tuple]:
    return sorted((h for h in world.HISTORY if h[0] == member), key=lambda h: h[1])


def member_months() -> list[tuple]:
    """fact_member_month worked out month by month from the fixture's members and their versions."""
    first = min(h[1] for h in world.HISTORY).date()
    last = max(h[1] for h in world.HISTORY).date()
    rows = []
    for key, _, _, _, _, joined, _, cancel in world.MEMBERS:
        for month in world.months(first, last):
            end = world.month_end(month)
            if joined > end or (cancel is not None and cancel < month):
                continue
            next_month = world.months(end, date(end.year + 1, 1, 1))[1]
            _, _, home, plan, billing, fee, status, _ = [v for v in _versions(key) if v[1].date() < next_month][-1]
            on_books = cancel is None or cancel > end
            frozen = status == "frozen"
            billed = (cancel is None or cancel > month) and not frozen
            tenure = (month.year - joined.year) * 12 + month.month - joined.month
            rows.append((key, month, home, plan, billing, fee, status if on_books else "cancelled", tenure,
                         (joined.year, joined.month) == (month.year, month.month), not on_books, on_books,
                         on_books and status == "active", fee if billed else Decimal("0.00")))  # fmt: skip
    return rows


def test_a_member_month_holds_the_state_at_month_end_and_what_it_billed(spark):
    actual = fact_member_month.transform(world.members_frame(spark), world.history_frame(spark))
    expected = spark.createDataFrame(member_months(), fact_member_month.CONTRACT.spark_schema)
    assert_same_rows(actual, expected)
    rows = {(r[0], r[1]): r for r in member_months()}
    assert rows[("m3", date(2025, 2, 1))][-1] == Decimal("0.00")  # frozen months are free
    assert rows[("m4", date(2025, 4, 1))][3] == "plus"  # the plan changed in April
    assert rows[("m2", date(2025, 3, 1))][9] and rows[("m2", date(2025, 3, 1))][-1] == Decimal("39.00")


def test_membership_monthly_counts_active_new_churned_and_mrr_per_location(spark):
    totals: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, Decimal("0"), Decimal("0")])
    for _, month, loc, _, _, fee, status, _, new, churned, on_books, active, revenue in member_months():
        t = totals[(month, loc)]
        t[0] += active
        t[1] += on_books and status == "frozen"
        t[2] += new
        t[3] += churned
        t[4] += fee if active else 0
        t[5] += revenue
    expected = spark.createDataFrame(
        [(m, loc, *t) for (m, loc), t in totals.items()], fact_membership_monthly.CONTRACT.spark_schema
    )
    member_month_rows = spark.createDataFrame(member_months(), fact_member_month.CONTRACT.spark_schema)
    assert_same_rows(fact_membership_monthly.transform(member_month_rows), expected)
