from datetime import timedelta

from gold import fact_bookings, fact_class_attendance
from tests.builders import assert_same_rows
from tests.gold import world

SETTLED_BY = ("attended", "no_show", "late_cancel", "waitlist", "booked")


def _oracle() -> list[tuple]:
    sessions = {s[0]: s for s in world.SESSIONS}
    bookings: dict[str, list] = {}
    for b, status, session, member, before in world.BOOKING_EVENTS:
        bookings.setdefault(b, []).append(
            (status, session, member, world.SESSION_START[session] - timedelta(minutes=before))
        )
    rows = []
    for b, events in bookings.items():
        outcome = min((e[0] for e in events), key=SETTLED_BY.index)
        booked = [e[3] for e in events if e[0] in ("booked", "waitlist")]
        _, loc, kind, who, at, _ = sessions[events[0][1]]
        rows.append((b, events[0][1], events[0][2], loc, who, kind, at.date(), at, at.hour, min(booked, default=None),
                     outcome, outcome == "attended", outcome == "no_show", outcome == "late_cancel",
                     outcome != "waitlist"))  # fmt: skip
    return rows


def test_each_booking_is_one_row_with_the_outcome_that_settled_it(spark):
    actual = fact_bookings.transform(world.booking_events_frame(spark), world.sessions_frame(spark))
    expected = spark.createDataFrame(_oracle(), fact_bookings.CONTRACT.spark_schema)
    assert_same_rows(actual, expected)
    outcomes = {r[0]: r[10] for r in _oracle()}  # the fixture shows every outcome, pending and waitlist too
    assert set(outcomes.values()) == set(SETTLED_BY)
    assert outcomes["B7"] == "attended" and outcomes["B9"] == "booked" and outcomes["B3"] == "waitlist"


def test_attendance_is_the_attended_bookings_partitioned_by_class_date(spark):
    bookings = spark.createDataFrame(_oracle(), fact_bookings.CONTRACT.spark_schema)
    expected_rows = [tuple(r[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 8)) for r in _oracle() if r[10] == "attended"]
    expected = spark.createDataFrame(expected_rows, fact_class_attendance.CONTRACT.spark_schema)
    assert_same_rows(fact_class_attendance.transform(bookings), expected)
    assert fact_class_attendance.CONTRACT.partition_by == ("class_date",)
