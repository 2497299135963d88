"""Write a gym's raw exports into `<out>/landing/`, and the truth behind them into `<out>/_truth/`.

Same seed, same bytes: every random draw comes from a stream seeded by the seed and what it is for
(the population, one day's behaviour, one source's defects on one day), and nothing depends on the
clock or on the order days are written in. So days can be written in parallel, and `--day` writes one
day's batch with exactly the bytes a backfill writes for it. The pipeline never reads `_truth/`.

A file can land late: its folder is the day it covers, but it only appears in the batch of the day it
arrives. A backfill writes every file that has arrived by the end of the period.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from faker import Faker

from data_gen.day import draw_day
from data_gen.defects import MAX_DELAY_DAYS, DefectLog, DefectRates
from data_gen.exports import SOURCES, Source
from data_gen.population import NEVER, Members, make_members
from data_gen.render import render
from data_gen.text import csv_lines, to_bytes
from data_gen.world import World, make_world

DEFAULT_START = date(2025, 1, 1)


@dataclass(frozen=True)
class Scale:
    members: int
    locations: int
    days: int
    # Members whose device shares minute-level data: a research panel, as in the public Fitbit data set
    # (33 people). Every device minute is a row, so this is a small number at every scale.
    wearable_panel: int
    defects: DefectRates = field(default_factory=DefectRates)
    # Make every kind of defect happen at the start, so small tests see them all: every file that can be late
    # is late on the first day, and each source's first export with records has every kind it can have.
    every_defect_at_start: bool = False


SCALES = {
    "tiny": Scale(
        members=60, locations=3, days=14, wearable_panel=2, defects=DefectRates.all(0.03), every_defect_at_start=True
    ),
    "small": Scale(members=2_000, locations=4, days=365, wearable_panel=2),
    "medium": Scale(members=20_000, locations=5, days=730, wearable_panel=4),
    "large": Scale(members=200_000, locations=5, days=730, wearable_panel=10),
}


@dataclass(frozen=True)
class GenerateSummary:
    out: Path
    days: int
    files: int
    members: int
    records: dict[str, int]
    defects: dict[str, dict[str, int]]
    seconds: float

    @property
    def events(self) -> int:
        return sum(self.records.values())


@dataclass(frozen=True)
class Plan:
    """What one run writes: the population and period, and which files of which days."""

    seed: int
    scale: str
    start: date
    days: int
    landing: Path
    world: World
    members: Members
    panel: np.ndarray
    _counts: dict[tuple[str, date], int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def spec(self) -> Scale:
        return SCALES[self.scale]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days)

    def arrival(self, source: Source, day: date) -> date:
        """The day a source's file for `day` lands: the day itself, or up to MAX_DELAY_DAYS later."""
        if "late_file" not in source.export.defects.files:
            return day
        rng = np.random.default_rng([self.seed, day.toordinal(), *f"late/{source.export.source}".encode()])
        forced = self.spec.every_defect_at_start and day == self.start
        late = rng.random() < self.spec.defects.late_file
        return day + timedelta(days=int(rng.integers(1, MAX_DELAY_DAYS + 1))) if forced or late else day

    def forces_defects(self, source: Source, day: date, records: int) -> bool:
        """Whether `day`'s export of `source`, holding `records`, gets every kind of defect the source can have:
        with `every_defect_at_start`, the source's first export with records. That is the first day's but for a
        source with none that day (a survey of the classes of the day and the two before it, say)."""
        if not (self.spec.every_defect_at_start and records):
            return False
        earlier = (self.start + timedelta(days=k) for k in range((day - self.start).days))
        return not any(self._records(source, d) for d in earlier)

    def _records(self, source: Source, day: date) -> int:
        """How many records `source` exports on an earlier `day`, drawn again: a `--day` run has not drawn it."""
        key = (source.export.source, day)
        if key not in self._counts:
            self._counts[key] = len(
                source.records(draw_day(self.seed, day, self.start, self.world, self.members, self.panel))
            )
        return self._counts[key]

    def exported_on(self, source: Source, day: date) -> bool:
        return day == self.start if source.export.reference else True

    def path(self, source: Source, day: date) -> str:
        return f"{source.export.source}/{day.isoformat()}/part-00000.{source.export.extension}"


def _plan(seed: int, scale: str, start: date, days: int, landing: Path) -> Plan:
    spec = SCALES[scale]
    rng = np.random.default_rng([seed, *b"population"])
    faker = Faker("en_US")
    faker.seed_instance(seed)
    world = make_world(rng, faker, spec.locations)
    sites = [loc.location_id for loc in world.locations]
    uk = sites.index("LDN") if "LDN" in sites else None
    members = make_members(rng, faker, spec.members, start, days, spec.locations, uk)
    # The panel shares its devices' minutes for research: members who gave research consent, at joining or
    # later (before it, and after a withdrawal, their minutes are withheld by the pipeline). Drawn among all
    # device owners instead, small's two panel members had never consented and Silver had no minute at all.
    panel = np.flatnonzero((members.wearable_id > 0) & (members.research_from < NEVER))[: spec.wearable_panel]
    return Plan(seed, scale, start, days, landing, world, members, panel)


@dataclass(frozen=True)
class DayResult:
    files: int
    records: dict[str, int]
    defects: list[dict]


_PLAN: Plan | None = None  # the period being written; each worker process is given it once (_share)


