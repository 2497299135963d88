"""The studio sources' Bronze contracts declare every field the generator writes, so nothing is rescued."""

import csv
import json
from pathlib import Path

import pytest

from bronze import attendance_raw, cancellations_raw, class_schedule_raw, instructors_raw, locations_raw
from data_gen.generate import generate

MODULES = (locations_raw, instructors_raw, class_schedule_raw, attendance_raw, cancellations_raw)


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("studio")
    generate(out, "tiny", seed=1, days=7)
    return out / "landing"


def written_fields(landing: Path, module) -> set[str]:
    """Every field name in the source's files: CSV headers, or the keys of each JSON line that parses."""
    files = [landing / f for f in module.SOURCE.files(landing)]
    assert files, f"the generator wrote no {module.SOURCE.folder} files"
    fields: set[str] = set()
    for path in files:
        with path.open() as f:
            if module.SOURCE.format == "csv":
                fields |= set(next(csv.reader(f)))
                continue
            for line in f:
                try:
                    fields |= set(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a malformed line, kept in Bronze as such
    return fields


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.SOURCE.folder)
def test_every_field_the_generator_writes_is_declared(landing, module):
    declared = {c.name for c in module.CONTRACT.columns if not c.name.startswith("_")}
    assert written_fields(landing, module) == declared


def test_personal_data_of_staff_and_typed_notes_is_encrypted():
    assert set(instructors_raw.CONTRACT.pii_columns) == {"first_name", "last_name", "_raw", "_rescued_data"}
    assert set(cancellations_raw.CONTRACT.pii_columns) == {"notes", "_raw", "_rescued_data"}
    assert not locations_raw.CONTRACT.pii_columns + class_schedule_raw.CONTRACT.pii_columns
    assert not attendance_raw.CONTRACT.pii_columns
