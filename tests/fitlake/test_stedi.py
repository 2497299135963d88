"""The STEDI runner on a tiny made-up landing folder (Sail): every zone built, a rerun ingests nothing, and a
trusted table that loses a row fails the run instead of being written quietly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fitlake import stedi
from fitlake.errors import LandingEmpty, ReconciliationError
from fitlake.runlog import RunLog
from fitlake.tasks import TaskContext
from silver.stedi import step_trainer_trusted
from tests.stedi_builders import at, customer, millis


def _land(landing: Path, source: str, records: list[dict]) -> None:
    folder = landing / source / "landing"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source}-1.json").write_text("".join(json.dumps(r) + "\n" for r in records))


@pytest.fixture
def landing(tmp_path) -> Path:
    landing = tmp_path / "stedi"
    _land(landing, "customer", [customer("ada@test.com", "S-ADA"), customer("bo@test.com", "S-BO", research=None)])
    phone = {"timestamp": millis(at(1)), "x": 1.0, "y": 0.0, "z": -1.0}
    _land(landing, "accelerometer", [{"user": "ada@test.com", **phone}, {"user": "bo@test.com", **phone}])
    device = {"sensorReadingTime": millis(at(1)), "distanceFromObject": 250}
    _land(landing, "step_trainer", [{"serialNumber": "S-ADA", **device}, {"serialNumber": "S-BO", **device}])
    return landing


def test_a_folder_without_the_stedi_layout_is_refused_naming_what_is_missing(tmp_path, landing):
    with pytest.raises(LandingEmpty, match="no such folder"):
        stedi.check_landing(tmp_path / "nowhere")
    (landing / "accelerometer" / "landing" / "accelerometer-1.json").unlink()
    with pytest.raises(LandingEmpty, match=r"has no STEDI files at accelerometer/landing/\*\.json$"):
        stedi.check_landing(landing)


def test_every_zone_is_built_and_a_rerun_ingests_nothing(lakehouse, landing):
    stedi.build(TaskContext(lakehouse, RunLog(lakehouse, "run-1")), landing)
    first = {c.table: c.rows for c in stedi.table_counts(lakehouse)}
    assert first == {
        "bronze.stedi_accelerometer_landing": 2,
        "bronze.stedi_customer_landing": 2,
        "bronze.stedi_step_trainer_landing": 2,
        "silver.stedi_customer_trusted": 1,
        "silver.stedi_accelerometer_trusted": 1,
        "silver.stedi_step_trainer_trusted": 1,
        "gold.stedi_customers_curated": 1,
        "gold.stedi_machine_learning_curated": 1,
    }
    ledger = lakehouse.read("ops.ingested_files").select("source_file").collect()
    assert sorted(r.source_file for r in ledger) == [
        "accelerometer/landing/accelerometer-1.json",
        "customer/landing/customer-1.json",
        "step_trainer/landing/step_trainer-1.json",
    ]
    rerun = RunLog(lakehouse, "run-2")
    stedi.build(TaskContext(lakehouse, rerun), landing)
    assert {c.table: c.rows for c in stedi.table_counts(lakehouse)} == first
    assert [s.rows_in for s in rerun.steps if s.task == "stedi_landing"] == [0, 0, 0]


def test_a_trusted_table_that_loses_a_row_fails_the_run(lakehouse, landing, monkeypatch):
    real = step_trainer_trusted.transform

    def loses_a_row(step_trainer_landing, customer_trusted, accelerometer_trusted):
        return real(step_trainer_landing, customer_trusted, accelerometer_trusted).filter("_line_number > 1")

    monkeypatch.setattr(step_trainer_trusted, "transform", loses_a_row)
    with pytest.raises(ReconciliationError, match=r"silver\.stedi_step_trainer_trusted does not balance"):
        stedi.build(TaskContext(lakehouse, RunLog(lakehouse, "run-1")), landing)
    assert not lakehouse.exists("gold.stedi_machine_learning_curated")
