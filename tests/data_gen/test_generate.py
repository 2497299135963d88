"""The generator's promises, checked by reading its files independently of the pipeline."""

import csv
import hashlib
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from data_gen.generate import generate
from data_gen.population import LOCATIONS


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, "tiny", seed=11, days=42)
    return out


def test_same_seed_same_bytes_and_another_seed_other_bytes(tiny, tmp_path):
    generate(tmp_path / "again", "tiny", seed=11, days=42)
    generate(tmp_path / "other", "tiny", seed=12, days=42)
    assert _tree_digest(tmp_path / "again") == _tree_digest(tiny)
    assert _tree_digest(tmp_path / "other") != _tree_digest(tiny)


def _is_local_time(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return False
    return True


def _defects_found_by_reading(landing: Path) -> set[tuple[str, str, int]]:
    """(kind, file, line) of every defect, found by reading the exports the way a careful analyst would."""
    found = set()
    for path in sorted(landing.glob("checkins/*/*.json")):
        file = path.relative_to(landing).as_posix()
        seen = set()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if line in seen:
                found.add(("checkin_duplicate", file, number))
                continue
            seen.add(line)
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                found.add(("checkin_malformed_json", file, number))
                continue
            if record["member_id"] is None:
                found.add(("checkin_missing_member", file, number))
            elif not _is_local_time(record["checkin_time"]):
                found.add(("checkin_bad_timestamp", file, number))
    for path in sorted(landing.glob("members/*/*.csv")):
        file = path.relative_to(landing).as_posix()
        header, *rows = list(csv.reader(path.open()))
        for number, row in enumerate(rows, start=2):
            if len(row) != len(header):
                found.add(("member_wrong_field_count", file, number))
            elif not row[header.index("join_date")][:4].isdigit():
                found.add(("member_bad_join_date", file, number))
    return found


def test_truth_lists_exactly_the_defects_in_the_files(tiny):
    truth = json.loads((tiny / "_truth" / "defects.json").read_text())
    recorded = {(d["kind"], d["file"], d["line"]) for d in truth["defects"]}
    assert recorded == _defects_found_by_reading(tiny / "landing")
    assert truth["counts"] == dict(Counter(kind for kind, _, _ in recorded))
    assert set(truth["counts"]) == {k for k in truth["rates"]}  # tiny's rates make every kind appear


def _clean_checkins(landing: Path) -> list[dict]:
    records = []
    for path in sorted(landing.glob("checkins/*/*.json")):
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record["member_id"] and _is_local_time(record["checkin_time"]):
                records.append(record)
    return records


def test_checkins_peak_at_the_morning_and_evening_rush(tiny):
    hours = Counter(int(r["checkin_time"][11:13]) for r in _clean_checkins(tiny / "landing"))
    top_four = {hour for hour, _ in hours.most_common(4)}
    assert top_four <= {6, 7, 17, 18}, hours.most_common(6)
    assert sum(hours[h] for h in range(0, 5)) == 0  # closed at night


def test_clean_checkins_name_exported_members_and_known_sites(tiny):
    landing = tiny / "landing"
    members = set()
    for path in landing.glob("members/*/*.csv"):
        members |= {row["member_id"] for row in csv.DictReader(path.open())}
    sites = {loc.location_id: loc.timezone for loc in LOCATIONS}
    checkins = _clean_checkins(landing)
    assert checkins
    assert {r["member_id"] for r in checkins} <= members
    assert all(sites[r["location_id"]] == r["site_timezone"] for r in checkins)


def test_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        generate(tmp_path, "huge")
