from datetime import date, datetime, timedelta
from math import sqrt

import pandas as pd
import pytest

from fitlake.ml import recommender
from gold import class_recommendations as cr
from gold import fact_class_attendance
from tests.builders import assert_close_rows

# Slots as (location, class type, a date it runs on, hour); each date's weekday is the slot's.
BKN_YOGA = ("BKN", "yoga", date(2025, 3, 3), 7)  # Monday
BKN_SPIN = ("BKN", "spin", date(2025, 3, 5), 18)  # Wednesday
CHI_YOGA = ("CHI", "yoga", date(2025, 3, 4), 12)  # Tuesday
CHI_HIIT = ("CHI", "hiit", date(2025, 3, 4), 18)
QNS_CORE = ("QNS", "core", date(2025, 3, 9), 9)  # Sunday: weekday 6 on both engines
QNS_SPIN = ("QNS", "spin", date(2025, 3, 8), 10)  # Saturday
QNS_YOGA = ("QNS", "yoga", date(2025, 3, 9), 17)

ATTENDED = [  # member, slot, times
    ("m1", BKN_YOGA, 3),  # a regular: log1p(3) = 2 log(2), twice the weight of one visit
    ("m1", BKN_SPIN, 1),
    ("m2", BKN_YOGA, 1),
    ("m2", BKN_SPIN, 1),
    ("m3", BKN_YOGA, 1),  # like m1 and m2 but has not tried spin
    ("m4", CHI_YOGA, 1),
    ("m4", CHI_HIIT, 1),
    ("m5", CHI_YOGA, 1),
    # Three Queens slots, each pair shared by two of w1..w4: each member missing one gets it for both of theirs.
    ("w1", QNS_CORE, 1),
    ("w1", QNS_SPIN, 1),
    ("w1", QNS_YOGA, 1),
    ("w2", QNS_CORE, 1),
    ("w2", QNS_YOGA, 1),
    ("w3", QNS_SPIN, 1),
    ("w3", QNS_YOGA, 1),
    ("w4", QNS_CORE, 1),
    ("w4", QNS_SPIN, 1),
]

# Worked out by hand. Yoga's column over (m1, m2, m3) is log(2) * (2, 1, 1), spin's log(2) * (1, 1, 0): cosine
# 3 / (sqrt(6) sqrt(2)) = sqrt(3)/2 (binary weights would give 2/sqrt(6), raw counts 4/sqrt(22)). Chicago: yoga
# (1, 1) and hiit (1, 0) over (m4, m5), 1/sqrt(2). Queens: every pair of slots shares 2 of 3 members, 2/3 each,
# summed over the member's two slots. Nobody gets a slot of another site (similarity 0) or one they attended.
EXPECTED = [  # member, rank, slot, score
    ("m3", 1, "BKN|spin|Wed|18", BKN_SPIN, sqrt(3) / 2),
    ("m5", 1, "CHI|hiit|Tue|18", CHI_HIIT, 1 / sqrt(2)),
    ("w2", 1, "QNS|spin|Sat|10", QNS_SPIN, 4 / 3),
    ("w3", 1, "QNS|core|Sun|09", QNS_CORE, 4 / 3),
    ("w4", 1, "QNS|yoga|Sun|17", QNS_YOGA, 4 / 3),
]
WEEKDAY = {date(2025, 3, d): name for d, name in ((3, "Mon"), (4, "Tue"), (5, "Wed"), (8, "Sat"), (9, "Sun"))}


def _attendance(attended: list[tuple]) -> pd.DataFrame:
    """gold.fact_class_attendance rows, one per visit: a visit `n` weeks after the slot's date for the nth time."""
    rows = []
    for member, (loc, kind, day, hour), times in attended:
        for n in range(times):
            d = day + timedelta(weeks=n)
            starts = datetime(d.year, d.month, d.day, hour)
            rows.append((f"B{len(rows)}", f"{loc}-{d:%Y%m%d}-{hour:02d}00", member, loc, "I1", kind, d, starts, hour))
    return pd.DataFrame(rows, columns=fact_class_attendance.CONTRACT.column_names)


def test_members_get_the_slots_members_like_them_attend_with_summed_cosine_scores(spark):
    attendance = _attendance(ATTENDED)
    expected = spark.createDataFrame(
        [
            (m, rank, key, loc, kind, WEEKDAY[day], hour, score)
            for m, rank, key, (loc, kind, day, hour), score in EXPECTED
        ],
        cr.CONTRACT.spark_schema,
    )
    actual = cr.transform(spark.createDataFrame(attendance, fact_class_attendance.CONTRACT.spark_schema))
    assert_close_rows(actual, expected)
    # The Spark table is the numpy core's answer on the same rows.
    core = recommender.recommend(recommender.fit(recommender.slot_counts(attendance)))
    assert_close_rows(spark.createDataFrame(core, cr.CONTRACT.spark_schema), expected)


