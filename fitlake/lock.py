"""One writer per lakehouse: an OS file lock (flock) on `<home>/.fitlake.lock`, held by every command that writes.

Sail does not detect conflicting Delta commits, and two runs at once both ingest every new landing file: the
lock makes the second writer refuse at once (LakehouseBusy, exit 2), naming the holder from what it wrote into
the file (pid, command, since when). Refusing rather than queueing: a scheduler's retry is explicit, where a
run that silently waited would redo the work the first one just did. `--wait SECONDS` waits instead.

The kernel releases a flock when its holder dies, SIGKILL included, so a killed run never leaves the lakehouse
locked; the file itself stays (deleting a locked file lets the next writer lock a new one beside it). On
Databricks the job's `max_concurrent_runs: 1` gives the same guarantee, and this lock is not taken.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from fitlake.errors import LakehouseBusy

LOCK_FILE = ".fitlake.lock"
# A reader clearing a killed run's staging holds the lock for an instant (see `when_no_writer`): a writer that
# finds it taken tries again for this long before it refuses.
_GRACE_SECONDS = 1.0
_POLL_SECONDS = 0.1

# Homes this process holds the lock of (a second flock from the same process would be refused by the kernel).
_held: set[Path] = set()


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder(home: Path) -> str:
    """Who holds the lock, as its holder wrote it: "`fitlake run` (pid 123, since 2026-12-07 04:30:00 UTC)"."""
    try:
        info = json.loads((home / LOCK_FILE).read_text())
        return f"`{info['command']}` (pid {info['pid']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):  # written a moment ago, not yet filled in
        return "another fitlake command"


@contextmanager
def writer_lock(
    home: Path, command: str, wait: float = 0.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold `home`'s writer lock for the block; LakehouseBusy if another process holds it for longer than `wait`
    seconds. `home` must exist; `command` is what a refused process is told is writing (e.g. `fitlake run`)."""
    path = home / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + max(wait, _GRACE_SECONDS)
        told = False
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LakehouseBusy(
                    f"{home} is being written by {holder(home)}: one writer at a time; run again when it has "
                    "finished, or make it wait with `fitlake --wait SECONDS <command>`"
                )
            if wait > _GRACE_SECONDS and not told and on_wait is not None:
                on_wait(f"waiting up to {wait:g}s for {holder(home)} to finish writing {home}")
                told = True
            time.sleep(_POLL_SECONDS)
        since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": command, "since": since}).encode(), 0)
        _held.add(home)
        try:
            yield
        finally:
            _held.discard(home)
    finally:
        os.close(fd)  # releases the lock


def when_no_writer(home: Path, work: Callable[[], None]) -> bool:
    """Do `work` if no process is writing `home`, holding the lock meanwhile so none starts; returns whether it
    was done. For a command that only reads but tidies what a killed writer left (its staging files)."""
    if home in _held:  # this process is the writer
        return False
    try:
        fd = os.open(home / LOCK_FILE, os.O_RDONLY)
    except FileNotFoundError:  # no writer has ever run here
        work()
        return True
    except OSError:  # not ours to open: not ours to tidy either
        return False
    try:
        if not _try_lock(fd):
            return False
        work()
        return True
    finally:
        os.close(fd)
