"""Write a gym's raw exports into `<out>/landing/`, and the truth behind them into `<out>/_truth/`.

Same seed, same bytes: every random draw comes from one seeded numpy generator and one seeded Faker,
in a fixed order, and nothing depends on the clock. The pipeline never reads `_truth/`.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from faker import Faker

from data_gen.checkins import day_checkins
from data_gen.defects import DefectLog, DefectRates
from data_gen.exports import checkin_record, checkins_jsonl, members_csv
from data_gen.population import LOCATIONS, MemberArrays, make_members

DEFAULT_START = date(2025, 1, 1)


@dataclass(frozen=True)
class Scale:
    members: int
    locations: int
    days: int
    defects: DefectRates = field(default_factory=DefectRates)
    # Put at least one defect of every kind in the first day's exports, so small tests see them all.
    every_defect_on_day_one: bool = False


SCALES = {
    "tiny": Scale(members=60, locations=3, days=14, defects=DefectRates(*[0.03] * 6), every_defect_on_day_one=True),
    "small": Scale(members=2000, locations=4, days=365),
}


@dataclass(frozen=True)
class GenerateSummary:
    out: Path
    days: int
    files: int
    members: int
    checkins: int
    defects: dict[str, int]
    seconds: float


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def generate(
    out: Path,
    scale: str = "small",
    seed: int = 7,
    start: date = DEFAULT_START,
    days: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> GenerateSummary:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    started = time.perf_counter()
    spec = SCALES[scale]
    days = days or spec.days
    rng = np.random.default_rng(seed)
    faker = Faker("en_US")
    faker.seed_instance(seed)
    locations = LOCATIONS[: spec.locations]
    members = make_members(rng, faker, spec.members, start, days, locations)
    arrays = MemberArrays.of(members)
    log = DefectLog()
    landing = out / "landing"
    files = checkins = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        # The first export holds every member; later ones hold members who joined or cancelled that day.
        exported = [
            m for m in members if (m.join_date <= day if offset == 0 else m.join_date == day) or m.cancel_date == day
        ]
        at_least = int(spec.every_defect_on_day_one and offset == 0)
        members_file = f"members/{day.isoformat()}/part-00000.csv"
        _write(landing / members_file, members_csv(rng, exported, day, members_file, spec.defects, log, at_least))
        visits = day_checkins(rng, day, members, arrays, locations)
        records = [checkin_record(f"CK{checkins + i + 1:09d}", c) for i, c in enumerate(visits)]
        checkins += len(records)
        checkins_file = f"checkins/{day.isoformat()}/part-00000.json"
        _write(landing / checkins_file, checkins_jsonl(rng, records, checkins_file, spec.defects, log, at_least))
        files += 2
        if progress and (offset + 1) % 30 == 0:
            progress(f"{offset + 1}/{days} days, {checkins:,} check-ins")
    _write_truth(out / "_truth", members, start, days, seed, scale, log)
    return GenerateSummary(
        out, days, files, len(members), checkins, log.counts(), round(time.perf_counter() - started, 2)
    )


def _write_truth(truth: Path, members, start: date, days: int, seed: int, scale: str, log: DefectLog) -> None:
    end = start + timedelta(days=days)
    truth.mkdir(parents=True, exist_ok=True)
    with (truth / "members.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["member_id", "join_date", "churn_date", "visits_per_week", "monthly_churn_probability"])
        for m in members:
            churn = m.cancel_date.isoformat() if m.cancel_date < end else ""
            writer.writerow(
                [
                    m.member_id,
                    m.join_date.isoformat(),
                    churn,
                    f"{m.visits_per_week:.4f}",
                    f"{m.monthly_churn:.4f}",
                ]
            )
    report = {
        "seed": seed,
        "scale": scale,
        "start": start.isoformat(),
        "days": days,
        "rates": asdict(SCALES[scale].defects),
        "counts": log.counts(),
        "defects": log.found,
    }
    _write(truth / "defects.json", json.dumps(report, indent=2) + "\n")
