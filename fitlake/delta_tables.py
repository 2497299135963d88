"""The Delta tables of a catalog folder, found on disk and opened with delta-rs, no engine needed.

A table whose log cannot be read (a commit file torn by a full disk or a bad copy, or garbled) is one
TableDamaged naming the table, the file and what to do, instead of the engine's page of Rust frames: every
command that opens the lakehouse reads each table's log first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from deltalake import DeltaTable, QueryBuilder

from fitlake.errors import TableDamaged, first_line

LOG_FOLDER = "_delta_log"


def delta_tables_on_disk(tables_root: Path) -> Iterator[tuple[str, Path]]:
    """Yield (`schema.table`, path) for every Delta table under `<home>/<catalog>/`."""
    if not tables_root.is_dir():
        return
    for log in sorted(tables_root.glob(f"*/*/{LOG_FOLDER}")):
        table_dir = log.parent
        yield f"{table_dir.parent.name}.{table_dir.name}", table_dir


def open_table(name: str, path: Path) -> DeltaTable:
    """The table at `path` read with delta-rs; TableDamaged when its log cannot be read."""
    try:
        return DeltaTable(str(path))
    except Exception as e:  # delta-rs raises a bare DeltaError, its message a Rust backtrace
        raise TableDamaged(damaged_log_message(name, path, e)) from None


def read_table(table: DeltaTable, columns: list[str] | None = None, where: str | None = None) -> pa.Table:
    """The table's rows (`columns` only, when given; those `where` holds, a SQL condition, when given), read by
    delta-rs's own engine, which reads only the partitions a condition on partition columns can match.

    Not `to_pyarrow_table`/`to_pyarrow_dataset().to_table()`: their scan runs Arrow threads that call back into
    Python (delta-rs's file system handler), and one such thread still waking at interpreter exit aborts the
    process ("terminate called without an active exception", exit 134) after the command's output is printed;
    on 2 cores that was 112 of 150 runs of `fitlake steps`.
    """
    projection = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    condition = f" WHERE {where}" if where else ""
    return pa.table(QueryBuilder().register("t", table).execute(f"SELECT {projection} FROM t{condition}").read_all())


def count_rows(table: DeltaTable) -> int:
    """How many rows the table holds (see read_table for why not pyarrow's dataset)."""
    counted = pa.table(QueryBuilder().register("t", table).execute("SELECT count(*) FROM t").read_all())
    return counted.column(0)[0].as_py()


def commit_files(path: Path) -> list[Path]:
    """The table's JSON commits, newest first (a commit file is named by its 20-digit version)."""
    found = [p for p in (path / LOG_FOLDER).glob("*.json") if p.stem.isdigit()]
    return sorted(found, key=lambda p: int(p.stem), reverse=True)


def torn_commit(path: Path) -> tuple[Path, str] | None:
    """The newest commit file that is not JSON lines, and why; None if every one parses."""
    for commit in commit_files(path):
        try:
            lines = commit.read_text().splitlines()
        except (OSError, UnicodeDecodeError) as e:
            return commit, first_line(e)
        for number, line in enumerate(lines, start=1):
            try:
                json.loads(line)
            except ValueError as e:
                return commit, f"line {number}: {first_line(e)}"
    return None


def damaged_log_message(name: str, path: Path, error: BaseException) -> str:
    torn = torn_commit(path)
    if torn is None:
        why = first_line(error)
        return f"{name} cannot be read from its Delta log {path / LOG_FOLDER} ({why}): restore it from a backup"
    commit, why = torn
    newest = commit_files(path)[0] == commit
    fix = (
        f"restore it from a backup, or delete it to take the table back to version {int(commit.stem) - 1}"
        if newest and int(commit.stem) > 0
        else "restore it from a backup"
    )
    return f"{name} cannot be read: its Delta log file {commit} is damaged ({why}); {fix}"
