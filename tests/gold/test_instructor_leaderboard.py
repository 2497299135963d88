from datetime import date, datetime

from gold import fact_class_attendance, instructor_leaderboard
from tests.builders import assert_same_rows

# One week at BKN: 12 instructors; attendance 12, 11, ..., with I09, I10 and I11 tied for 9th place.
ATTENDANCE = {f"I{i:02d}": n for i, n in enumerate([12, 11, 10, 9, 8, 7, 6, 5, 4, 4, 4, 1], start=1)}
MONDAY = date(2025, 3, 10)


def _attendance_rows():
    rows = []
    for who, n in ATTENDANCE.items():
        for k in range(n):
            day = date(2025, 3, 10 + k % 3)  # Monday to Wednesday of one ISO week
            at = datetime(day.year, day.month, day.day, 7)
            rows.append((f"{who}-{k}", f"BKN-{day:%Y%m%d}-{who}", f"m{k}", "BKN", who, "yoga", day, at, 7))
    rows.append(
        ("CHI-1", "CHI-20250317-0700", "m1", "CHI", "I99", "spin", date(2025, 3, 17), datetime(2025, 3, 17, 7), 7)
    )
    return rows


def _oracle():
    ranked = sorted(ATTENDANCE.items(), key=lambda kv: -kv[1])
    out = []
    for who, n in ranked:
        rank = 1 + sum(1 for _, m in ranked if m > n)  # ties share a rank, the next one skips
        if rank <= 10:
            out.append((MONDAY, "BKN", who, n, min(n, 3), rank))
    return [*out, (date(2025, 3, 17), "CHI", "I99", 1, 1, 1)]


def test_top_ten_per_location_and_week_with_ties_sharing_a_rank(spark):
    attendance = spark.createDataFrame(_attendance_rows(), fact_class_attendance.CONTRACT.spark_schema)
    expected = spark.createDataFrame(_oracle(), instructor_leaderboard.CONTRACT.spark_schema)
    assert_same_rows(instructor_leaderboard.transform(attendance), expected)
    ranks = {who: rank for _, _, who, _, _, rank in _oracle()}
    assert ranks["I09"] == ranks["I10"] == ranks["I11"] == 9  # three tied for 9th are all in the top 10
    assert "I12" not in ranks  # ranked 12th
