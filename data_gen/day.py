"""Everything that happens on one day, drawn from the day's own random stream.

A day depends only on the seed, the date and the population, never on the days before it: that is
what lets `--day` write one day's batch with exactly the bytes a backfill writes for it.
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


@dataclass(frozen=True)
class Day:
    seed: int
    day: date
    first_of_period: bool
    world: World
    members: Members
    gym: GymDay
    app: AppEvents
    wear: WearableMinutes
    runs: Workouts

    def rng(self, purpose: str) -> np.random.Generator:
        """A random stream of the day for one purpose, independent of every other stream."""
        return np.random.default_rng([self.seed, self.day.toordinal(), *purpose.encode()])

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


def draw_day(seed: int, day: date, first_of_period: bool, world: World, members: Members, panel: np.ndarray) -> Day:
    rng = np.random.default_rng([seed, day.toordinal(), 0])
    gym = gym_day(rng, world, members, day)
    return Day(
        seed=seed,
        day=day,
        first_of_period=first_of_period,
        world=world,
        members=members,
        gym=gym,
        app=app_events(rng, members, day, gym),
        wear=wearable_minutes(rng, members, panel, day, gym),
        runs=workouts(rng, members, day),
    )
