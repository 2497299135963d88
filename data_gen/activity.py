"""One day inside the gyms: door check-ins, class bookings, wellness rooms, connected machines, the shop.

Everything is drawn with numpy for the whole day at once. Seconds are local to the site and counted
from the day's midnight; a negative value is the day before (a class booked in advance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from data_gen.calendar import HOUR_WEIGHTS, season
from data_gen.population import Members
from data_gen.world import CLASS_TYPES, PRODUCTS, World

AWAY_SHARE = 0.12  # visits at a location other than the member's home location
APP_CHECKIN_SHARE = 0.35
NON_VISITOR_BOOKINGS = 0.2  # bookings by members who will not come, per booking by one who will
LATE_CANCEL_SHARE = 0.35  # of those, the ones who cancel late rather than not show up

STATUSES = ("attended", "no_show", "late_cancel", "waitlist")
MACHINES = (  # type, code, cardio?
    ("treadmill", "TRD", True),
    ("rower", "ROW", True),
    ("bike", "BIK", True),
    ("elliptical", "ELL", True),
    ("chest_press", "CHP", False),
    ("leg_press", "LGP", False),
    ("lat_pulldown", "LAT", False),
)
FACILITY_MINUTES = {"sauna": 15, "pool": 35, "steam_room": 12}
PAYMENT_METHODS = ("card", "member_account", "cash", "apple_pay")


@dataclass(frozen=True)
class Sessions:
    """The day's classes, from the weekly timetable."""

    location: np.ndarray  # index into world.locations
    start_minute: np.ndarray
    class_type: np.ndarray  # index into CLASS_TYPES
    instructor: np.ndarray  # index into world.instructors
    capacity: np.ndarray
    pull: np.ndarray  # class type popularity times instructor popularity

    def __len__(self) -> int:
        return len(self.location)


def day_sessions(world: World, day: date) -> Sessions:
    loc_index = {loc.location_id: i for i, loc in enumerate(world.locations)}
    instructor_index = {ins.instructor_id: i for i, ins in enumerate(world.instructors)}
    slots = sorted(
        (s for s in world.timetable if s.weekday == day.weekday()),
        key=lambda s: (loc_index[s.location_id], s.start_minute),
    )
    return Sessions(
        location=np.array([loc_index[s.location_id] for s in slots], dtype=np.int64),
        start_minute=np.array([s.start_minute for s in slots], dtype=np.int64),
        class_type=np.array([CLASS_TYPES.index(s.class_type) for s in slots], dtype=np.int64),
        instructor=np.array([instructor_index[s.instructor.instructor_id] for s in slots], dtype=np.int64),
        capacity=np.array([s.class_type.capacity for s in slots], dtype=np.int64),
        pull=np.array([s.class_type.popularity * s.instructor.popularity for s in slots]),
    )


@dataclass(frozen=True)
class Visits:
    member: np.ndarray
    location: np.ndarray
    second: np.ndarray  # check-in time
    by_app: np.ndarray

    def __len__(self) -> int:
        return len(self.member)


@dataclass(frozen=True)
class Bookings:
    member: np.ndarray
    session: np.ndarray  # index into the day's Sessions
    status: np.ndarray  # index into STATUSES
    booked_second: np.ndarray
    status_second: np.ndarray


@dataclass(frozen=True)
class FacilityVisits:
    member: np.ndarray
    location: np.ndarray
    facility: np.ndarray  # str
    second: np.ndarray
    minutes: np.ndarray


@dataclass(frozen=True)
class MachineSessions:
    member: np.ndarray
    location: np.ndarray
    machine: np.ndarray  # index into MACHINES
    unit: np.ndarray  # which of the site's machines of that type
    second: np.ndarray
    duration_seconds: np.ndarray
    reps: np.ndarray  # 0 on cardio machines
    distance_m: np.ndarray  # 0 on strength machines
    kcal: np.ndarray


@dataclass(frozen=True)
class Sales:
    receipt: np.ndarray  # receipt number within the day
    line: np.ndarray
    member: np.ndarray  # -1 for walk-in customers
    location: np.ndarray
    second: np.ndarray
    product: np.ndarray  # index into PRODUCTS
    quantity: np.ndarray  # negative on a refund line
    payment: np.ndarray  # index into PAYMENT_METHODS
    refund_of: np.ndarray  # receipt number refunded, -1 on a sale


@dataclass(frozen=True)
class GymDay:
    sessions: Sessions
    visits: Visits
    bookings: Bookings
    facility: FacilityVisits
    machines: MachineSessions
    sales: Sales


