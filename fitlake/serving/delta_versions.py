"""The current Delta version of a local table, read from its log on every request for two file stats.

Opening the table with delta-rs to ask its version costs milliseconds (it reads the log and checkpoint); a cache
that asks on every request must cost microseconds. A Delta commit is the file `_delta_log/<version:020>.json`,
written once and never changed (Delta's atomic put-if-absent), so: the version is the newest commit file; it stays
current while the next one does not exist. The log is listed again only when it moved on, or when the commit we
knew is gone or is another file (a table deleted and built again, which can reach the same version number): so a
version is told by its number and its commit file's identity, never by the number alone.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import NamedTuple

from fitlake.delta_tables import LOG_FOLDER, commit_files
from fitlake.errors import UsageError


class TableVersion(NamedTuple):
    version: int
    # The commit file's identity (inode, mtime in ns): a table built again at the same version number differs here.
    commit: tuple[int, int]


class TableNotBuilt(UsageError):
    """A query reads a table that has no Delta log yet (`fitlake run` has not built it)."""


def _commit_file(table: Path, version: int) -> Path:
    return table / LOG_FOLDER / f"{version:020d}.json"


def _identity(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_ino, stat.st_mtime_ns


class DeltaVersions:
    """The current version of each table under `tables_root` (`<home>/<catalog>`), named `schema.table`."""

    def __init__(self, tables_root: Path) -> None:
        self.tables_root = tables_root
        self._known: dict[str, TableVersion] = {}
        self._lock = threading.Lock()

    def path(self, table: str) -> Path:
        schema, name = table.split(".")
        return self.tables_root / schema / name

    def current(self, table: str) -> TableVersion:
        known = self._known.get(table)
        if known is not None and self._still_current(table, known):
            return known
        with self._lock:
            found = self._newest(table)
            self._known[table] = found
        return found

    def _still_current(self, table: str, known: TableVersion) -> bool:
        path = self.path(table)
        try:
            same = _identity(os.stat(_commit_file(path, known.version))) == known.commit
        except FileNotFoundError:
            return False
        return same and not _commit_file(path, known.version + 1).exists()

    def _newest(self, table: str) -> TableVersion:
        commits = commit_files(self.path(table))  # newest first; none where the table has no log
        if not commits:
            raise TableNotBuilt(f"{table} has not been built in {self.tables_root}: run `fitlake run` first")
        return TableVersion(int(commits[0].stem), _identity(os.stat(commits[0])))
