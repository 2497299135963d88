"""Ingestion against a temporary lakehouse: files known by their content (appended to, rewritten, touched, still
being written), files that cannot be read rejected whole, and a run stopped between the ledger and Bronze."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import os
import time

import pytest
from pyspark.sql import functions as F

import bronze.checkins_raw as checkins_raw
import bronze.locations_raw as locations_raw
from fitlake import io, landing_versions
from fitlake.ingest import ingest
from fitlake.lakehouse import Lakehouse
from fitlake.runlog import RunLog
from ops.ingested_files import CONTRACT as LEDGER
from ops.rejected_files import CONTRACT as REJECTED_FILES

DAY1 = "checkins/2025-01-01/part-00000.json"
DAY2 = "checkins/2025-01-02/part-00000.json"


def _write(lh, path: str, records: list[dict] | bytes, mode: str = "w") -> None:
    target = lh.settings.landing / path
    target.parent.mkdir(parents=True, exist_ok=True)
    data = records if isinstance(records, bytes) else "".join(json.dumps(r) + "\n" for r in records).encode()
    with target.open(mode + "b") as f:
        f.write(data)


def _ingest(lh, run_id: str, module=checkins_raw) -> list[str]:
    """Ingest one table as run `run_id`; returns the step's progress lines."""
    lines: list[str] = []
    with RunLog(lh, run_id).step("ingest_bronze", module.CONTRACT.name) as step:
        step.progress = lines.append  # type: ignore[method-assign]
        ingest(lh, module, run_id, step)
    return lines


def _bronze(lh, module=checkins_raw) -> list[tuple]:
    rows = lh.read(module.CONTRACT).select("_source_file", "_line_number", "_batch_id").collect()
    return sorted(tuple(r) for r in rows)


def _ledger(lh) -> list[tuple]:
    columns = ("source_file", "status", "lines", "first_line", "last_line", "batch_id")
    return sorted(tuple(r) for r in lh.read(LEDGER).select(*columns).collect())


def _backdate(lh, path: str, seconds: float = 60) -> None:
    """Give a file a modification time of its own, as a later write would."""
    then = time.time() - seconds
    os.utime(lh.settings.landing / path, (then, then))


@pytest.mark.reliability(
    input="a landing file appended to after it was ingested (two more check-ins at its end)",
    expected="the new lines ingested as a batch of their own, numbered on from the file's earlier lines; the old "
    "ones not read again",
    observed="run-2 reads lines 3-4 only; the ledger holds two versions of the file (lines 1-2 and 3-4)",
)
def test_lines_appended_to_an_ingested_file_are_ingested_numbered_on(lakehouse):
    _write(lakehouse, DAY1, [{"checkin_id": "1"}, {"checkin_id": "2"}])
    _ingest(lakehouse, "run-1")
    _write(lakehouse, DAY1, [{"checkin_id": "3"}, {"checkin_id": "4"}], mode="a")
    progress = _ingest(lakehouse, "run-2")
    assert progress[0] == "0 new of 1 landing files, 1 appended to"
    assert _bronze(lakehouse) == [(DAY1, 1, "run-1"), (DAY1, 2, "run-1"), (DAY1, 3, "run-2"), (DAY1, 4, "run-2")]
    assert _ledger(lakehouse) == [(DAY1, "ingested", 2, 1, 2, "run-1"), (DAY1, "ingested", 2, 3, 4, "run-2")]


