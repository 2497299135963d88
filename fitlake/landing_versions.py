"""What changed in a source's landing files since the ledger last saw them: new files, files appended to or
rewritten, files only touched, files that cannot be read, and files too fresh to read yet. Pure Python over the
file system and the ledger's rows; fitlake.ingest acts on it (its docstring has the rule).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyspark.sql import Row

from fitlake.landing import LandingSource
from fitlake.landing_files import FileFacts, inspect_file
from ops.ingested_files import INGESTED

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """An instant in microseconds since the epoch (what Delta stores); a naive datetime is local time, as PySpark
    returns timestamps."""
    return (at.astimezone(UTC) - EPOCH) // MICROSECOND


@dataclass(frozen=True)
class FileStat:
    size: int
    modified_us: int

    @classmethod
    def of(cls, path: Path) -> FileStat:
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns // 1000)

    @property
    def modified_at(self) -> datetime:
        return EPOCH + self.modified_us * MICROSECOND


def stat_now(path: Path) -> FileStat | None:
    """The file's stat, or None when it is gone (moved away or deleted while the run read it)."""
    try:
        return FileStat.of(path)
    except FileNotFoundError:
        return None


def latest_versions(rows: list[Row]) -> dict[str, Row]:
    """Each file's latest ledger row."""
    latest: dict[str, Row] = {}
    for row in sorted(rows, key=lambda r: micros(r.ingested_at)):
        latest[row.source_file] = row
    return latest


def is_unchanged(version: Row, stat: FileStat) -> bool:
    return version.size_bytes == stat.size and micros(version.modified_at) == stat.modified_us


def prefix_to_check(version: Row | None, stat: FileStat) -> int | None:
    """The bytes whose hash tells an append from a rewrite: the ingested version's, when the file grew."""
    if version is not None and version.status == INGESTED and stat.size > version.size_bytes:
        return version.size_bytes
    return None


@dataclass(frozen=True)
class Change:
    kind: str  # new, appended, rewritten, same (touched only) or rejected
    from_line: int = 1


def change(version: Row | None, facts: FileFacts) -> Change:
    """How a file that looks changed (or is new) is taken; see the module docstring for the rule."""
    if version is not None and facts.sha256 == version.sha256 and facts.size == version.size_bytes:
        return Change("same")
    if facts.problem:
        return Change("rejected")
    if version is None:
        return Change("new")
    appended = (
        version.status == INGESTED
        and facts.prefix_sha256 == version.sha256
        and facts.prefix_ends_line
        and facts.size > version.size_bytes
    )
    return Change("appended", version.last_line + 1) if appended else Change("rewritten")


@dataclass(frozen=True)
class Survey:
    """What a run finds in a source's landing files, against the ledger; files are read in name order."""

    files: list[str]
    stats: dict[str, FileStat]
    young: list[str]  # changed too recently: perhaps still being written
    facts: dict[str, FileFacts]  # every file that looked changed and was read
    changes: dict[str, Change]

    def of_kind(self, *kinds: str) -> list[str]:
        return sorted(f for f, c in self.changes.items() if c.kind in kinds)

    def summary(self) -> str:
        counts = [(len(self.of_kind(k)), label) for k, label in CHANGE_LABELS]
        return f"{len(self.of_kind('new'))} new of {len(self.files)} landing files" + "".join(
            f", {n} {label}" for n, label in counts if n
        )


CHANGE_LABELS = (("appended", "appended to"), ("rewritten", "rewritten"), ("rejected", "rejected"))
READ = ("new", "appended", "rewritten")


def survey(landing: Path, source: LandingSource, known: dict[str, Row], settle_seconds: float) -> Survey:
    """Compare each of the source's files with its latest version, by size and time, then by content."""
    files = source.files(landing)
    now = datetime.now(UTC)
    stats = {f: FileStat.of(landing / f) for f in files}
    looks_changed = [f for f in files if f not in known or not is_unchanged(known[f], stats[f])]
    settle = timedelta(seconds=settle_seconds)
    young = [f for f in looks_changed if settle and now - stats[f].modified_at < settle]
    facts = {
        f: inspect_file(landing / f, source.format, prefix_to_check(known.get(f), stats[f]))
        for f in looks_changed
        if f not in young
    }
    return Survey(files, stats, young, facts, {f: change(known.get(f), facts[f]) for f in facts})


def seconds_to_settle(paths: list[Path], settle_seconds: float) -> float:
    """How long until the most recently changed of `paths` has been left alone for `settle_seconds` (0 when it
    has; at most `settle_seconds`, whatever a clock ahead of ours stamped on a file)."""
    newest = max((os.stat(p).st_mtime for p in paths), default=0.0)
    return min(max(newest + settle_seconds - datetime.now(UTC).timestamp(), 0.0), settle_seconds)