def _visits(rng: np.random.Generator, members: Members, day: date, n_locations: int) -> Visits:
    d = day.toordinal()
    active = members.active(d)
    rate = members.visits_per_week[active] / 7 * members.engagement(d, active) * season(day)
    member = active[rng.random(len(active)) < np.minimum(rate, 0.95)]
    n = len(member)
    second = rng.choice(24, size=n, p=HOUR_WEIGHTS) * 3600 + rng.integers(0, 3600, n)
    away = rng.random(n) < AWAY_SHARE
    location = np.where(away, rng.integers(0, n_locations, n), members.home[member])
    by_app = rng.random(n) < APP_CHECKIN_SHARE
    order = np.lexsort((member, second))
    return Visits(member[order], location[order], second[order], by_app[order])


def _bookings(rng: np.random.Generator, members: Members, day: date, sessions: Sessions, visits: Visits) -> Bookings:
    """Visitors take the next class starting within 45 minutes of arriving, if it tempts them; members
    who will not come book too. Bookings beyond capacity, in booking order, go to the waitlist."""
    session = np.full(len(visits), -1)
    minute = visits.second // 60
    for loc in np.unique(sessions.location):
        here = np.flatnonzero(sessions.location == loc)
        who = np.flatnonzero(visits.location == loc)
        nxt = np.searchsorted(sessions.start_minute[here], minute[who])
        ok = nxt < len(here)
        cand = np.where(ok, here[np.minimum(nxt, len(here) - 1)], -1)
        ok &= (sessions.start_minute[np.maximum(cand, 0)] - minute[who]) <= 45
        session[who[ok]] = cand[ok]
    tempted = rng.random(len(visits)) < members.class_affinity[visits.member] * np.clip(
        sessions.pull[np.maximum(session, 0)] / 1.2, 0.3, 1.0
    )
    comers = np.flatnonzero((session >= 0) & tempted)
    b_member, b_session, comes = [visits.member[comers]], [session[comers]], [np.ones(len(comers), dtype=bool)]

    d = day.toordinal()
    active = members.active(d)
    stay_away = np.setdiff1d(active, visits.member, assume_unique=False)
    expected = np.bincount(session[comers], minlength=len(sessions)) * NON_VISITOR_BOOKINGS
    wanted = rng.poisson(expected)
    for loc in np.unique(sessions.location):
        pool = stay_away[members.home[stay_away] == loc]
        here = np.flatnonzero(sessions.location == loc)
        k = min(int(wanted[here].sum()), len(pool))
        if not k:
            continue
        # Members drifting towards cancelling are the ones who book and then do not come.
        weight = members.class_affinity[pool] * (1.6 - members.engagement(d, pool))
        chosen = rng.choice(pool, size=k, replace=False, p=weight / weight.sum())
        b_member.append(chosen)
        b_session.append(np.repeat(here, wanted[here])[:k])
        comes.append(np.zeros(k, dtype=bool))
    member, sess, comes = np.concatenate(b_member), np.concatenate(b_session), np.concatenate(comes)
    start = sessions.start_minute[sess] * 60
    booked = start - (rng.exponential(20 * 3600, len(member)) + 600).astype(np.int64)
    # Confirmed places go in booking order; later bookings wait.
    order = np.lexsort((member, booked, sess))
    member, sess, comes, start, booked = member[order], sess[order], comes[order], start[order], booked[order]
    first_of_session = np.r_[0, np.flatnonzero(np.diff(sess)) + 1]
    rank = np.arange(len(sess)) - np.repeat(first_of_session, np.diff(np.r_[first_of_session, len(sess)]))
    waitlisted = rank >= sessions.capacity[sess]
    late = rng.random(len(member)) < LATE_CANCEL_SHARE
    status = np.select([waitlisted, comes, late], [3, 0, 2], default=1)
    minutes = np.array([c.minutes for c in CLASS_TYPES])[sessions.class_type[sess]]
    status_second = np.select(
        [status == 0, status == 1, status == 2],
        [
            start - rng.integers(60, 600, len(member)),  # checked in to the class
            start + minutes * 60,  # marked absent when the class ends
            np.maximum(booked + 60, start - rng.integers(600, 12 * 3600, len(member))),
        ],
        default=booked,  # put on the waitlist when booking
    )
    return Bookings(member, sess, status, booked, status_second)


def _facility(rng: np.random.Generator, world: World, visits: Visits) -> FacilityVisits:
    offered = [loc.facilities for loc in world.locations]
    uses = np.flatnonzero(rng.random(len(visits)) < 0.18)
    pick = rng.integers(0, 3, len(uses))
    facility = np.array(
        [offered[loc][p % len(offered[loc])] for loc, p in zip(visits.location[uses], pick, strict=True)], dtype=object
    )
    typical = np.array([FACILITY_MINUTES[f] for f in facility], dtype=float)
    minutes = np.clip(rng.lognormal(np.log(np.maximum(typical, 1)), 0.35), 3, 120).astype(np.int64)
    second = visits.second[uses] + rng.integers(10, 80, len(uses)) * 60
    return FacilityVisits(visits.member[uses], visits.location[uses], facility, second, minutes)


