"""The gym's fixed entities: sites, class types, instructors, the weekly timetable and the retail catalog.

Drawn once per seed, before any day is generated, so every day's exports agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faker import Faker


@dataclass(frozen=True)
class Location:
    location_id: str
    name: str
    timezone: str
    city: str
    facilities: tuple[str, ...]  # wellness rooms a member can book besides the gym floor


LOCATIONS = (
    Location("BKN", "Brooklyn Heights", "America/New_York", "New York", ("sauna", "pool", "steam_room")),
    Location("CHI", "Chicago Loop", "America/Chicago", "Chicago", ("sauna", "pool")),
    Location("SFO", "SoMa San Francisco", "America/Los_Angeles", "San Francisco", ("sauna", "steam_room")),
    Location("DEN", "Denver Highlands", "America/Denver", "Denver", ("sauna",)),
    Location("LDN", "London Shoreditch", "Europe/London", "London", ("sauna", "pool")),
)


@dataclass(frozen=True)
class ClassType:
    name: str
    minutes: int
    capacity: int
    popularity: float  # relative pull of one session of this type


CLASS_TYPES = (
    ClassType("spinning", 45, 24, 1.30),
    ClassType("yoga", 60, 28, 1.10),
    ClassType("stretch", 30, 20, 0.55),
    ClassType("HIIT", 45, 18, 1.20),
    ClassType("pilates", 50, 16, 0.90),
    ClassType("cycling", 60, 22, 0.80),
)

# Start times of the studio timetable (local minutes after midnight): early, lunch and evening blocks.
SLOT_STARTS = (6 * 60, 7 * 60, 9 * 60 + 30, 12 * 60 + 15, 17 * 60 + 30, 18 * 60 + 30, 19 * 60 + 30)


@dataclass(frozen=True)
class Instructor:
    instructor_id: str
    first_name: str
    last_name: str
    location_id: str
    specialties: tuple[str, ...]
    popularity: float  # members follow good instructors: multiplies a session's pull


@dataclass(frozen=True)
class Slot:
    """A weekly timetable entry: every such weekday, this class runs at this time."""

    location_id: str
    weekday: int  # Monday = 0
    start_minute: int
    class_type: ClassType
    instructor: Instructor


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price: float
    popularity: float


PRODUCTS = (
    Product("JB-GRN-16", "Green Machine Smoothie 16oz", "juice_bar", 8.50, 1.6),
    Product("JB-BRY-16", "Berry Blast Smoothie 16oz", "juice_bar", 8.50, 1.4),
    Product("JB-PB-16", "Peanut Butter Protein Shake 16oz", "juice_bar", 9.25, 1.5),
    Product("JB-COLD-12", "Cold Brew 12oz", "juice_bar", 4.75, 1.2),
    Product("JB-WATER", "Sparkling Water 500ml", "juice_bar", 2.50, 1.3),
    Product("SUP-WHEY-2", "Whey Protein 2 LB", "supplements", 39.99, 0.45),
    Product("SUP-WHEY-5", "Whey Protein 5 LB", "supplements", 74.99, 0.2),
    Product("SUP-CREA-300", "Creatine Monohydrate 300g", "supplements", 24.99, 0.3),
    Product("SUP-BCAA-30", "BCAA Powder 30 Servings", "supplements", 29.99, 0.2),
    Product("SUP-ELEC-20", "Electrolyte Tabs 20ct", "supplements", 9.99, 0.35),
    Product("SNK-BAR-CHOC", "Protein Bar Chocolate", "snacks", 3.49, 1.0),
    Product("SNK-BAR-PNUT", "Protein Bar Peanut", "snacks", 3.49, 0.8),
    Product("SNK-TRAIL", "Trail Mix 3oz", "snacks", 4.25, 0.5),
    Product("APP-TEE-BLK", "FitLake Tee Black", "apparel", 28.00, 0.08),
    Product("APP-SHAKER", "Shaker Bottle 24oz", "apparel", 12.00, 0.12),
    Product("APP-TOWEL", "Gym Towel", "apparel", 15.00, 0.1),
)


@dataclass(frozen=True)
class World:
    locations: tuple[Location, ...]
    instructors: tuple[Instructor, ...]
    timetable: tuple[Slot, ...]


def make_world(rng: np.random.Generator, faker: Faker, n_locations: int) -> World:
    locations = LOCATIONS[:n_locations]
    instructors: list[Instructor] = []
    timetable: list[Slot] = []
    type_pull = np.array([c.popularity for c in CLASS_TYPES])
    for loc in locations:
        staff = []
        for _ in range(int(rng.integers(5, 9))):
            picks = rng.choice(len(CLASS_TYPES), size=int(rng.integers(2, 4)), replace=False)
            staff.append(
                Instructor(
                    instructor_id=f"I{len(instructors) + 1:04d}",
                    first_name=faker.first_name(),
                    last_name=faker.last_name(),
                    location_id=loc.location_id,
                    specialties=tuple(CLASS_TYPES[i].name for i in sorted(picks)),
                    popularity=float(np.clip(rng.lognormal(0, 0.3), 0.5, 2.0)),
                )
            )
            instructors.append(staff[-1])
        for weekday in range(7):
            # Weekends run a shorter timetable.
            for start in SLOT_STARTS if weekday < 5 else SLOT_STARTS[1:4]:
                if rng.random() < 0.15:
                    continue  # not every slot runs every weekday
                class_type = CLASS_TYPES[int(rng.choice(len(CLASS_TYPES), p=type_pull / type_pull.sum()))]
                qualified = [i for i in staff if class_type.name in i.specialties] or staff
                instructor = qualified[int(rng.integers(len(qualified)))]
                timetable.append(Slot(loc.location_id, weekday, start, class_type, instructor))
    return World(locations, tuple(instructors), tuple(timetable))
