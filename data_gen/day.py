"""Everything that happens on one day, drawn from the day's own random stream.

A day depends only on the seed, the date and the population, never on the days before it: that is
what lets `--day` write one day's batch with exactly the bytes a backfill writes for it. What happens on a
day about earlier days (a survey answered after yesterday's class) draws those days again from their own
streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from data_gen import text
from data_gen.activity import GymDay, gym_day
from data_gen.calendar import utc_offset_seconds
from data_gen.digital import AppEvents, WearableMinutes, Workouts, app_events, wearable_minutes, workouts
from data_gen.population import Members
from data_gen.world import World

LOCAL = "%Y-%m-%d %H:%M:%S"
UTC_ISO = "%Y-%m-%dT%H:%M:%SZ"


def stream(seed: int, day: date, purpose: str) -> np.random.Generator:
    """A random stream of one day for one purpose, independent of every other stream."""
    return np.random.default_rng([seed, day.toordinal(), *purpose.encode()])


def _behaviour(seed: int, day: date) -> np.random.Generator:
    """The stream a day's behaviour is drawn from, the gym's first."""
    return np.random.default_rng([seed, day.toordinal(), 0])


# The gyms of the days just drawn in this process, by (seed, world, population) and day. Days are drawn in
# order, and a day's exports ask for the days before it again (the survey: data_gen/feedback.py), which would
# otherwise be drawn again, the most expensive draw of a day. An entry holds the world and population it was
# drawn for, so their ids cannot be reused while it is kept.
_RECENT_GYMS: dict[tuple, tuple[World, Members, GymDay]] = {}
_KEPT_DAYS = 2  # before the day drawn last


def _keep(seed: int, day: date, world: World, members: Members, gym: GymDay) -> GymDay:
    """Keep the gym of the day just drawn and of the few days before it; forget the rest."""
    population = (seed, id(world), id(members))
    for key in list(_RECENT_GYMS):
        if key[:3] != population or not 0 < (day - key[3]).days <= _KEPT_DAYS:
            del _RECENT_GYMS[key]
    _RECENT_GYMS[(*population, day)] = (world, members, gym)
    return gym


def gym_on(seed: int, day: date, world: World, members: Members) -> GymDay:
    """The gym on `day`, as that day's own draw makes it."""
    kept = _RECENT_GYMS.get((seed, id(world), id(members), day))
    return kept[2] if kept else gym_day(_behaviour(seed, day), world, members, day)


@dataclass(frozen=True)
class Day:
    seed: int
    day: date
    start: date  # the period's first day
    world: World
    members: Members
    gym: GymDay
    app: AppEvents
    wear: WearableMinutes
    runs: Workouts

    def rng(self, purpose: str) -> np.random.Generator:
        return stream(self.seed, self.day, purpose)

    @property
    def first_of_period(self) -> bool:
        return self.day == self.start

    def gym_on(self, day: date) -> GymDay:
        """The gym on another day: the classes and bookings its own exports hold."""
        return self.gym if day == self.day else gym_on(self.seed, day, self.world, self.members)

    @property
    def stamp(self) -> str:
        return f"{self.day:%Y%m%d}"

    def ids(self, prefix: str, n: int, width: int = 6) -> pa.Array:
        return text.join(f"{prefix}{self.stamp}", text.zero_pad(np.arange(1, n + 1), width))

    def location_ids(self, location: np.ndarray) -> np.ndarray:
        return np.array([loc.location_id for loc in self.world.locations])[location]

    def timezones(self, location: np.ndarray) -> np.ndarray:
        return np.array([loc.timezone for loc in self.world.locations])[location]

    def local(self, seconds: np.ndarray, fmt: str = LOCAL) -> pa.Array:
        return text.timestamps(self.day, seconds, fmt)

    def utc(self, seconds: np.ndarray, location: np.ndarray, fmt: str = UTC_ISO) -> pa.Array:
        """Local seconds at each record's site, as UTC text."""
        offsets = np.array([utc_offset_seconds(loc.timezone, self.day) for loc in self.world.locations])
        return text.timestamps(self.day, seconds - offsets[location], fmt)


def draw_day(seed: int, day: date, start: date, world: World, members: Members, panel: np.ndarray) -> Day:
    rng = _behaviour(seed, day)
    gym = _keep(seed, day, world, members, gym_day(rng, world, members, day))  # drawn even when kept: rng moves on
    return Day(
        seed=seed,
        day=day,
        start=start,
        world=world,
        members=members,
        gym=gym,
        app=app_events(rng, members, day, gym),
        wear=wearable_minutes(rng, members, panel, day, gym),
        runs=workouts(rng, members, day),
    )