def _counts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["member_key", "location_id", "class_type", "weekday", "class_hour", "attendances"]
    )


def test_equal_scores_are_ranked_by_slot_key_and_at_most_k_are_kept_whatever_the_row_order():
    # t shares Friday 7am yoga with o1..o6, who each tried one Friday spin class: six spin slots tie for t.
    hours = (21, 6, 12, 9, 18, 7)
    rows = [("t", "BKN", "yoga", 4, 7, 1)]
    for i, hour in enumerate(hours):
        rows += [(f"o{i}", "BKN", "yoga", 4, 7, 1), (f"o{i}", "BKN", "spin", 4, hour, 1)]
    counts = _counts(rows)
    recommended = recommender.recommend(recommender.fit(counts))
    for_t = recommended[recommended.member_key == "t"]
    assert list(for_t["slot_key"]) == [f"BKN|spin|Fri|{h:02d}" for h in (6, 7, 9, 12, 18)]
    assert list(for_t["rank"]) == [1, 2, 3, 4, 5]
    # yoga has 7 members, each spin slot 1
    assert for_t["score"].tolist() == pytest.approx([1 / sqrt(7)] * recommender.K)
    shuffled = recommender.recommend(recommender.fit(counts.sample(frac=1, random_state=3)))
    pd.testing.assert_frame_equal(recommended, shuffled)


def test_the_popularity_baseline_ranks_slots_by_attendances_leaving_out_the_members_own():
    yoga, spin, hiit = ("BKN", "yoga", 0, 7), ("BKN", "spin", 2, 18), ("CHI", "hiit", 1, 12)
    counts = _counts([("a", *yoga, 2), ("a", *spin, 1), ("b", *yoga, 1), ("b", *hiit, 3), ("c", *spin, 1)])
    # Attendances: yoga 3, hiit 3, spin 2. c's tie between yoga and hiit goes to the first slot_key.
    popular = recommender.recommend_popular(recommender.fit(counts), k=2)
    assert list(popular.itertuples(index=False, name=None)) == [
        ("a", 1, "CHI|hiit|Tue|12", "CHI", "hiit", "Tue", 12, 3.0),
        ("b", 1, "BKN|spin|Wed|18", "BKN", "spin", "Wed", 18, 2.0),
        ("c", 1, "BKN|yoga|Mon|07", "BKN", "yoga", "Mon", 7, 3.0),
        ("c", 2, "CHI|hiit|Tue|12", "CHI", "hiit", "Tue", 12, 3.0),
    ]


def test_precision_at_k_on_a_temporal_holdout_for_the_recommendations_and_the_popularity_baseline():
    y, s = ("BKN", "yoga", date(2025, 2, 3), 7), ("BKN", "spin", date(2025, 2, 5), 18)  # Monday, Wednesday
    h, g = ("CHI", "hiit", date(2025, 2, 4), 12), ("CHI", "yoga", date(2025, 2, 6), 19)  # Tuesday, Thursday
    before = [("a", y, 1), ("a", s, 1), ("b", y, 1), ("b", s, 1), ("c", y, 1), ("d", h, 1), ("d", g, 1),
              ("e", h, 1), ("f", h, 1)]  # fmt: skip
    in_window = [
        ("c", (*s[:2], date(2025, 3, 5), 18), 1),  # relevant: new to c
        ("c", (*y[:2], date(2025, 3, 10), 7), 1),  # c's own slot again: not relevant
        ("e", (*g[:2], date(2025, 3, 6), 19), 1),  # relevant
        ("e", (*h[:2], date(2025, 3, 11), 12), 1),
        ("f", (*h[:2], date(2025, 3, 18), 12), 1),  # nothing new for f: not evaluated
        ("n", (*y[:2], date(2025, 3, 17), 7), 1),  # n has no attendance before the cutoff: not evaluated
    ]
    # The window is 28 days from the cutoff: this new slot of f's is on day 29, and the last class date.
    after = [("f", ("BKN", "hiit", date(2025, 3, 31), 12), 1)]
    attendance = _attendance(before + in_window + after)
    cutoff = recommender.holdout_cutoff(attendance)
    assert cutoff == date(2025, 3, 3)
    # Recommendations (positive scores only): c gets spin (shared with a and b), a hit of 2; e gets Chicago yoga
    # (shared with d), a hit. Popularity (yoga 3, hiit 3, spin 2, Chicago yoga 1): c gets hiit and spin, a hit;
    # e gets yoga and spin, none. Precision@2 is hits / 2 averaged over c and e.
    assert recommender.evaluate(attendance, cutoff, k=2) == {
        "precision_at_k_cf": pytest.approx((1 / 2 + 1 / 2) / 2),
        "precision_at_k_popularity": pytest.approx((1 / 2 + 0) / 2),
        "members_evaluated": 2,
        "k": 2,
    }
