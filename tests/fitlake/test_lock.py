"""The writer lock between processes: a second writer is refused naming the holder, `wait` waits, and a holder
killed with SIGKILL leaves nothing locked."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitlake.errors import LakehouseBusy
from fitlake.lock import when_no_writer, writer_lock

REPO = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pathlib import Path
from fitlake.lock import writer_lock
with writer_lock(Path(sys.argv[1]), "fitlake run"):
    print("locked", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def holder(tmp_path) -> Iterator[subprocess.Popen]:
    """Another process holding tmp_path's writer lock, as `fitlake run` does, until it is killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.reliability(
    input="a writer SIGKILLed while it holds the lakehouse's lock, then another writer",
    expected="refused while the holder lives, naming it; the lock free the moment it dies",
    observed="LakehouseBusy naming `fitlake run`, its pid and start time; after SIGKILL the next writer locks at once",
)
def test_a_second_writer_is_refused_naming_the_holder_and_a_killed_holder_leaves_no_lock(tmp_path, holder):
    with pytest.raises(LakehouseBusy) as refused, writer_lock(tmp_path, "fitlake task build_silver"):
        pass
    message = str(refused.value)
    assert f"{tmp_path} is being written by `fitlake run` (pid {holder.pid}, since " in message
    assert "--wait SECONDS" in message and "\n" not in message
    _kill(holder)
    with writer_lock(tmp_path, "fitlake run"):  # no wait: the kernel released it with the process
        assert (tmp_path / ".fitlake.lock").stat().st_mode & 0o077 == 0


def test_a_writer_told_to_wait_gets_the_lock_when_the_holder_ends(tmp_path, holder):
    told = []

    def holder_ends(message: str) -> None:  # called once the waiting has begun
        told.append(message)
        _kill(holder)

    with writer_lock(tmp_path, "fitlake run", wait=300, on_wait=holder_ends):
        pass
    assert told and "waiting up to 300s for `fitlake run`" in told[0]


def test_a_reader_tidies_only_when_no_process_is_writing(tmp_path, holder):
    done = []
    assert not when_no_writer(tmp_path, lambda: done.append("while written"))
    _kill(holder)
    assert when_no_writer(tmp_path, lambda: done.append("after"))
    assert done == ["after"]
    # Inside this process's own lock the writer does its own tidying: a reader's must not undo it.
    with writer_lock(tmp_path, "fitlake run"):
        assert not when_no_writer(tmp_path, lambda: done.append("own lock"))
    assert done == ["after"]
