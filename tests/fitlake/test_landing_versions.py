"""How a landing file that looks changed is taken, on hand-built ledger rows and file facts (no engine)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from pyspark.sql import Row

from fitlake.landing_files import FileFacts
from fitlake.landing_versions import change, seconds_to_settle

AT = datetime(2025, 1, 1, tzinfo=UTC)


def _version(status: str = "ingested", size: int = 100, sha256: str = "old", last_line: int = 4) -> Row:
    return Row(status=status, size_bytes=size, sha256=sha256, last_line=last_line, modified_at=AT, ingested_at=AT)


def _facts(size: int = 150, sha256: str = "new", problem: str | None = None, **prefix) -> FileFacts:
    return FileFacts(size=size, sha256=sha256, problem=problem, lines=6, has_quote=False, **prefix)


def test_a_file_is_new_appended_rewritten_the_same_or_rejected():
    grown = {"prefix_sha256": "old", "prefix_ends_line": True}
    assert change(None, _facts()).kind == "new"
    appended = change(_version(), _facts(**grown))
    assert (appended.kind, appended.from_line) == ("appended", 5)  # numbered on from the version's last line
    # The earlier version ended mid-line, or its bytes changed: the file is read whole again.
    assert change(_version(), _facts(prefix_sha256="old", prefix_ends_line=False)).kind == "rewritten"
    assert change(_version(), _facts(prefix_sha256="other", prefix_ends_line=True)).kind == "rewritten"
    # A rejected version was never read, so a grown file is read whole.
    assert change(_version(status="rejected"), _facts(**grown)).kind == "rewritten"
    assert change(_version(), _facts(size=100, sha256="old")).kind == "same"
    assert change(_version(status="rejected"), _facts(size=100, sha256="old", problem="gzip_content")).kind == "same"
    assert change(_version(), _facts(problem="gzip_content", **grown)).kind == "rejected"


def test_the_wait_for_fresh_files_is_at_most_the_settle_time(tmp_path):
    old, fresh = tmp_path / "old.json", tmp_path / "fresh.json"
    old.write_text("{}\n")
    os.utime(old, (time.time() - 100, time.time() - 100))
    assert seconds_to_settle([old], 5) == 0
    fresh.write_text("{}\n")
    assert 0 < seconds_to_settle([old, fresh], 5) <= 5
    os.utime(fresh, (time.time() + 3600, time.time() + 3600))  # a clock ahead of ours
    assert seconds_to_settle([fresh], 5) == 5
    assert seconds_to_settle([], 5) == 0