@pytest.mark.reliability(
    input="a landing file rewritten after it was ingested (a record changed, one added)",
    expected="read whole again as a batch of its own; Bronze keeps both copies as received and Silver's keep rule "
    "picks one (events: the first delivery; reference data: the latest export)",
    observed="run-2 reads all 2 lines again; Bronze holds 4 rows from 2 batches; ledger: 2 versions",
)
def test_a_rewritten_file_is_read_whole_again_as_a_batch_of_its_own(lakehouse):
    _write(lakehouse, DAY1, [{"checkin_id": "1", "channel": "app"}, {"checkin_id": "2"}])
    _ingest(lakehouse, "run-1")
    _write(lakehouse, DAY1, [{"checkin_id": "1", "channel": "front_desk"}, {"checkin_id": "5"}])
    _backdate(lakehouse, DAY1)  # a rewrite can keep the size; the time says the file changed
    progress = _ingest(lakehouse, "run-2")
    assert progress[0] == "0 new of 1 landing files, 1 rewritten"
    assert [r[2] for r in _bronze(lakehouse)] == ["run-1", "run-2", "run-1", "run-2"]
    ids = sorted(r.checkin_id for r in lakehouse.read(checkins_raw.CONTRACT).filter("_batch_id = 'run-2'").collect())
    assert ids == ["1", "5"]
    assert _ledger(lakehouse) == [(DAY1, "ingested", 2, 1, 2, "run-1"), (DAY1, "ingested", 2, 1, 2, "run-2")]


def test_a_file_touched_but_unchanged_is_not_read_again_and_not_hashed_again(lakehouse, monkeypatch):
    _write(lakehouse, DAY1, [{"checkin_id": "1"}])
    _ingest(lakehouse, "run-1")
    _backdate(lakehouse, DAY1)
    assert _ingest(lakehouse, "run-2")[0] == "0 new of 1 landing files"
    assert _ledger(lakehouse) == [(DAY1, "ingested", 1, 1, 1, "run-1")] and len(_bronze(lakehouse)) == 1
    # The ledger learnt the new time: the next run compares size and time and does not open the file.
    monkeypatch.setattr(landing_versions, "inspect_file", lambda *a, **k: pytest.fail("read a known file"))
    _ingest(lakehouse, "run-3")


@pytest.mark.reliability(
    input="a landing file still being written when the run starts (changed less than FITLAKE_SETTLE_SECONDS ago)",
    expected="not ingested, named in the run's output, taken by the next run once left alone",
    observed="'left for the next run, changed in the last 60 s (still being written?): checkins/2025-01-02/...'; "
    "the next run ingests it",
)
def test_a_file_still_being_written_is_left_for_the_next_run_and_named(lakehouse):
    _write(lakehouse, DAY1, [{"checkin_id": "1"}])
    _backdate(lakehouse, DAY1, 120)
    _write(lakehouse, DAY2, [{"checkin_id": "2"}])  # written just now
    patient = Lakehouse(lakehouse.spark, dataclasses.replace(lakehouse.settings, settle_seconds=60), lakehouse.catalog)
    progress = _ingest(patient, "run-1")
    assert progress[1] == f"left for the next run, changed in the last 60 s (still being written?): {DAY2}"
    assert {r[0] for r in _bronze(lakehouse)} == {DAY1}
    _backdate(lakehouse, DAY2, 120)
    _ingest(patient, "run-2")
    assert {r[0] for r in _bronze(lakehouse)} == {DAY1, DAY2}


