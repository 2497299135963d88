"""`fitlake import fitbit DIR`: a Fitabase (Fitbit research) export folder into the landing folder, each file once.

A file is placed by its header, never by its name (people rename downloads): it belongs to the Bronze source
whose declared fields include every column of the header, the device `Id` and the source's time column among
them. Every file is placed before any is landed, so a folder with a file nobody can place lands nothing. Notes
beside the data (README.md, a PDF of the study's codebook) are skipped and said so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from bronze import (
    fitbit_daily_raw,
    fitbit_heartrate_seconds_raw,
    fitbit_hourly_raw,
    fitbit_minute_sleep_raw,
    fitbit_minutes_wide_raw,
    fitbit_sleep_daily_raw,
    wearables_raw,
)
from bronze._raw import source_fields
from fitlake.csv_records import header_names
from fitlake.errors import UsageError
from fitlake.landing_import import Landed, land_once

DOCUMENTATION = (".md", ".txt", ".pdf", ".html")


@dataclass(frozen=True)
class Layout:
    """A kind of Fitabase file: the Bronze source that reads it and the columns its header must have."""

    name: str
    module: ModuleType
    time_columns: tuple[str, ...]  # one of them is the file's time column
    expected: str  # the header, as a user reads it in an error

    @property
    def fields(self) -> set[str]:
        return set(source_fields(self.module.CONTRACT).values())

    def takes(self, header: list[str]) -> bool:
        columns = set(header)
        measures = columns - {"Id", *self.time_columns}
        return (
            len(columns) == len(header)
            and "Id" in columns
            and any(t in columns for t in self.time_columns)
            and bool(measures)
            and columns <= self.fields
        )


LAYOUTS = (
    Layout("Narrow minutes", wearables_raw, ("ActivityMinute",), "Id, ActivityMinute, Steps|Intensity|Calories|METs"),
    Layout(
        "Wide minutes",
        fitbit_minutes_wide_raw,
        ("ActivityHour",),
        "Id, ActivityHour, Steps00..Steps59 (or Intensity, Calories, METs)",
    ),
    Layout("heart rate", fitbit_heartrate_seconds_raw, ("Time",), "Id, Time, Value"),
    Layout("sleep minutes", fitbit_minute_sleep_raw, ("date",), "Id, date, value, logId"),
    Layout(
        "hourly totals", fitbit_hourly_raw, ("ActivityHour",), "Id, ActivityHour, StepTotal|TotalIntensity|Calories"
    ),
    Layout("daily totals", fitbit_daily_raw, ("ActivityDate", "ActivityDay"), "Id, ActivityDate, TotalSteps, ..."),
    Layout("daily sleep", fitbit_sleep_daily_raw, ("SleepDay",), "Id, SleepDay, TotalMinutesAsleep, ..."),
)
EXPECTED = "; ".join(f"{layout.name} ({layout.expected})" for layout in LAYOUTS)


class UnknownFitbitFile(UsageError):
    """A file of the folder is no Fitabase export FitLake reads: nothing is landed."""


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        return header_names(f.readline().rstrip("\r\n"))


def layout_of(path: Path) -> Layout:
    """The layout whose source takes this file's header; UnknownFitbitFile names the file and what was expected."""
    header = _header(path) if path.suffix.lower() == ".csv" else []
    found = [layout for layout in LAYOUTS if layout.takes(header)]
    if len(found) != 1:
        shown = ",".join(header[:6]) + (",..." if len(header) > 6 else "") if header else "no CSV header"
        raise UnknownFitbitFile(f"{path}: {shown} is no Fitbit export FitLake reads; expected a CSV of: {EXPECTED}")
    return found[0]


def plan(directory: Path) -> tuple[list[tuple[Path, Layout]], list[Path]]:
    """Each file of the folder with its layout, and the notes skipped; refuses the folder if one file has none."""
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder: pass the folder of the Fitabase export")
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    notes = [p for p in files if p.suffix.lower() in DOCUMENTATION]
    placed = [(p, layout_of(p)) for p in files if p not in notes]
    if not placed:
        raise UsageError(f"{directory} holds no file to import; expected CSV files of: {EXPECTED}")
    return placed, notes


def import_fitbit(directory: Path, landing: Path, say: Callable[[str], None] = print) -> list[Landed]:
    """Land every file of a Fitabase export folder in its source's landing folder, once (fitlake.landing_import)."""
    placed, notes = plan(directory)
    for note in notes:
        say(f"skipped {note.name}: notes, not data")
    landed = []
    for path, layout in placed:
        done = land_once(path, landing, layout.module.SOURCE.folder, path.stem)
        where = done.path.relative_to(landing)
        say(f"{'landed' if done.new else 'already imported'} {path.name} ({layout.name}): landing/{where}")
        landed.append(done)
    return landed
