from datetime import date, timedelta
from statistics import geometric_mean

import numpy as np
import pandas as pd

from gold import workout_classification
from gold.workout_classification import MIN_WORKOUTS_FOR_CLUSTERING, OUTLIER_DISTANCE, classify_member
from silver.workouts import CONTRACT as WORKOUTS
from tests.builders import assert_close_rows

# Member A logs enough workouts to be clustered: groups far apart, so the clusters are known by construction.
A_GROUPS = {  # group -> its class, and (pace min/km, km) per workout
    "runs": ("real_run", [(5.6, 8.0), (5.8, 6.5), (6.0, 9.0), (6.2, 7.0), (5.9, 10.0), (6.1, 8.5), (5.7, 7.5),
                          (6.3, 6.0),
                          (7.8, 9.0)]),  # a long easy run: a mix by its own pace, but it clusters with the runs
    "walks": ("walk", [(12.0, 2.0), (12.5, 1.5), (13.0, 2.5), (13.5, 3.0), (12.2, 2.2)]),
    "mixes": ("mixed", [(8.3, 3.5), (8.6, 4.0), (8.9, 3.0), (8.4, 4.5), (8.7, 3.8)]),
    # 12 km at 15 min/km: nothing like A's other workouts, so k-means gives it a cluster of its own, which is
    # no habit: it is measured from the nearest habit's centroid, and is far.
    "odd": ("outlier", [(15.0, 12.0)]),
}  # fmt: skip
A_RIDE = (2.9, 20.0)  # faster than a gym member runs: an outlier by rule, and not clustered with the rest
# Member B: one plausible workout short of clustering (plus a ride, which does not count), so each is named
# by its own pace; the bands' edges belong to the faster class.
B_RULES = [(7.5, "real_run"), (7.51, "mixed"), (9.49, "mixed"), (9.5, "walk"), (20.0, "walk"), (3.0, "real_run")]
B_PACES = [p for p, _ in B_RULES] + [5.0 + 0.1 * i for i in range(MIN_WORKOUTS_FOR_CLUSTERING - 1 - len(B_RULES))]
# Member C: an export without a pace (worked out from duration and distance), one without a distance, the app
# left running (21 min/km), and a 5:00 min/km run whose export states 2.9 (as real iPhone exports of 2015 do): the
# pace is the workout's time over its distance.
FIRST_DAY = date(2025, 3, 3)


def _workout(number, member, pace, km, exported_pace=True, activity="run", stated=None):
    """A Silver workout; its key is its number as text, so the oracles below can go by number. Its duration is
    `pace` over `km` in whole seconds; the export states `stated`, by default `pace` (or none)."""
    seconds = round(pace * km * 60) if km is not None else 1800
    day = FIRST_DAY + timedelta(days=number % 50)
    exported = stated if stated is not None else pace if exported_pace else None
    return (str(number), member, day, day, activity, activity != "bike ride", seconds, km,
            exported, None, None, None, None, None, None, None, False, "MapMyRun iPhone",
            "workouts/2025-03-03/part-00000", number, "b1")  # fmt: skip


def _elapsed(pace: float, km: float) -> float:
    """The pace gold reads: the workout's whole seconds over its distance (12.2 min/km over 2.2 km: 12.197)."""
    return round(round(pace * km * 60) / 60 / km, 3)


def _silver_workouts(spark):
    a = [(g, p, km) for g, (_, workouts) in A_GROUPS.items() for p, km in workouts] + [("ride", *A_RIDE)]
    rows = [_workout(100 + i, "A", p, km) for i, (_, p, km) in enumerate(a)]
    rows += [_workout(200 + i, "B", p, 5.0) for i, p in enumerate(B_PACES)] + [_workout(299, "B", *A_RIDE)]
    rows += [_workout(300, "C", 6.0, 5.0, exported_pace=False), _workout(301, "C", 6.0, None),
             _workout(302, "C", 21.0, 2.0),
             _workout(303, "C", 6.0, 5.0, activity="bike ride"),  # a slow ride, at a run's pace
             _workout(304, "C", 5.0, 5.0, stated=2.9)]  # fmt: skip
    return spark.createDataFrame(rows, WORKOUTS.spark_schema), a


