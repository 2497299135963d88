"""One day outside the gyms: app events, wearable minutes and logged outdoor workouts.

Drawn with numpy for the whole day at once; the gym day is an input because a visit shows up in the
app (a booking, a check-in streak) and on the wrist (an hour of high intensity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from data_gen.activity import GymDay
from data_gen.population import Members

APP_EVENTS = ("app_open", "class_browse", "class_booking", "calendar_sync", "goal_set", "goal_progress", "workout_log")
APP_EVENT_WEIGHTS = np.array([0.45, 0.15, 0.08, 0.08, 0.04, 0.12, 0.08])
# App use by local hour: morning scroll, lunch, evening.
APP_HOURS = np.array([1, 0, 0, 0, 0, 1, 4, 6, 5, 4, 3, 4, 6, 4, 3, 3, 4, 5, 6, 7, 8, 7, 5, 3], dtype=float)
APP_HOURS /= APP_HOURS.sum()

WORKOUT_KINDS = ("real_run", "walk", "mixed", "outlier")
# Per kind: distance in miles (low, high), pace in min/mi (mean, sd), heart rate (mean, sd), steps per minute.
WORKOUT_SHAPE = {
    "real_run": ((2.0, 8.0), (9.5, 1.2), (152, 10), 168),
    "walk": ((0.5, 2.5), (20.0, 3.0), (104, 9), 102),
    "mixed": ((1.5, 4.5), (13.5, 1.5), (132, 10), 140),
    "outlier": ((10.0, 40.0), (2.5, 0.6), (118, 15), 120),  # a GPS glitch: a car ride logged as a run
}


@dataclass(frozen=True)
class AppEvents:
    member: np.ndarray
    event: np.ndarray  # index into APP_EVENTS
    local_second: np.ndarray  # member's home-site local time


@dataclass(frozen=True)
class WearableMinutes:
    """Minute rows of the members whose device synced today: `member` repeats once per minute (0-1439)."""

    member: np.ndarray
    minute: np.ndarray
    steps: np.ndarray
    intensity: np.ndarray  # 0 sedentary, 1 light, 2 moderate, 3 very active
    mets: np.ndarray  # METs x 10, as Fitbit exports them
    calories: np.ndarray
    heart_rate: np.ndarray  # 0 where the device was off the wrist
    sleep: np.ndarray  # 0 awake, else 1 asleep, 2 restless, 3 awake in bed


@dataclass(frozen=True)
class Workouts:
    member: np.ndarray
    kind: np.ndarray  # index into WORKOUT_KINDS
    days_before: np.ndarray  # workout date is the submission day minus this
    second: np.ndarray
    distance_mi: np.ndarray
    pace: np.ndarray  # min/mi
    max_pace: np.ndarray
    heart_rate: np.ndarray
    steps: np.ndarray
    kcal: np.ndarray
    labelled_walk: np.ndarray  # the member switched the activity type to Walk


def app_events(rng: np.random.Generator, members: Members, day: date, gym: GymDay) -> AppEvents:
    d = day.toordinal()
    active = members.active(d)
    active = active[members.app_events_per_day[active] > 0]
    visited = np.isin(active, gym.visits.member)
    rate = members.app_events_per_day[active] * members.engagement(d, active) * np.where(visited, 1.6, 1.0)
    count = rng.poisson(rate)
    member = np.repeat(active, count)
    second = rng.choice(24, size=len(member), p=APP_HOURS) * 3600 + rng.integers(0, 3600, len(member))
    event = rng.choice(len(APP_EVENTS), size=len(member), p=APP_EVENT_WEIGHTS)
    order = np.lexsort((member, second))
    return AppEvents(member[order], event[order], second[order])


def wearable_minutes(
    rng: np.random.Generator, members: Members, panel: np.ndarray, day: date, gym: GymDay
) -> WearableMinutes:
    d = day.toordinal()
    on_books = panel[(members.join[panel] <= d) & (d < members.cancel[panel])]
    worn = on_books[rng.random(len(on_books)) < 0.9]  # some days the device stays on the charger
    p = len(worn)
    minute = np.tile(np.arange(1440), p)
    member = np.repeat(worn, 1440)
    m = minute.reshape(p, 1440)
    wake = rng.normal(390, 40, (p, 1)).astype(int)
    bed = rng.normal(1380, 45, (p, 1)).astype(int)
    asleep = (m < wake) | (m >= bed)
    # Awake: mostly still, with walking bouts; a gym visit is an hour of high intensity.
    moving = ~asleep & (rng.random((p, 1440)) < 0.22)
    steps = np.where(moving, rng.poisson(55, (p, 1440)), 0)
    visit_minute = np.full(p, -1000)
    came, where = np.unique(gym.visits.member, return_index=True)
    hit = np.isin(worn, came)
    visit_minute[hit] = gym.visits.second[where[np.searchsorted(came, worn[hit])]] // 60
    training = (m >= visit_minute[:, None] + 5) & (m < visit_minute[:, None] + 65)
    steps = np.where(training, rng.poisson(125, (p, 1440)), steps)
    intensity = np.select([training & (steps > 100), steps >= 100, steps >= 40, steps > 0], [3, 2, 2, 1], 0)
    intensity = np.where(asleep, 0, intensity)
    mets = np.array([10, 30, 50, 80])[intensity] + rng.integers(0, 6, (p, 1440))
    calories = np.round(mets / 10 * 1.25 * rng.normal(1.0, 0.04, (p, 1440)), 4)
    resting = rng.normal(62, 6, (p, 1))
    heart = resting + np.array([0, 18, 40, 70])[intensity] + rng.normal(0, 4, (p, 1440)) - 6 * asleep
    off_wrist = (m >= 1140) & (m < 1140 + rng.integers(20, 60, (p, 1)))  # charging after dinner
    heart = np.where(off_wrist, 0, np.clip(heart, 38, 200).round()).astype(np.int64)
    sleep_state = np.where(asleep, rng.choice([1, 2, 3], p=[0.88, 0.09, 0.03], size=(p, 1440)), 0)
    return WearableMinutes(
        member=member,
        minute=minute,
        steps=np.where(off_wrist, 0, steps).ravel(),
        intensity=intensity.ravel(),
        mets=mets.ravel(),
        calories=calories.ravel(),
        heart_rate=heart.ravel(),
        sleep=sleep_state.ravel(),
    )


def workouts(rng: np.random.Generator, members: Members, day: date) -> Workouts:
    d = day.toordinal()
    active = members.active(d)
    runners = active[members.runs_per_week[active] > 0]
    rate = members.runs_per_week[runners] / 7 * members.engagement(d, runners)
    member = runners[rng.random(len(runners)) < rate]
    n = len(member)
    # Each runner has a dog: how often a logged "run" is really a walk depends on the member.
    walk_share = (member % 7) / 10
    draw = rng.random(n)
    kind = np.select([draw < 0.01, draw < 0.01 + walk_share, draw < 0.09 + walk_share], [3, 1, 2], 0)
    distance, pace, heart, cadence = (np.empty(n) for _ in range(4))
    for k, name in enumerate(WORKOUT_KINDS):
        (lo, hi), (p_mean, p_sd), (h_mean, h_sd), spm = WORKOUT_SHAPE[name]
        at = kind == k
        distance[at] = rng.uniform(lo, hi, at.sum())
        pace[at] = np.clip(rng.normal(p_mean, p_sd, at.sum()), 1.0, 40.0)
        heart[at] = rng.normal(h_mean, h_sd, at.sum())
        cadence[at] = spm
    minutes = distance * pace
    second = rng.choice([6, 7, 8, 12, 17, 18, 19], size=n) * 3600 + rng.integers(0, 3600, n)
    return Workouts(
        member=member,
        kind=kind,
        days_before=(rng.random(n) < 0.2).astype(np.int64),
        second=second,
        distance_mi=np.round(distance, 2),
        pace=pace,
        max_pace=pace * rng.uniform(0.6, 0.85, n),
        heart_rate=np.round(heart).astype(np.int64),
        steps=(minutes * cadence * rng.normal(1, 0.05, n)).astype(np.int64),
        kcal=np.round(distance * np.where(kind == 1, 62, 100) * rng.normal(1, 0.08, n)).astype(np.int64),
        labelled_walk=(kind == 1) & (rng.random(n) < 0.5),
    )
