"""Hand-built Gold tables for the serving tests, written with delta-rs in a temporary catalog folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from deltalake import write_deltalake

MONDAY = dt.date(2025, 3, 3)
LEADERBOARD_SCHEMA = pa.schema(
    [("week_start", pa.date32()), ("location_id", pa.string()), ("instructor_id", pa.string()),
     ("attendance", pa.int64()), ("classes", pa.int64()), ("rank", pa.int32())]
)  # fmt: skip


def leaderboard_rows(*ranked: tuple[str, str, int, int], week: dt.date = MONDAY) -> list[dict]:
    """(location, instructor, attendance, rank) -> rows of gold.instructor_leaderboard."""
    return [
        {"week_start": week, "location_id": loc, "instructor_id": who, "attendance": n, "classes": 1, "rank": rank}
        for loc, who, n, rank in ranked
    ]


def write_leaderboard(tables_root: Path, rows: list[dict]) -> Path:
    """Overwrite gold.instructor_leaderboard with `rows` (a new Delta version each time)."""
    path = tables_root / "gold" / "instructor_leaderboard"
    write_deltalake(str(path), pa.Table.from_pylist(rows, schema=LEADERBOARD_SCHEMA), mode="overwrite")
    return path


ATTENDANCE_SCHEMA = pa.schema(
    [("booking_id", pa.string()), ("session_id", pa.string()), ("member_key", pa.string()),
     ("location_id", pa.string()), ("instructor_id", pa.string()), ("class_type", pa.string()),
     ("class_date", pa.date32()), ("class_starts_at", pa.timestamp("us", tz="UTC")), ("class_hour", pa.int32())]
)  # fmt: skip


def write_attendance(tables_root: Path, days: list[dt.date], class_types: tuple[str, ...]) -> Path:
    """gold.fact_class_attendance partitioned by class_date as Gold is: on each day, one booking of each class type
    at BKN (the first type's repeated once more, so it ranks first)."""
    rows = [
        {"booking_id": f"b-{day}-{i}-{n}", "session_id": f"s-{day}-{kind}", "member_key": f"m{n}", "location_id": "BKN",
         "instructor_id": "I0001", "class_type": kind, "class_date": day,
         "class_starts_at": dt.datetime(day.year, day.month, day.day, 7, tzinfo=dt.UTC), "class_hour": 7}
        for day in days for i, kind in enumerate(class_types) for n in range(2 if i == 0 else 1)
    ]  # fmt: skip
    path = tables_root / "gold" / "fact_class_attendance"
    table = pa.Table.from_pylist(rows, schema=ATTENDANCE_SCHEMA)
    write_deltalake(str(path), table, mode="overwrite", partition_by=["class_date"])
    return path