@pytest.mark.reliability(
    input="among good landing files, one gzip file named .json and one CSV naming a column twice",
    expected="each rejected whole with its path, size, hash and reason in ops.rejected_files and named in the "
    "output; every other file ingested; not retried until its content changes",
    observed="ops.rejected_files: gzip_content and duplicate_header_column(name); the good files' lines in Bronze; "
    "the next run reads nothing; fixed, the CSV is ingested",
)
def test_files_that_cannot_be_read_are_rejected_whole_and_the_others_ingested(lakehouse):
    _write(lakehouse, DAY1, [{"checkin_id": "1"}])
    _write(lakehouse, DAY2, gzip.compress(b'{"checkin_id": "2"}\n'))
    _write(lakehouse, "locations/2025-01-01/part-00000.csv", b"location_id,name\nBKN,Brooklyn\n")
    bad_csv, duplicated = "locations/2025-01-02/part-00000.csv", b"location_id,name,name\nQNS,Queens,Q\n"
    _write(lakehouse, bad_csv, duplicated)
    progress = _ingest(lakehouse, "run-1") + _ingest(lakehouse, "run-1", locations_raw)
    assert f"warning: rejected {DAY2}: gzip_content (kept out of Bronze; see ops.rejected_files)" in progress
    assert (
        f"warning: rejected {bad_csv}: duplicate_header_column(name) (kept out of Bronze; see ops.rejected_files)"
        in progress
    )
    rejected = {(r.source_file, r.reason, r.size_bytes) for r in lakehouse.read(REJECTED_FILES).collect()}
    size = (lakehouse.settings.landing / DAY2).stat().st_size
    assert rejected == {(DAY2, "gzip_content", size), (bad_csv, "duplicate_header_column(name)", len(duplicated))}
    assert {r[0] for r in _bronze(lakehouse)} == {DAY1}
    assert {r[0] for r in _bronze(lakehouse, locations_raw)} == {"locations/2025-01-01/part-00000.csv"}

    assert _ingest(lakehouse, "run-2", locations_raw)[0] == "0 new of 2 landing files"  # not retried
    _write(lakehouse, bad_csv, b"location_id,name\nQNS,Queens\n")
    _backdate(lakehouse, bad_csv)
    assert _ingest(lakehouse, "run-3", locations_raw)[0] == "0 new of 2 landing files, 1 rewritten"
    assert (bad_csv, 2, "run-3") in _bronze(lakehouse, locations_raw)
    assert lakehouse.read(REJECTED_FILES).count() == 2


@pytest.mark.reliability(
    input="a run stopped (killed, or its Bronze append failed) after writing its ledger rows, before the Bronze append",
    expected="the next run withdraws those ledger rows and reads the files again: no line lost, none twice",
    observed="run-2 withdrew 2 ledger rows and appended both files' lines once",
)
def test_a_run_stopped_between_the_ledger_and_the_bronze_append_neither_loses_nor_duplicates(lakehouse):
    _write(lakehouse, DAY1, [{"checkin_id": "1"}, {"checkin_id": "2"}])
    _write(lakehouse, DAY2, [{"checkin_id": "3"}])
    _ingest(lakehouse, "run-1")
    # What a stop right before the Bronze append leaves: the ledger rows, not the lines.
    io.write(lakehouse, checkins_raw.CONTRACT, lakehouse.read(checkins_raw.CONTRACT).limit(0), "overwrite")

    progress = _ingest(lakehouse, "run-2")
    assert progress[0].startswith("withdrew 2 ledger rows")
    assert _bronze(lakehouse) == [(DAY1, 1, "run-2"), (DAY1, 2, "run-2"), (DAY2, 1, "run-2")]
    assert _ledger(lakehouse) == [(DAY1, "ingested", 2, 1, 2, "run-2"), (DAY2, "ingested", 1, 1, 1, "run-2")]
    # A completed append is not withdrawn.
    _write(lakehouse, "checkins/2025-01-03/part-00000.json", [{"checkin_id": "4"}])
    _ingest(lakehouse, "run-3")
    assert not _ingest(lakehouse, "run-4")[0].startswith("withdrew")
    assert len(_bronze(lakehouse)) == 4


def test_a_file_changed_while_it_was_read_is_left_for_the_next_run(lakehouse, monkeypatch):
    from fitlake import ingest as ingest_module

    _write(lakehouse, DAY1, [{"checkin_id": "1"}])
    staged = ingest_module.read_lines

    def read_then_append(*args, **kwargs):
        with staged(*args, **kwargs) as lines:
            _write(lakehouse, DAY1, [{"checkin_id": "2"}], mode="a")  # the exporter writes on
            yield lines

    monkeypatch.setattr(ingest_module, "read_lines", contextlib.contextmanager(read_then_append))
    progress = _ingest(lakehouse, "run-1")
    assert f"left for the next run, changed while being read: {DAY1}" in progress
    assert _bronze(lakehouse) == [] and _ledger(lakehouse) == []
    monkeypatch.undo()
    _ingest(lakehouse, "run-2")
    assert _bronze(lakehouse) == [(DAY1, 1, "run-2"), (DAY1, 2, "run-2")]
    assert lakehouse.read(LEDGER).filter(F.col("source_file") == DAY1).count() == 1
