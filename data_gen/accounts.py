"""Accounts members link to the studio: their Fitbit (whose id the wearable minute files carry) and their MapMyRun
account (whose id a MapMyRun export's file name carries).

Every device owner's Fitbit is linked from the day they joined, and so is the MapMyRun account of every member who
logs workouts. A few devices change hands: when their owner leaves, the studio unlinks the device that day, and a
member without a device of their own (a partner, a friend who took it over) links it days or weeks later.

Drawn for the whole population at once from a stream of its own, so a day's export needs no earlier day and the
other sources' draws are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_gen.population import NEVER, Members

PROVIDERS = ("fitbit", "mapmyrun")
HANDED_ON_SHARE = 0.25  # of the devices whose owner leaves
HANDED_ON_AFTER_DAYS = (3, 45)  # the next wearer links it this many days after it was unlinked
MAPMYRUN_IDS = (100_000_000, 1_000_000_000)  # MapMyRun user ids are 9-digit numbers


@dataclass(frozen=True)
class Links:
    """One row per link of an account to a member."""

    member: np.ndarray  # index into Members
    provider: np.ndarray  # index into PROVIDERS
    account: np.ndarray  # the provider's account id
    linked: np.ndarray  # day ordinal
    unlinked: np.ndarray  # day ordinal, NEVER while linked

    def __len__(self) -> int:
        return len(self.member)


def linked_accounts(seed: int, members: Members) -> Links:
    rng = np.random.default_rng([seed, *b"linked_accounts"])
    owners = np.flatnonzero(members.wearable_id > 0)
    runners = np.flatnonzero(members.runs_per_week > 0)
    low, high = MAPMYRUN_IDS
    mapmyrun_ids = low + rng.choice(high - low, size=len(runners), replace=False)

    # A handed-on device goes to a member without one who is on the books the day it is linked again; a receiver
    # takes one device at most. A draw that finds nobody suitable leaves the device with its owner.
    without_device = np.flatnonzero(members.wearable_id == 0)
    handed_on = owners[rng.random(len(owners)) < HANDED_ON_SHARE] if len(without_device) else owners[:0]
    relinked = members.cancel[handed_on] + rng.integers(*HANDED_ON_AFTER_DAYS, len(handed_on))
    receiver = rng.choice(without_device, len(handed_on)) if len(handed_on) else handed_on
    fits = (members.join[receiver] <= relinked) & (relinked < members.cancel[receiver])
    first = np.zeros(len(handed_on), dtype=bool)
    first[np.unique(receiver, return_index=True)[1]] = True
    moved = fits & first
    unlinked = np.full(len(members), NEVER)
    unlinked[handed_on[moved]] = members.cancel[handed_on[moved]]

    rows = len(owners), len(runners), int(moved.sum())
    return Links(
        member=np.concatenate([owners, runners, receiver[moved]]),
        provider=np.repeat([0, 1, 0], rows),
        account=np.concatenate(
            [members.wearable_id[owners], mapmyrun_ids, members.wearable_id[handed_on[moved]]]
        ).astype(np.int64),
        linked=np.concatenate([members.join[owners], members.join[runners], relinked[moved]]),
        unlinked=np.concatenate([unlinked[owners], np.full(len(runners), NEVER), np.full(int(moved.sum()), NEVER)]),
    )
