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
