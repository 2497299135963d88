"""Members of a multi-site gym as arrays, with the latent engagement that drives their visits and churn.

One row per member, days as ordinals. A member's whole story (join, plan change, freeze, consents,
cancellation) is drawn up front, so any single day can be generated on its own and agree with the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from faker import Faker

from data_gen.calendar import JOIN_SEASON

PLANS = ("basic", "plus", "elite")
# Monthly list prices in USD; annual billing is cheaper per month.
PLAN_FEES = np.array([39.00, 59.00, 89.00])
PLAN_SHARES = (0.55, 0.30, 0.15)
BILLING_PERIODS = ("monthly", "annual")
ANNUAL_DISCOUNT = 0.85
ANNUAL_SHARE = 0.25

BASE_JOIN_RATE = 0.0012  # joins per day relative to the initial member base, before seasonality
DISENGAGE_DAYS = 60  # engagement fades over this many days before a member cancels
NEVER = date.max.toordinal()

CANCEL_REASONS = ("not_using", "cost", "moving", "injury_or_health", "switching_gym", "schedule", "other")
WEARABLE_SHARE = 0.3
RUNNER_SHARE = 0.15
APP_SHARE = 0.7


@dataclass(frozen=True)
class Members:
    member_id: np.ndarray  # str
    first_name: np.ndarray
    last_name: np.ndarray
    email: np.ndarray
    phone: np.ndarray
    home: np.ndarray  # index into the world's locations
    plan: np.ndarray  # index into PLANS, before any plan change
    billing: np.ndarray  # index into BILLING_PERIODS
    join: np.ndarray
    cancel: np.ndarray  # NEVER-like far future when the member stays past the period
    visits_per_week: np.ndarray
    monthly_churn: np.ndarray  # the true monthly cancellation probability
    class_affinity: np.ndarray  # chance that a visit includes a class
    retail_propensity: np.ndarray  # chance that a visit includes a purchase
    app_events_per_day: np.ndarray  # 0 for members without the app
    wearable_id: np.ndarray  # Fitbit user id, 0 without a device
    runs_per_week: np.ndarray  # 0 for members who do not log outdoor workouts
    change_day: np.ndarray  # plan change (upgrade or downgrade), NEVER if none
    new_plan: np.ndarray
    freeze_start: np.ndarray
    freeze_end: np.ndarray
    marketing_consent: np.ndarray  # bool, given (or not) at join
    research_from: np.ndarray  # research consent granted on this day, NEVER if not
    research_until: np.ndarray  # ...and withdrawn on this day, NEVER if kept
    cancel_requested: np.ndarray  # the day the member asked to cancel
    cancel_reason: np.ndarray  # index into CANCEL_REASONS

    def __len__(self) -> int:
        return len(self.join)

    def active(self, d: int) -> np.ndarray:
        """Members on the books and not frozen on day ordinal `d`."""
        on_books = (self.join <= d) & (d < self.cancel)
        frozen = (self.freeze_start <= d) & (d < self.freeze_end)
        return np.flatnonzero(on_books & ~frozen)

    def engagement(self, d: int, idx: np.ndarray) -> np.ndarray:
        """Share of usual activity still done on day `d`: 1 until a member starts drifting towards leaving."""
        return np.clip((self.cancel[idx] - d) / DISENGAGE_DAYS, 0.15, 1.0)

    def plan_on(self, d: int, idx: np.ndarray) -> np.ndarray:
        return np.where(self.change_day[idx] <= d, self.new_plan[idx], self.plan[idx])

    def monthly_fee_on(self, d: int, idx: np.ndarray) -> np.ndarray:
        discount = np.where(self.billing[idx] == 1, ANNUAL_DISCOUNT, 1.0)
        return np.round(PLAN_FEES[self.plan_on(d, idx)] * discount, 2)

    def research_consent_on(self, d: int, idx: np.ndarray) -> np.ndarray:
        return (self.research_from[idx] <= d) & (d < self.research_until[idx])

    def changed_on(self, d: int) -> np.ndarray:
        """Members whose exported record changes on day `d`."""
        return np.flatnonzero(
            (self.join == d)
            | (self.cancel == d)
            | (self.change_day == d)
            | (self.freeze_start == d)
            | (self.freeze_end == d)
            | (self.research_from == d)
            | (self.research_until == d)
        )


def _name_pools(faker: Faker) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    firsts = np.array(sorted({faker.first_name() for _ in range(800)}))
    lasts = np.array(sorted({faker.last_name() for _ in range(1200)}))
    domains = np.array(sorted({faker.free_email_domain() for _ in range(40)}))
    return firsts, lasts, domains


def _phones(rng: np.random.Generator, uk: np.ndarray) -> np.ndarray:
    n = len(uk)
    area, exchange, line = rng.integers(201, 990, n), rng.integers(200, 1000, n), rng.integers(0, 10000, n)
    style = rng.integers(0, 3, n)
    us = [
        (f"({a}) {e}-{x:04d}", f"{a}-{e}-{x:04d}", f"+1 {a} {e} {x:04d}")[s]
        for a, e, x, s in zip(area, exchange, line, style, strict=True)
    ]
    return np.array(
        [
            f"+44 20 79{e % 100:02d} {x:04d}" if is_uk else p
            for p, e, x, is_uk in zip(us, exchange, line, uk, strict=True)
        ]
    )


def _day_in(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform day in [low, high) per member (low where the range is empty)."""
    span = np.maximum(high - low, 1)
    return low + (rng.random(len(low)) * span).astype(np.int64)