def _a_oracle(a: list[tuple]) -> dict[int, tuple]:
    """Member A's workouts: class, cluster pace and distance from the centroid, from the known groups."""
    plausible = [(i, g, p, km) for i, (g, p, km) in enumerate(a) if g != "ride"]
    x = np.log([[_elapsed(p, km), km, round(p * km * 60)] for _, _, p, km in plausible])
    z = (x - x.mean(axis=0)) / x.std(axis=0)  # standardised over A's plausible workouts
    groups = [g for _, g, _, _ in plausible]
    center = {g: z[[h == g for h in groups]].mean(axis=0) for g in A_GROUPS}
    habits = [g for g in A_GROUPS if groups.count(g) >= workout_classification.MIN_HABIT_WORKOUTS]
    out = {}
    for row, (i, g, _, _) in enumerate(plausible):
        pace = geometric_mean([_elapsed(p, km) for _, h, p, km in plausible if h == g])  # the centroid of log paces
        if g in habits:
            far = float(np.linalg.norm(z[row] - center[g]))
        else:
            far = min(float(np.linalg.norm(z[row] - center[h])) for h in habits)
        out[100 + i] = (A_GROUPS[g][0], "kmeans", pace, far)
    out[100 + len(a) - 1] = ("outlier", "rules", None, None)  # the ride
    return out


def _expected(a) -> list[tuple]:
    classes = _a_oracle(a)
    for i, p in enumerate(B_PACES):
        named = dict(B_RULES).get(p, "real_run")
        classes[200 + i] = (named, "rules", None, None)
    classes[299] = ("outlier", "rules", None, None)
    classes.update({300: ("real_run", "rules", None, None), 301: ("outlier", "rules", None, None),
                    302: ("outlier", "rules", None, None), 303: ("not_on_foot", "rules", None, None),
                    304: ("real_run", "rules", None, None)})  # fmt: skip
    return classes


def test_workouts_are_clustered_per_member_or_named_by_pace_as_worked_out_by_hand(spark):
    silver, a = _silver_workouts(spark)
    expected_classes = _expected(a)
    rows = [
        (w[0], w[1], w[2], w[4], round(w[6] / 60 / w[7], 3) if w[7] else w[8], w[7], w[6],
         *expected_classes[int(w[0])])
        for w in silver.collect()
    ]  # fmt: skip
    expected = spark.createDataFrame(rows, workout_classification.CONTRACT.spark_schema)
    actual = workout_classification.transform(silver)
    assert_close_rows(actual, expected)
    # What the oracle says, spelled out: the long easy run is a run with its cluster, the odd one is far.
    assert expected_classes[108][0] == "real_run" and expected_classes[119][3] > OUTLIER_DISTANCE


def test_classifying_a_member_does_not_depend_on_the_order_the_engine_hands_the_rows_over():
    rng = np.random.default_rng(1)
    workouts = pd.DataFrame(
        {
            "workout_key": [f"w{i:02d}" for i in range(40)],
            "member_key": "A",
            "workout_date": FIRST_DAY,
            "activity_type": "run",
            "on_foot": True,
            "pace_min_per_km": rng.uniform(4.5, 14.0, 40).round(3),
            "distance_km": rng.uniform(1.0, 12.0, 40).round(3),
        }
    )
    workouts["duration_seconds"] = (workouts.pace_min_per_km * workouts.distance_km * 60).round().astype("int32")
    by_id = {"by": "workout_key", "ignore_index": True}
    in_order = classify_member(workouts).sort_values(**by_id)
    shuffled = classify_member(workouts.sample(frac=1, random_state=7)).sort_values(**by_id)
    assert (in_order["method"] == "kmeans").all()
    pd.testing.assert_frame_equal(in_order, shuffled)
