"""Locations and members of a multi-site gym, with the latent engagement that drives visits and churn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from faker import Faker


@dataclass(frozen=True)
class Location:
    location_id: str
    name: str
    timezone: str


LOCATIONS = (
    Location("BKN", "Brooklyn Heights", "America/New_York"),
    Location("CHI", "Chicago Loop", "America/Chicago"),
    Location("SFO", "SoMa San Francisco", "America/Los_Angeles"),
    Location("DEN", "Denver Highlands", "America/Denver"),
    Location("LDN", "London Shoreditch", "Europe/London"),
)

# Monthly list prices in USD; annual billing is cheaper per month.
PLAN_FEES = {"basic": 39.00, "plus": 59.00, "elite": 89.00}
PLAN_SHARES = (0.55, 0.30, 0.15)
ANNUAL_DISCOUNT = 0.85
ANNUAL_SHARE = 0.25

# Joins per day relative to the member base, by month: the January rush and the summer dip.
JOIN_SEASON = (2.6, 1.5, 1.2, 1.0, 0.9, 0.7, 0.6, 0.7, 1.3, 1.0, 0.9, 0.6)
BASE_JOIN_RATE = 0.0012
# Members' engagement fades over this many days before they cancel.
DISENGAGE_DAYS = 60


@dataclass
class Member:
    member_id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    home_location: Location
    plan: str
    billing_period: str
    monthly_fee: float
    join_date: date
    visits_per_week: float
    monthly_churn: float
    cancel_date: date

    def is_member_on(self, day: date) -> bool:
        return self.join_date <= day < self.cancel_date


@dataclass(frozen=True)
class MemberArrays:
    """The members' latent state as arrays (days as ordinals), for drawing a day's events at once."""

    join: np.ndarray
    cancel: np.ndarray
    visits_per_week: np.ndarray

    @classmethod
    def of(cls, members: list[Member]) -> MemberArrays:
        return cls(
            np.array([m.join_date.toordinal() for m in members]),
            np.array([m.cancel_date.toordinal() for m in members]),
            np.array([m.visits_per_week for m in members]),
        )

    def active(self, day: date) -> np.ndarray:
        d = day.toordinal()
        return np.flatnonzero((self.join <= d) & (d < self.cancel))

    def engagement(self, day: date, idx: np.ndarray) -> np.ndarray:
        """Share of usual visits still made on `day`: 1 until members start drifting towards cancelling."""
        return np.clip((self.cancel[idx] - day.toordinal()) / DISENGAGE_DAYS, 0.15, 1.0)


def _cancel_date(rng: np.random.Generator, since: date, monthly_churn: float) -> date:
    """Remaining tenure from `since`, geometric in months with the member's monthly churn probability.

    The geometric law is memoryless, so a member already on the books at the start of the period has
    the same remaining-tenure law as one who joins that day. The date may fall after the period:
    such a member is still active when the export ends.
    """
    months = rng.geometric(monthly_churn)
    return since + timedelta(days=max(1, int((months - rng.random()) * 30.4)))


def make_members(
    rng: np.random.Generator,
    faker: Faker,
    initial: int,
    start: date,
    days: int,
    locations: tuple[Location, ...],
) -> list[Member]:
    """Members on the books at `start`, then everyone who joins during the period."""
    join_dates: list[date] = []
    # The initial base joined over the previous three years; those who already left are not in it.
    while len(join_dates) < initial:
        join = start - timedelta(days=int(rng.integers(1, 3 * 365)))
        join_dates.append(join)
    for offset in range(days):
        day = start + timedelta(days=offset)
        joins = rng.poisson(initial * BASE_JOIN_RATE * JOIN_SEASON[day.month - 1])
        join_dates.extend([day] * joins)

    members: list[Member] = []
    for index, join in enumerate(join_dates):
        visits = float(np.clip(rng.lognormal(mean=0.7, sigma=0.55), 0.3, 7.0))
        # Engaged members stay longer: churn falls from ~6%/month at 0.5 visits/week to ~1.5% at 5.
        churn = float(np.clip(0.075 / (1 + visits) + rng.normal(0, 0.004), 0.008, 0.2))
        cancel = _cancel_date(rng, max(join, start), churn)
        plan = str(rng.choice(list(PLAN_FEES), p=PLAN_SHARES))
        billing = "annual" if rng.random() < ANNUAL_SHARE else "monthly"
        fee = round(PLAN_FEES[plan] * (ANNUAL_DISCOUNT if billing == "annual" else 1.0), 2)
        first, last = faker.first_name(), faker.last_name()
        members.append(
            Member(
                member_id=f"M{index + 1:06d}",
                first_name=first,
                last_name=last,
                email=f"{first}.{last}{index % 97}@{faker.free_email_domain()}".lower(),
                phone=faker.phone_number(),
                home_location=locations[int(rng.integers(len(locations)))],
                plan=plan,
                billing_period=billing,
                monthly_fee=fee,
                join_date=join,
                visits_per_week=visits,
                monthly_churn=churn,
                cancel_date=cancel,
            )
        )
    return members
