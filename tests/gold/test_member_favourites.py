from datetime import date, datetime

from gold import fact_class_attendance, member_favourites
from tests.builders import assert_same_rows

CLASSES = [  # member, class type, instructor, date
    ("m1", "yoga", "I1", date(2025, 3, 3)),
    ("m1", "yoga", "I1", date(2025, 3, 4)),
    ("m1", "spin", "I2", date(2025, 3, 5)),
    ("m1", "spin", "I3", date(2025, 3, 6)),  # instructor I1 twice, I2 and I3 once: I1; yoga and spin tie twice
    # each, and spin was attended last
    ("m2", "spin", "I2", date(2025, 3, 1)),
    ("m2", "yoga", "I1", date(2025, 3, 9)),  # a tie: the one attended most recently wins
    ("m3", "hiit", "I4", date(2025, 3, 9)),
    ("m3", "core", "I5", date(2025, 3, 9)),  # a tie on the same day: the first by name
]


def test_the_favourite_is_the_most_attended_then_the_latest_then_the_first_by_name(spark):
    rows = [
        (f"B{i}", f"S{i}", m, "BKN", who, kind, d, datetime(d.year, d.month, d.day, 7), 7)
        for i, (m, kind, who, d) in enumerate(CLASSES)
    ]
    attendance = spark.createDataFrame(rows, fact_class_attendance.CONTRACT.spark_schema)
    expected = spark.createDataFrame(
        [
            ("m1", 4, date(2025, 3, 6), "spin", 2, "I1", 2),
            ("m2", 2, date(2025, 3, 9), "yoga", 1, "I1", 1),
            ("m3", 2, date(2025, 3, 9), "core", 1, "I4", 1),
        ],
        member_favourites.CONTRACT.spark_schema,
    )
    assert_same_rows(member_favourites.transform(attendance), expected)
