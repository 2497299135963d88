"""Daily check-ins: who visits, when and where, drawn with numpy one day at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from data_gen.population import Location, Member, MemberArrays

# Visits by weekday (Monday first) and by month, relative to a member's usual rate.
WEEKDAY_FACTOR = np.array([1.25, 1.15, 1.10, 1.05, 0.85, 0.90, 0.70])
MONTH_FACTOR = np.array([1.30, 1.15, 1.05, 1.00, 0.95, 0.80, 0.75, 0.80, 1.00, 1.00, 0.95, 0.85])
# Hour of day at the site: 6-8am and 5-7pm rush, a lunch bump, quiet otherwise (5am-10pm open).
HOUR_WEIGHTS = np.array([0, 0, 0, 0, 0, 2, 14, 16, 8, 4, 3, 4, 7, 5, 3, 3, 5, 15, 16, 9, 5, 3, 1, 0], dtype=float)
HOUR_WEIGHTS /= HOUR_WEIGHTS.sum()
AWAY_SHARE = 0.12  # visits at a location other than the member's home location
APP_SHARE = 0.35


@dataclass(frozen=True)
class Checkin:
    member: Member
    location: Location
    local_time: str
    channel: str


def day_checkins(
    rng: np.random.Generator,
    day: date,
    members: list[Member],
    arrays: MemberArrays,
    locations: tuple[Location, ...],
) -> list[Checkin]:
    active = arrays.active(day)
    rate = arrays.visits_per_week[active] / 7 * arrays.engagement(day, active)
    rate *= WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month - 1]
    visiting = active[rng.random(len(active)) < np.minimum(rate, 0.95)]
    n = len(visiting)
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS)
    minutes, seconds = rng.integers(0, 60, size=n), rng.integers(0, 60, size=n)
    away = rng.random(n) < AWAY_SHARE
    away_pick = rng.integers(0, len(locations), size=n)
    app = rng.random(n) < APP_SHARE
    visits = []
    for i, idx in enumerate(visiting):
        member = members[idx]
        location = locations[away_pick[i]] if away[i] else member.home_location
        stamp = f"{day.isoformat()} {hours[i]:02d}:{minutes[i]:02d}:{seconds[i]:02d}"
        visits.append(Checkin(member, location, stamp, "app" if app[i] else "front_desk"))
    visits.sort(key=lambda c: (c.local_time, c.member.member_id))
    return visits
