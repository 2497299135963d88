"""Table facts and commit history read straight from the Delta log with delta-rs: no Spark session needed.

Sail has no DESCRIBE HISTORY or DESCRIBE DETAIL; delta-rs reads the same tables' logs. `fitlake tables` and
`fitlake history` show what this reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fitlake.delta_tables import count_rows, delta_tables_on_disk, open_table, read_table
from fitlake.errors import UsageError
from fitlake.settings import Settings


@dataclass(frozen=True)
class TableInfo:
    name: str
    rows: int
    version: int
    last_write: datetime
    last_operation: str


def _require_local(settings: Settings) -> None:
    if settings.engine == "databricks":
        raise UsageError(
            "tables and history read the local lakehouse folder; on Databricks use "
            "SHOW TABLES and DESCRIBE HISTORY in a SQL warehouse"
        )


def _commit_time(commit: dict) -> datetime:
    return datetime.fromtimestamp(commit["timestamp"] / 1000, tz=UTC)


def table_info(name: str, path: Path) -> TableInfo:
    dt = open_table(name, path)
    last = dt.history(1)[0]
    return TableInfo(name, count_rows(dt), dt.version(), _commit_time(last), last.get("operation", ""))


def list_tables(settings: Settings) -> list[TableInfo]:
    _require_local(settings)
    return [table_info(name, path) for name, path in delta_tables_on_disk(settings.tables_root)]


def resolve_table(settings: Settings, name: str) -> tuple[str, Path]:
    """Accept `schema.table` or `catalog.schema.table`; the table must exist on disk."""
    parts = name.strip("`").split(".")
    if len(parts) == 3 and parts[0] == settings.catalog:
        parts = parts[1:]
    if len(parts) != 2:
        raise UsageError(f"name a table as <schema>.<table> or {settings.catalog}.<schema>.<table>, not {name!r}")
    path = settings.tables_root / parts[0] / parts[1]
    if not (path / "_delta_log").is_dir():
        raise UsageError(f"no table {'.'.join(parts)} in {settings.tables_root}")
    return ".".join(parts), path


def commits(settings: Settings, name: str, limit: int | None = None) -> list[dict]:
    """Commits newest first: version, timestamp, operation, parameters and metrics."""
    _require_local(settings)
    name, path = resolve_table(settings, name)
    return [
        {
            "version": commit.get("version"),
            "timestamp": _commit_time(commit).isoformat(timespec="seconds"),
            "operation": commit.get("operation"),
            "parameters": commit.get("operationParameters", {}),
            "metrics": commit.get("operationMetrics", {}),
        }
        for commit in open_table(name, path).history(limit)
    ]


# The run log's columns `fitlake steps` shows, in its order.
STEP_COLUMNS = (
    "task", "table_name", "started_at", "rows_in", "rows_out", "rows_quarantined", "rows_duplicate", "rows_withheld",
    "seconds", "status", "error",
)  # fmt: skip


def logged_steps(settings: Settings, run_id: str | None = None) -> tuple[str, list[dict]]:
    """The steps ops.run_log holds for one run (the latest when `run_id` is None), in the order they started."""
    _require_local(settings)
    _, path = resolve_table(settings, "ops.run_log")
    log = read_table(open_table("ops.run_log", path), ["run_id", *STEP_COLUMNS]).to_pylist()
    if run_id is None:
        if not log:
            raise UsageError("ops.run_log holds no run yet: run `fitlake run` first")
        run_id = max(log, key=lambda r: r["started_at"])["run_id"]
    steps = sorted((r for r in log if r["run_id"] == run_id), key=lambda r: (r["started_at"], r["table_name"]))
    if not steps:
        raise UsageError(f"ops.run_log holds no run {run_id!r}")
    return run_id, [{c: r[c] for c in STEP_COLUMNS} for r in steps]