def _machines(rng: np.random.Generator, visits: Visits) -> MachineSessions:
    users = np.flatnonzero(rng.random(len(visits)) < 0.4)
    per_visit = rng.integers(1, 3, len(users))
    who = np.repeat(users, per_visit)
    n = len(who)
    machine = rng.integers(0, len(MACHINES), n)
    cardio = np.array([m[2] for m in MACHINES])[machine]
    duration = np.where(cardio, rng.integers(10 * 60, 40 * 60, n), rng.integers(3 * 60, 10 * 60, n))
    # Machines of one visit follow each other, with a short break between.
    offset = np.cumsum(duration + 120) - (duration + 120)
    first = np.r_[0, np.cumsum(per_visit)[:-1]]
    offset = offset - np.repeat(offset[first], per_visit)
    speed_mps = np.where(machine == 0, rng.normal(2.6, 0.5, n), rng.normal(3.5, 0.8, n))
    distance = np.where(cardio, np.clip(speed_mps, 0.8, 6) * duration, 0).astype(np.int64)
    reps = np.where(cardio, 0, rng.integers(2, 6, n) * rng.integers(8, 13, n))
    kcal = np.round(np.where(cardio, duration / 60 * rng.normal(10, 2, n), reps * rng.normal(0.45, 0.1, n)), 1)
    return MachineSessions(
        member=visits.member[who],
        location=visits.location[who],
        machine=machine,
        unit=rng.integers(1, 9, n),
        second=visits.second[who] + 5 * 60 + offset,
        duration_seconds=duration,
        reps=reps,
        distance_m=distance,
        kcal=np.maximum(kcal, 1.0),
    )


def _sales(rng: np.random.Generator, members: Members, visits: Visits, n_locations: int) -> Sales:
    buyers = np.flatnonzero(rng.random(len(visits)) < members.retail_propensity[visits.member])
    walk_ins = rng.poisson(len(visits) * 0.04)
    member = np.r_[visits.member[buyers], np.full(walk_ins, -1)]
    location = np.r_[visits.location[buyers], rng.integers(0, n_locations, walk_ins)]
    second = np.r_[
        visits.second[buyers] + rng.integers(30, 100, len(buyers)) * 60, rng.integers(6 * 3600, 21 * 3600, walk_ins)
    ]
    order = np.lexsort((member, second))
    member, location, second = member[order], location[order], second[order]
    lines = rng.choice([1, 2, 3], p=[0.75, 0.2, 0.05], size=len(member))
    receipt = np.repeat(np.arange(len(member)), lines)
    line = np.arange(len(receipt)) - np.repeat(np.r_[0, np.cumsum(lines)[:-1]], lines) + 1
    pull = np.array([p.popularity for p in PRODUCTS])
    product = rng.choice(len(PRODUCTS), size=len(receipt), p=pull / pull.sum())
    quantity = np.where(rng.random(len(receipt)) < 0.08, 2, 1)
    payment = np.repeat(rng.choice(len(PAYMENT_METHODS), size=len(member), p=[0.55, 0.25, 0.05, 0.15]), lines)
    # A few lines come back the same day: a refund is a new receipt with a negative quantity.
    back = np.flatnonzero(rng.random(len(receipt)) < 0.015)
    refund_receipt = len(member) + np.arange(len(back))
    return Sales(
        receipt=np.r_[receipt, refund_receipt],
        line=np.r_[line, np.ones(len(back), dtype=np.int64)],
        member=np.r_[member[receipt], member[receipt[back]]],
        location=np.r_[location[receipt], location[receipt[back]]],
        second=np.r_[second[receipt], second[receipt[back]] + rng.integers(10, 120, len(back)) * 60],
        product=np.r_[product, product[back]],
        quantity=np.r_[quantity, -quantity[back]],
        payment=np.r_[payment, payment[back]],
        refund_of=np.r_[np.full(len(receipt), -1), receipt[back]],
    )


def gym_day(rng: np.random.Generator, world: World, members: Members, day: date) -> GymDay:
    sessions = day_sessions(world, day)
    visits = _visits(rng, members, day, len(world.locations))
    return GymDay(
        sessions=sessions,
        visits=visits,
        bookings=_bookings(rng, members, day, sessions, visits),
        facility=_facility(rng, world, visits),
        machines=_machines(rng, visits),
        sales=_sales(rng, members, visits, len(world.locations)),
    )