def _share(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan


def _write_day(job: tuple[date, tuple[int, ...]]) -> DayResult:
    """Draw one day and write the files of `sources` (indexes into SOURCES) it covers."""
    day, wanted = job
    plan = _PLAN
    drawn = draw_day(plan.seed, day, plan.start, plan.world, plan.members, plan.panel)
    log = DefectLog()
    records: dict[str, int] = {}
    for i in wanted:
        source = SOURCES[i]
        name = source.export.source
        rows = source.records(drawn)
        at_least = int(plan.forces_defects(source, day, len(rows)))
        file = plan.path(source, day)
        rng = np.random.default_rng([plan.seed, day.toordinal(), *f"render/{name}".encode()])
        arrives = plan.arrival(source, day)
        if arrives != day:
            log.add(name, "late_file", file, None, None, arrives=arrives.isoformat())
        _write(plan.landing / file, render(source.export, rows, rng, plan.spec.defects, log, file, at_least))
        if rows.truth is not None:
            header, lines = csv_lines(rows.truth)
            _write(plan.landing.parent / "_truth" / name / f"{day.isoformat()}.csv", to_bytes(lines, header))
        records[name] = len(rows)
    return DayResult(len(wanted), records, log.found)


def _jobs(plan: Plan, only_day: date | None) -> Iterator[tuple[date, tuple[int, ...]]]:
    """(day covered, sources) for every file this run writes, in day order."""
    if only_day is None:
        covered = [plan.start + timedelta(days=i) for i in range(plan.days)]
    else:
        covered = [only_day - timedelta(days=k) for k in range(MAX_DELAY_DAYS, -1, -1)]
        covered = [d for d in covered if plan.start <= d < plan.end]

    def lands(arrival: date) -> bool:  # in this run: by the end of the period, or on the one day
        return arrival < plan.end if only_day is None else arrival == only_day

    for day in covered:
        wanted = tuple(i for i, s in enumerate(SOURCES) if plan.exported_on(s, day) and lands(plan.arrival(s, day)))
        if wanted:
            yield day, wanted


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def generate(
    out: Path,
    scale: str = "small",
    seed: int = 7,
    start: date = DEFAULT_START,
    days: int | None = None,
    day: date | None = None,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> GenerateSummary:
    """Write the period's exports (a backfill), or with `day` only the files that land on that day."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    started = time.perf_counter()
    days = days or SCALES[scale].days
    if day is not None and not start <= day < start + timedelta(days=days):
        raise ValueError(f"--day {day} is outside the period {start} .. {start + timedelta(days=days - 1)}")
    report = out / "_truth" / "defects.json"
    period = {"seed": seed, "scale": scale, "start": start.isoformat(), "days": days}
    earlier = json.loads(report.read_text()) if report.exists() else None
    if earlier is not None and {k: earlier.get(k) for k in period} != period:
        raise ValueError(
            f"{out} holds another data set ({', '.join(f'{k}={earlier.get(k)}' for k in period)}); "
            "write into an empty folder, or generate with the same settings"
        )
    plan = _plan(seed, scale, start, days, out / "landing")
    _share(plan)
    jobs = list(_jobs(plan, day))
    files, records, found = 0, Counter(), []
    for n, result in enumerate(_run(plan, jobs, workers), start=1):
        files += result.files
        records.update(result.records)
        found += result.defects
        if progress and n % 30 == 0:
            progress(f"{n}/{len(jobs)} days, {sum(records.values()):,} records")
    files_written = {plan.path(SOURCES[i], d) for d, w in jobs for i in w}
    _write_truth(out / "_truth", plan, period, found, earlier, files_written)
    return GenerateSummary(
        out=out,
        days=len(jobs),
        files=files,
        members=len(plan.members),
        records=dict(sorted(records.items())),
        defects=_counts(found),
        seconds=round(time.perf_counter() - started, 2),
    )


def _run(plan: Plan, jobs: list, workers: int) -> Iterator[DayResult]:
    if workers <= 1 or len(jobs) < 2:
        yield from map(_write_day, jobs)
        return
    # Not fork: a process with threads (an engine's, gRPC's) forked can crash or hang in the child, and the generator
    # is called from such processes (tests, notebooks). A forkserver starts clean; each worker gets the plan once.
    # Results come back in day order either way.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_share, initargs=(plan,)) as pool:
        yield from pool.map(_write_day, jobs, chunksize=4)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _counts(defects: list[dict]) -> dict[str, dict[str, int]]:
    """Defects per source and kind."""
    counts: dict[str, Counter] = {}
    for d in defects:
        counts.setdefault(d["source"], Counter())[d["kind"]] += 1
    return {s: dict(sorted(c.items())) for s, c in sorted(counts.items())}


def _write_truth(
    truth: Path, plan: Plan, period: dict, found: list[dict], earlier: dict | None, files: set[str]
) -> None:
    truth.mkdir(parents=True, exist_ok=True)
    m, end = plan.members, plan.end.toordinal()
    with (truth / "members.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["member_id", "join_date", "churn_date", "visits_per_week", "monthly_churn_probability"])
        for i in range(len(m)):
            churn = date.fromordinal(int(m.cancel[i])).isoformat() if m.cancel[i] < min(end, NEVER) else ""
            joined = date.fromordinal(int(m.join[i])).isoformat()
            writer.writerow([m.member_id[i], joined, churn, f"{m.visits_per_week[i]:.4f}", f"{m.monthly_churn[i]:.4f}"])
    # A day's batch adds its defects to those of the batches before it; a backfill replaces them all.
    kept = [d for d in earlier["defects"] if d["file"] not in files] if earlier else []
    defects = sorted(kept + found, key=lambda d: (d["file"], d["line"] or 0, d["kind"]))
    report = {
        **period,
        "rates": asdict(plan.spec.defects),
        "counts": _counts(defects),
        "defects": defects,
    }
    _write(truth / "defects.json", (json.dumps(report, indent=1) + "\n").encode())
