"""Workout classification: each logged workout a real run, a walk, a run/walk mix, an outlier, or not on foot.

Members log dog walks and run/walk intervals as runs (the app's activity type is whatever they left it on),
so run statistics need each workout judged from what was measured: its pace, distance and duration.

Only workouts on foot are judged so (silver.workouts `on_foot`: runs, walks, hikes, treadmill workouts). A bike
ride, a weight or machine workout is `not_on_foot`, by its activity type: a ride's pace is a fast run's, and a
member's rides would pull the clusters of their runs. A walk logged as a run is something members do; a ride
logged as a run is not, and the activity type is then all there is to go on.

- A workout without a distance, or with a pace no gym member keeps on foot (`PLAUSIBLE_PACE`), is an
  `outlier` by rule: a ride or a GPS glitch, or the app left running. Silver has already quarantined paces
  faster than the world record; this bound is for a gym, not for the Olympics.
- A member with at least `MIN_WORKOUTS_FOR_CLUSTERING` plausible workouts has them clustered with k-means
  on log pace, log distance and log duration, each standardised over the member's own workouts (so
  "long" means long for this member; logs, because twice as slow is the same step at any pace). Each
  cluster is named by its centroid's pace with the same bands as the rules (`name_by_pace`), and a workout
  farther than `OUTLIER_DISTANCE` from its centroid is an `outlier`. k-means gives a workout that fits
  nowhere a cluster of its own, where it would sit on its centroid: a workout in a cluster too small to be a
  habit (`MIN_HABIT_WORKOUTS`) is measured from the nearest habit's centroid instead.
- Fewer workouts: each is named by its own pace (`method = 'rules'`).

k-means is deterministic here: a fixed seed and number of initialisations, and each member's workouts
sorted by key first, since the seeds it draws depend on the row order and the engine does not fix it.

Measured against the generator's truth on `small` (seed 7: 11,687 workouts of 168 members, 11,585 of them
clustered): 93.5% right, where naming every workout by its own pace gets 95.1%. The generator draws every
member's paces from the same bands, so there is nothing personal for clustering to learn, and it can only
blur a band's edges: half the run/walk mixes land in a cluster of runs or walks. Clustering is for real
members, whose easy-run pace is their own: one member's habitual runs stay one class instead of flipping at a
threshold from day to day, and an odd workout is judged against the member's own habits.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fitlake.contracts import (
    DATE,
    DOUBLE,
    INT,
    STRING,
    Column,
    TableContract,
    between,
    in_set,
    references,
    rule,
)
from silver.members import MEMBER_KEY
from silver.workouts import CONTRACT as WORKOUTS

INPUTS = ("silver.workouts",)

WORKOUT_CLASSES = ("real_run", "walk", "mixed", "outlier", "not_on_foot")
METHODS = ("kmeans", "rules")

# Pace bands in min/km, declared once: they name a workout (rules) and a cluster (its centroid) alike.
# Sustained faster than 3:00/km is sub-elite racing, slower than 20:00/km (3 km/h) is standing still.
PLAUSIBLE_PACE = (3.0, 20.0)
# Running from 8 km/h: above the speed at which people switch from walking to running (~7.2 km/h).
RUN_SLOWEST_PACE = 7.5
# Walking up to 6.3 km/h, a brisk walk; between the two, a run with walking breaks.
WALK_FASTEST_PACE = 9.5

# A centroid of fewer than about five workouts is one workout's noise, and a member needs room for one
# cluster per kind of workout (run, walk, mix): so 15 workouts before clustering. On `small`, a minimum
# anywhere from 6 to 20 changed the accuracy by under 0.1 point: the minimum is about trust, not accuracy.
WORKOUTS_PER_CLUSTER = 5
MIN_CLUSTERS = 3
MIN_WORKOUTS_FOR_CLUSTERING = MIN_CLUSTERS * WORKOUTS_PER_CLUSTER
# More clusters for members with more workouts (short and long runs, intervals, dog walks each get their
# own), up to 8. On `small`: 3 clusters for everyone 91.3% right, 4 91.9%, one per 5 workouts up to 8 93.5%.
MAX_CLUSTERS = 8
# A cluster of fewer workouts is not something the member does, but where k-means put what fits nowhere.
MIN_HABIT_WORKOUTS = 3
# In standard deviations of the member's (log) features: farther from its centroid than workouts of a
# normal spread come, about 1 in 2,000 along any one feature.
OUTLIER_DISTANCE = 3.5
# Four k-means++ starts, the best kept. On `small`: 93.5% right (mixes 50%); one start (scikit-learn's
# default) 93.0% (mixes 41%; 93.2% averaged over five seeds against 93.4%) and 1.3 s less per build.
RANDOM_STATE, N_INIT = 0, 4

CONTRACT = TableContract(
    name="gold.workout_classification",
    comment="Each workout of silver.workouts as a real run, a walk, a run/walk mix or an outlier, from its pace, "
    "distance and duration: k-means over the member's workouts, or pace bands when a member has fewer than "
    f"{MIN_WORKOUTS_FOR_CLUSTERING}. Research data: only members with research consent.",
    columns=(
        *WORKOUTS.pick("workout_key"),
        replace(MEMBER_KEY, comment="Member who logged the workout"),
        Column("workout_date", DATE, "Date of the workout", nullable=False),
        Column("activity_type", STRING, "Activity the member picked in the app, e.g. run, walk", nullable=False),
        Column(
            "pace_min_per_km",
            DOUBLE,
            "Average pace, min/km: duration over distance, or the export's without a duration; NULL without a distance",
        ),
        Column("distance_km", DOUBLE, "Distance, km"),
        Column("duration_seconds", INT, "Duration, seconds; NULL when none was recorded"),
        Column(
            "workout_class",
            STRING,
            f"real_run (pace up to {RUN_SLOWEST_PACE} min/km), mixed (run with walking breaks), walk (from "
            f"{WALK_FASTEST_PACE} min/km), or outlier (no distance, pace outside {PLAUSIBLE_PACE[0]}-"
            f"{PLAUSIBLE_PACE[1]} min/km, or far from the member's other workouts); not_on_foot for an activity "
            "that is not (a bike ride, a weight workout), which is not judged by its pace",
            nullable=False,
        ),
        Column(
            "method",
            STRING,
            f"kmeans (clustered with the member's workouts) or rules (named by its own pace: fewer than "
            f"{MIN_WORKOUTS_FOR_CLUSTERING} plausible workouts, or no plausible pace; or by its activity type, "
            "not on foot)",
            nullable=False,
        ),
        Column("cluster_pace_min_per_km", DOUBLE, "Pace of the workout's k-means centroid, min/km; NULL for rules"),
        Column(
            "centroid_distance",
            DOUBLE,
            "Distance from the workout's centroid (in a cluster too small to be a habit, from the nearest habit's), "
            "in standard deviations of the member's log features; NULL for rules",
        ),
    ),
    keys=("workout_key",),
    expectations=(
        in_set("workout_class", WORKOUT_CLASSES),
        in_set("method", METHODS),
        between("centroid_distance", 0, 1000),
        rule(
            "clustered_exactly_when_kmeans",
            "(method = 'kmeans') = (cluster_pace_min_per_km IS NOT NULL AND centroid_distance IS NOT NULL)",
        ),
    ),
    foreign_keys=(references("workout_key", "silver.workouts"), references("member_key", "silver.members")),
)


def name_by_pace(pace: np.ndarray) -> np.ndarray:
    """The class of a workout, or of a cluster, with this pace (min/km); NaN (no pace) is an outlier."""
    low, high = PLAUSIBLE_PACE
    return np.select(
        [pace < low, pace <= RUN_SLOWEST_PACE, pace < WALK_FASTEST_PACE, pace <= high],
        ["outlier", "real_run", "mixed", "walk"],
        "outlier",
    )


def clusters_for(workouts: int) -> int:
    return min(max(workouts // WORKOUTS_PER_CLUSTER, MIN_CLUSTERS), MAX_CLUSTERS)


def _distance_from_habit(z: np.ndarray, labels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Each workout's distance from its centroid; for one in a cluster too small to be a habit (k-means gives
    a workout that fits nowhere a cluster of its own), from the nearest habit's centroid instead."""
    habit = np.bincount(labels, minlength=len(centers)) >= MIN_HABIT_WORKOUTS
    own = np.linalg.norm(z - centers[labels], axis=1)
    if not habit.any():
        return own
    nearest_habit = np.linalg.norm(z[:, None, :] - centers[habit][None, :, :], axis=2).min(axis=1)
    return np.where(habit[labels], own, nearest_habit)


