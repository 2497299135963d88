"""A small gym in plain Python, the input of the Gold tests: two sites, five members with joins, a freeze,
a plan change and cancellations, classes with every booking outcome, check-ins, shop lines and app use.

Each test builds the Silver frames it needs from these rows and works out the Gold figure it checks from
the same rows in plain Python, without the transform's code.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal

from pyspark.sql import DataFrame, SparkSession

from silver import (
    app_events,
    booking_events,
    cancellations,
    checkins,
    class_feedback,
    class_sessions,
    members,
    membership_history,
    retail_lines,
)
from tests.silver.reference_rows import silver_rows

D = date
T = datetime

MEMBERS = [  # member_key, home, plan, billing, fee, join, status, cancel
    ("m1", "BKN", "plus", "monthly", Decimal("59.00"), D(2024, 11, 10), "active", None),
    ("m2", "BKN", "basic", "monthly", Decimal("39.00"), D(2025, 1, 15), "cancelled", D(2025, 3, 20)),
    ("m3", "CHI", "elite", "annual", Decimal("75.65"), D(2024, 6, 1), "active", None),
    ("m4", "CHI", "plus", "monthly", Decimal("59.00"), D(2025, 2, 3), "active", None),
    ("m5", "BKN", "plus", "monthly", Decimal("59.00"), D(2025, 3, 1), "cancelled", D(2025, 5, 31)),
]

# Versions of each membership: member_key, valid_from, home, plan, billing, fee, status, cancel_date.
# m3 freezes in February; m4 moves from basic to plus in April; everyone is exported on the first day.
HISTORY = [
    ("m1", T(2025, 1, 1, 6), "BKN", "plus", "monthly", Decimal("59.00"), "active", None),
    ("m1", T(2025, 6, 15, 6), "BKN", "plus", "monthly", Decimal("59.00"), "active", None),  # consent change
    ("m2", T(2025, 1, 15, 6), "BKN", "basic", "monthly", Decimal("39.00"), "active", None),
    ("m2", T(2025, 3, 20, 6), "BKN", "basic", "monthly", Decimal("39.00"), "cancelled", D(2025, 3, 20)),
    ("m3", T(2025, 1, 1, 6), "CHI", "elite", "annual", Decimal("75.65"), "active", None),
    ("m3", T(2025, 2, 1, 6), "CHI", "elite", "annual", Decimal("75.65"), "frozen", None),
    ("m3", T(2025, 3, 1, 6), "CHI", "elite", "annual", Decimal("75.65"), "active", None),
    ("m4", T(2025, 2, 3, 6), "CHI", "basic", "monthly", Decimal("39.00"), "active", None),
    ("m4", T(2025, 4, 10, 6), "CHI", "plus", "monthly", Decimal("59.00"), "active", None),
    ("m5", T(2025, 3, 1, 6), "BKN", "plus", "monthly", Decimal("59.00"), "active", None),
    ("m5", T(2025, 5, 31, 6), "BKN", "plus", "monthly", Decimal("59.00"), "cancelled", D(2025, 5, 31)),
]

SESSIONS = [  # session_id, location, class_type, instructor, local start, capacity
    ("BKN-20250106-0700", "BKN", "yoga", "I1", T(2025, 1, 6, 7), 2),
    ("BKN-20250108-1800", "BKN", "spin", "I2", T(2025, 1, 8, 18), 3),
    ("BKN-20250131-1930", "BKN", "spin", "I2", T(2025, 1, 31, 19, 30), 3),  # nobody booked it
    ("BKN-20250310-0700", "BKN", "yoga", "I1", T(2025, 3, 10, 7), 2),
    ("BKN-20250312-1800", "BKN", "spin", "I2", T(2025, 3, 12, 18), 3),  # nobody booked it
    ("CHI-20250311-1200", "CHI", "yoga", "I3", T(2025, 3, 11, 12), 4),
    ("CHI-20250415-1200", "CHI", "yoga", "I3", T(2025, 4, 15, 12), 4),
]

BOOKING_EVENTS = [  # booking_id, status, session_id, member_key, minutes before the class
    ("B1", "booked", "BKN-20250106-0700", "m1", 600),
    ("B1", "attended", "BKN-20250106-0700", "m1", -5),
    ("B2", "booked", "BKN-20250106-0700", "m2", 500),  # m2 joined on the 15th: a trial class, say
    ("B2", "no_show", "BKN-20250106-0700", "m2", -60),
    ("B3", "waitlist", "BKN-20250106-0700", "m3", 400),
    ("B4", "booked", "BKN-20250108-1800", "m1", 300),
    ("B4", "attended", "BKN-20250108-1800", "m1", -5),
    ("B5", "booked", "BKN-20250310-0700", "m5", 700),
    ("B5", "late_cancel", "BKN-20250310-0700", "m5", 60),
    ("B6", "booked", "BKN-20250310-0700", "m1", 900),
    ("B6", "attended", "BKN-20250310-0700", "m1", -5),
    ("B7", "attended", "CHI-20250311-1200", "m4", -5),  # its booked event was quarantined
    ("B8", "booked", "CHI-20250311-1200", "m3", 800),
    ("B8", "attended", "CHI-20250311-1200", "m3", -5),
    ("B9", "booked", "CHI-20250415-1200", "m4", 120),  # no outcome exported yet
    ("B10", "booked", "CHI-20250415-1200", "m3", 130),
    ("B10", "attended", "CHI-20250415-1200", "m3", -2),
]

CHECKINS = [  # member_key, location, local date, hour
    ("m1", "BKN", D(2025, 1, 6), 6), ("m1", "BKN", D(2025, 1, 6), 18), ("m1", "BKN", D(2025, 1, 8), 17),
    ("m1", "CHI", D(2025, 1, 8), 12), ("m2", "BKN", D(2025, 1, 20), 7), ("m1", "BKN", D(2025, 3, 10), 6),
    ("m3", "CHI", D(2025, 3, 11), 11), ("m4", "CHI", D(2025, 3, 11), 11), ("m5", "BKN", D(2025, 3, 3), 8),
    ("m1", "BKN", D(2025, 4, 1), 7), ("m1", "BKN", D(2025, 4, 29), 7), ("m1", "BKN", D(2025, 4, 30), 7),
    ("m3", "CHI", D(2025, 4, 15), 11), ("m4", "CHI", D(2025, 5, 5), 18), ("m5", "BKN", D(2025, 5, 2), 9),
    ("m1", "BKN", D(2025, 6, 30), 7),
]  # fmt: skip

RETAIL = [  # receipt, line, location, member_key, local date, sku, category, quantity, unit price
    ("BKN-20250106-1", 1, "BKN", "m1", D(2025, 1, 6), "JB-001", "juice_bar", 2, Decimal("6.50")),
    ("BKN-20250106-1", 2, "BKN", "m1", D(2025, 1, 6), "SU-002", "supplements", 1, Decimal("39.90")),
    ("BKN-20250107-1", 1, "BKN", None, D(2025, 1, 7), "JB-001", "juice_bar", 1, Decimal("6.50")),  # walk-in
    ("BKN-20250109-1", 1, "BKN", "m1", D(2025, 1, 9), "SU-002", "supplements", -1, Decimal("39.90")),  # refund
    ("CHI-20250311-1", 1, "CHI", "m3", D(2025, 3, 11), "JB-001", "juice_bar", 1, Decimal("6.50")),
    ("CHI-20250505-1", 1, "CHI", "m4", D(2025, 5, 5), "SN-003", "snacks", 3, Decimal("2.00")),
]

APP_EVENTS = [  # event_id, member_key, UTC instant
    ("E1", "m1", T(2025, 3, 28, 9)), ("E2", "m1", T(2025, 3, 28, 21)), ("E3", "m1", T(2025, 4, 2, 9)),
    ("E6", "m1", T(2025, 4, 2, 21)),
    ("E4", "m4", T(2025, 4, 20, 9)), ("E5", "m2", T(2025, 2, 1, 9)),
]  # fmt: skip

CANCELLATIONS = [  # key, member_key, location, local request date, effective date, reason
    ("C1", "m2", "BKN", D(2025, 3, 1), D(2025, 3, 20), "cost"),
    ("C2", "m5", "BKN", D(2025, 5, 10), D(2025, 5, 31), "moving"),
    ("C3", "m9", "BKN", D(2025, 5, 12), D(2025, 6, 1), "cost"),
    ("C4", "m8", "CHI", D(2025, 5, 20), D(2025, 6, 15), "schedule"),
]


FEEDBACK = [  # response_id, session_id, member_key, stars, local date submitted, attendance on record
    ("F1", "BKN-20250106-0700", "m1", 5, D(2025, 1, 6), True),
    ("F2", "BKN-20250106-0700", "m2", 3, D(2025, 1, 7), False),  # marked a no-show, answered all the same
    ("F3", "BKN-20250108-1800", "m1", 4, D(2025, 1, 8), True),
    ("F4", "BKN-20250131-1930", "m4", 5, D(2025, 2, 1), False),  # came without booking; answered in February
    ("F5", "BKN-20250310-0700", "m1", 5, D(2025, 3, 10), True),
    ("F6", "CHI-20250311-1200", "m3", 5, D(2025, 3, 11), True),
    ("F7", "CHI-20250311-1200", "m4", 2, D(2025, 3, 13), True),
    ("F8", "CHI-20250415-1200", "m3", 1, D(2025, 4, 15), True),
]


def next_month(m: date) -> date:
    return date(m.year + m.month // 12, m.month % 12 + 1, 1)


def months(first: date, last: date) -> list[date]:
    """First days of the months from first's to last's."""
    out, m = [], date(first.year, first.month, 1)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def month_end(m: date) -> date:
    return date(m.year, m.month, calendar.monthrange(m.year, m.month)[1])


def members_frame(spark: SparkSession) -> DataFrame:
    keys = ("member_key", "home_location_id", "plan", "billing_period", "monthly_fee", "join_date", "status",
            "cancel_date")  # fmt: skip
    records = [
        {**dict(zip(keys, m, strict=True)), "marketing_consent": m[0] != "m2", "research_consent": False,
         "has_wearable": False, "exported_at": T(2025, 6, 15, 6)}
        for m in MEMBERS
    ]  # fmt: skip
    return silver_rows(spark, members.CONTRACT, records)


def history_frame(spark: SparkSession) -> DataFrame:
    keys = ("member_key", "valid_from", "home_location_id", "plan", "billing_period", "monthly_fee", "status",
            "cancel_date")  # fmt: skip
    records = [dict(zip(keys, h, strict=True)) for h in HISTORY]
    by_member: dict[str, list[dict]] = {}
    for r in records:
        by_member.setdefault(r["member_key"], []).append(r)
    for versions in by_member.values():
        for older, newer in zip(versions, [*versions[1:], None], strict=True):
            older.update(valid_to=newer["valid_from"] if newer else None, is_current=newer is None,
                         marketing_consent=True, research_consent=False)  # fmt: skip
    return silver_rows(spark, membership_history.CONTRACT, records)


def sessions_frame(spark: SparkSession) -> DataFrame:
    records = [
        {"session_id": s, "location_id": loc, "class_type": kind, "instructor_id": who, "starts_at": at,
         "start_local_date": at.date(), "start_local_hour": at.hour, "duration_minutes": 45, "capacity": cap,
         "site_timezone": "UTC"}
        for s, loc, kind, who, at, cap in SESSIONS
    ]  # fmt: skip
    return silver_rows(spark, class_sessions.CONTRACT, records)


SESSION_START = {s[0]: s[4] for s in SESSIONS}


def booking_events_frame(spark: SparkSession) -> DataFrame:
    records = [
        {"booking_id": b, "status": st, "session_id": s, "member_key": m,
         "event_at": SESSION_START[s] - timedelta(minutes=before), "site_timezone": "UTC"}
        for b, st, s, m, before in BOOKING_EVENTS
    ]  # fmt: skip
    return silver_rows(spark, booking_events.CONTRACT, records)


def checkins_frame(spark: SparkSession) -> DataFrame:
    records = [
        {"checkin_id": f"CK{i}", "member_key": m, "location_id": loc, "checkin_at": T(d.year, d.month, d.day, h),
         "checkin_local_date": d, "checkin_local_hour": h, "site_timezone": "UTC", "channel": "app"}
        for i, (m, loc, d, h) in enumerate(CHECKINS)
    ]  # fmt: skip
    return silver_rows(spark, checkins.CONTRACT, records)


def retail_frame(spark: SparkSession) -> DataFrame:
    records = [
        {"receipt_id": r, "line_number": n, "location_id": loc, "member_key": m,
         "sold_at": T(d.year, d.month, d.day, 12), "sold_local_date": d, "sku": sku, "category": cat,
         "quantity": q, "unit_price": p, "line_total": q * p,
         "payment_method": "card", "is_refund": q < 0}
        for r, n, loc, m, d, sku, cat, q, p in RETAIL
    ]  # fmt: skip
    return silver_rows(spark, retail_lines.CONTRACT, records)


def app_events_frame(spark: SparkSession) -> DataFrame:
    records = [{"event_id": e, "member_key": m, "event_type": "app_open", "event_at": at} for e, m, at in APP_EVENTS]
    return silver_rows(spark, app_events.CONTRACT, records)


def cancellations_frame(spark: SparkSession) -> DataFrame:
    records = [
        {"cancellation_key": k, "member_key": m, "location_id": loc, "requested_at": T(d.year, d.month, d.day, 10),
         "requested_local_date": d, "effective_date": eff, "reason": why, "note_redacted": False}
        for k, m, loc, d, eff, why in CANCELLATIONS
    ]  # fmt: skip
    return silver_rows(spark, cancellations.CONTRACT, records)


def feedback_frame(spark: SparkSession) -> DataFrame:
    records = [
        {"response_id": r, "session_id": s, "member_key": m, "rating": stars, "comment_redacted": False,
         "submitted_at": T(d.year, d.month, d.day, 21), "submitted_local_date": d, "site_timezone": "UTC",
         "attendance_on_record": came}
        for r, s, m, stars, d, came in FEEDBACK
    ]  # fmt: skip
    return silver_rows(spark, class_feedback.CONTRACT, records)
