"""Every source system's daily export, in the order the generator writes them.

Each module turns one day of behaviour (`day.Day`) into `Records` per source; `render` writes them.
Each source draws its defects from a random stream named after it, so adding a source or changing one
source's defects leaves the bytes of every other source as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data_gen.day import Day
from data_gen.exports import digital, gym, shop, studio, survey
from data_gen.render import Export, Records


@dataclass(frozen=True)
class Source:
    export: Export
    records: Callable[[Day], Records]


SOURCES = (
    Source(studio.LOCATIONS, studio.locations),
    Source(studio.INSTRUCTORS, studio.instructors),
    Source(shop.PRODUCTS, shop.products),
    Source(studio.MEMBERS, studio.members),
    Source(studio.LINKED_ACCOUNTS, studio.linked_accounts),
    Source(studio.CLASS_SCHEDULE, studio.class_schedule),
    Source(studio.ATTENDANCE, studio.attendance),
    Source(studio.CHECKINS, studio.checkins),
    Source(studio.CANCELLATIONS, studio.cancellations),
    Source(survey.CLASS_FEEDBACK, survey.class_feedback),
    Source(shop.RETAIL, shop.retail),
    Source(gym.FACILITY_USAGE, gym.facility_usage),
    Source(gym.EQUIPMENT_SESSIONS, gym.equipment_sessions),
    Source(digital.APP_EVENTS, digital.app_events),
    Source(digital.WEARABLES, digital.wearables),
    Source(digital.WORKOUTS, digital.workouts),
)