@cache
def _threadpools():
    """The process's thread pools (OpenMP's for k-means), found once: looking them up costs ~1.5 ms a call."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _kmeans(z: np.ndarray, k: int):
    # Imported here: every `fitlake` command imports the gold modules, and scikit-learn takes ~0.8 s.
    from sklearn.cluster import KMeans

    # One thread: a member's workouts are a few dozen points, and OpenMP threads spinning for work on a busy
    # machine made the fits several times slower (168 members: 0.5 s on one thread, 2.5-7 s on two).
    with _threadpools().limit(limits=1, user_api="openmp"):
        return KMeans(n_clusters=k, random_state=RANDOM_STATE, n_init=N_INIT).fit(z)


def classify_member(workouts: pd.DataFrame) -> pd.DataFrame:
    """One member's workouts (the transform's feature columns) with their class, method and cluster."""
    w = workouts.sort_values("workout_key", ignore_index=True)
    pace = w["pace_min_per_km"].to_numpy(dtype=float, na_value=np.nan)
    distance = w["distance_km"].to_numpy(dtype=float, na_value=np.nan)
    on_foot = w["on_foot"].to_numpy(dtype=bool)
    low, high = PLAUSIBLE_PACE
    plausible = (pace >= low) & (pace <= high) & (distance > 0) & on_foot
    # Without a distance, the pace the export states cannot be checked either.
    named = np.where(distance > 0, name_by_pace(pace), "outlier").astype(object)
    named[~on_foot] = "not_on_foot"
    method = np.full(len(w), "rules", dtype=object)
    cluster_pace, far = np.full(len(w), np.nan), np.full(len(w), np.nan)
    if plausible.sum() >= MIN_WORKOUTS_FOR_CLUSTERING:
        x = np.log(
            np.column_stack([pace, distance, w["duration_seconds"].to_numpy(dtype=float, na_value=np.nan)])[plausible]
        )
        mean, sd = x.mean(axis=0), x.std(axis=0)
        sd[sd == 0] = 1.0  # a feature every workout shares says nothing (as scikit-learn's StandardScaler)
        z = (x - mean) / sd
        km = _kmeans(z, min(clusters_for(len(z)), len(np.unique(z, axis=0))))
        centroid_pace = np.exp(km.cluster_centers_[:, 0] * sd[0] + mean[0])
        far[plausible] = _distance_from_habit(z, km.labels_, km.cluster_centers_)
        named[plausible] = np.where(
            far[plausible] > OUTLIER_DISTANCE, "outlier", name_by_pace(centroid_pace)[km.labels_]
        )
        method[plausible] = "kmeans"
        cluster_pace[plausible] = centroid_pace[km.labels_]
    classes = {"workout_class": named, "method": method}
    return w.assign(**classes, cluster_pace_min_per_km=cluster_pace, centroid_distance=far)[CONTRACT.column_names]


def transform(workouts: DataFrame) -> DataFrame:
    distance, seconds = F.col("distance_km"), F.col("duration_seconds")
    # The pace the workout's own time and distance give, before the one the app exported. Where the export's pace is
    # sane the two are one (all 234 workouts of the 2021 Android export, 696 of 705 of the 2017 one, within 5%), but an
    # iPhone account's 2014-2017 export has 171 of 524 at about 0.6 of it (median 3:22 min/km, by a runner whose other
    # runs take 5:36), and three 2013 runs of the 2017 export state 7,183 to 19,556 min/km. By the exported pace, 53 of
    # those real runs were outliers, faster than anyone keeps on foot (bench/RESULTS.md, MapMyRun classification).
    elapsed_pace = F.when(distance > 0, F.round(seconds / 60 / distance, 3))
    features = workouts.select(
        "workout_key",
        "member_key",
        "workout_date",
        "activity_type",
        F.coalesce(elapsed_pace, F.col("avg_pace_min_per_km")).alias("pace_min_per_km"),
        "distance_km",
        "duration_seconds",
        "on_foot",
    )
    return features.groupBy("member_key").applyInPandas(classify_member, CONTRACT.spark_schema)