def make_members(
    rng: np.random.Generator, faker: Faker, initial: int, start: date, days: int, n_locations: int, uk_site: int | None
) -> Members:
    """Members on the books at `start`, then everyone who joins during the period."""
    first, end = start.toordinal(), start.toordinal() + days
    # The initial base joined over the previous three years; those who had already left are not in it.
    joins = [first - rng.integers(1, 3 * 365, size=initial)]
    for offset in range(days):
        month = (start + timedelta(days=offset)).month
        joins.append(np.full(rng.poisson(initial * BASE_JOIN_RATE * JOIN_SEASON[month - 1]), first + offset))
    join = np.concatenate(joins).astype(np.int64)
    n = len(join)

    visits = np.clip(rng.lognormal(mean=0.7, sigma=0.55, size=n), 0.3, 7.0)
    # Engaged members stay longer: churn falls from ~6%/month at 0.5 visits/week to ~1.5% at 5.
    churn = np.clip(0.075 / (1 + visits) + rng.normal(0, 0.004, n), 0.008, 0.2)
    # Remaining tenure is geometric in months, which is memoryless: a member already on the books at
    # `start` has the same remaining-tenure law as one who joins that day.
    since = np.maximum(join, first)
    cancel = since + np.maximum(1, ((rng.geometric(churn) - rng.random(n)) * 30.4).astype(np.int64))
    plan = rng.choice(len(PLANS), size=n, p=PLAN_SHARES)
    billing = (rng.random(n) < ANNUAL_SHARE).astype(np.int64)
    home = rng.integers(0, n_locations, n)

    # One plan change for some: engaged members upgrade, the others downgrade, within the plan range.
    member_end = np.minimum(cancel, end)
    change_day = np.where(rng.random(n) < 0.12, _day_in(rng, since + 30, member_end), NEVER)
    upgrade = rng.random(n) < np.clip(visits / 4, 0.2, 0.85)
    new_plan = np.clip(plan + np.where(upgrade, 1, -1), 0, len(PLANS) - 1)
    change_day = np.where((new_plan != plan) & (change_day < member_end), change_day, NEVER)
    freeze_start = np.where(rng.random(n) < 0.06, _day_in(rng, since + 14, member_end - 14), NEVER)
    freeze_start = np.where(freeze_start < member_end - 14, freeze_start, NEVER)
    freeze_end = np.where(freeze_start < NEVER, np.minimum(freeze_start + rng.integers(14, 61, n), member_end), NEVER)

    research_from = np.where(rng.random(n) < 0.4, join, NEVER)
    late_grant = (research_from == NEVER) & (rng.random(n) < 0.08)
    research_from = np.where(late_grant, _day_in(rng, since, member_end), research_from)
    withdraw = (research_from < NEVER) & (rng.random(n) < 0.06)
    research_until = np.where(withdraw, _day_in(rng, np.maximum(research_from, since) + 1, member_end), NEVER)
    research_until = np.where(research_until < member_end, research_until, NEVER)

    wearable = rng.random(n) < WEARABLE_SHARE
    # Members who drift away tell the studio they are not using it; the others give assorted reasons.
    reason_weights = np.array([0.0, 0.22, 0.16, 0.1, 0.14, 0.14, 0.08])
    low_use = rng.random(n) < np.clip(1.2 / (1 + visits), 0.1, 0.8)
    cancel_reason = np.where(
        low_use, 0, rng.choice(len(CANCEL_REASONS), size=n, p=reason_weights / reason_weights.sum())
    )

    firsts, lasts, domains = _name_pools(faker)
    fn, ln = firsts[rng.integers(0, len(firsts), n)], lasts[rng.integers(0, len(lasts), n)]
    suffix, domain = rng.integers(1, 100, n), domains[rng.integers(0, len(domains), n)]
    email = np.array(
        [
            f"{re.sub(r'[^a-z]', '', f.lower())}.{re.sub(r'[^a-z]', '', last.lower())}{s}@{d}"
            for f, last, s, d in zip(fn, ln, suffix, domain, strict=True)
        ]
    )
    return Members(
        member_id=np.array([f"M{i + 1:06d}" for i in range(n)]),
        first_name=fn,
        last_name=ln,
        email=email,
        phone=_phones(rng, home == uk_site if uk_site is not None else np.zeros(n, dtype=bool)),
        home=home,
        plan=plan,
        billing=billing,
        join=join,
        cancel=cancel,
        visits_per_week=visits,
        monthly_churn=churn,
        class_affinity=np.clip(rng.beta(2, 3, n), 0.02, 0.9),
        retail_propensity=np.clip(rng.beta(1.5, 6, n), 0.01, 0.6),
        app_events_per_day=np.where(rng.random(n) < APP_SHARE, rng.gamma(2.0, 0.12, n), 0.0),
        wearable_id=np.where(wearable, 1_500_000_000 + rng.choice(8_000_000_000, size=n, replace=False), 0),
        runs_per_week=np.where(rng.random(n) < RUNNER_SHARE, np.clip(rng.gamma(2.5, 0.8, n), 0.3, 6), 0.0),
        change_day=change_day,
        new_plan=new_plan,
        freeze_start=freeze_start,
        freeze_end=freeze_end,
        marketing_consent=rng.random(n) < 0.6,
        research_from=research_from,
        research_until=research_until,
        cancel_requested=cancel - rng.integers(0, 31, n),
        cancel_reason=cancel_reason,
    )
