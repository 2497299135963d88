"""An independent reader of the generator's landing files: what a careful analyst finds wrong in them.

It knows the export formats from their documentation (README), not from the generator's code, and
finds every defect by looking at the files alone. Tests compare what it finds with `_truth/`.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

LOCAL = "%Y-%m-%d %H:%M:%S"
UTC = "%Y-%m-%dT%H:%M:%SZ"
FITBIT = "%m/%d/%Y %I:%M:%S %p"
PII = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\(?\b\d{3}\)?[ -]\d{3}-\d{4}\b|\+\d{1,2}[ \d]{9,}")


@dataclass(frozen=True)
class Rules:
    """What a clean record of one source looks like."""

    required: tuple[str, ...] = ()
    times: dict[str, str] = field(default_factory=dict)
    member_refs: tuple[str, ...] = ()  # may be empty (walk-ins), must exist when set
    session_refs: tuple[str, ...] = ()
    prices: tuple[str, ...] = ()
    catalog_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()  # whole stars, 1 to 5


RULES = {
    "members": Rules(required=("member_id",), times={"join_date": "%Y-%m-%d"}),
    "checkins": Rules(required=("member_id",), times={"checkin_time": LOCAL}, member_refs=("member_id",)),
    "attendance": Rules(
        required=("member_id",), times={"event_time": LOCAL}, member_refs=("member_id",), session_refs=("session_id",)
    ),
    "cancellations": Rules(times={"requested_at": LOCAL}, notes=("notes",)),
    "class_feedback": Rules(
        required=("member_id",),
        times={"submitted_at": LOCAL},
        member_refs=("member_id",),
        session_refs=("session_id",),
        notes=("comment",),
        ratings=("rating",),
    ),
    "retail": Rules(
        times={"sold_at": LOCAL}, member_refs=("member_id",), prices=("unit_price",), catalog_names=("item_name",)
    ),
    "facility_usage": Rules(required=("member_id",), times={"entered_at": LOCAL}, member_refs=("member_id",)),
    "equipment_sessions": Rules(required=("machine_id",), times={"started_at": UTC}, member_refs=("member_id",)),
    "app_events": Rules(required=("member_id",), times={"event_time": UTC}, member_refs=("member_id",)),
    "linked_accounts": Rules(
        required=("member_id", "provider", "account_id"), times={"linked_date": "%Y-%m-%d"}, member_refs=("member_id",)
    ),
    "wearables": Rules(times={"ActivityMinute": FITBIT}),
    "workouts": Rules(notes=("Notes",)),
}


def _is_time(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except (TypeError, ValueError):
        return False
    return True


def _broken_rule(record: dict, rules: Rules, members: set, sessions: set, catalog: set) -> str | None:
    if any(record.get(f) in (None, "") for f in rules.required):
        return "missing_required"
    if any(not _is_time(record[f], fmt) for f, fmt in rules.times.items()):
        return "bad_timestamp"
    if any(record[f] and record[f] not in members for f in rules.member_refs):
        return "orphan_key"
    if any(record[f] not in sessions for f in rules.session_refs):
        return "orphan_key"
    if any(float(record[f]) < 0 for f in rules.prices):
        return "negative_price"
    if any(record[f] not in {"1", "2", "3", "4", "5"} for f in rules.ratings):
        return "out_of_range"
    if any(record[f] not in catalog for f in rules.catalog_names):
        return "sku_variant"
    if any(PII.search(record[f] or "") for f in rules.notes):
        return "pii_in_notes"
    return None


@dataclass
class Landing:
    root: Path
    _records: dict[str, list] = field(default_factory=dict, repr=False)
    _defects: dict[str, set] = field(default_factory=dict, repr=False)

    def files(self, source: str) -> list[Path]:
        return sorted((self.root / source).glob("*/part-*"))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def records(self, source: str) -> list[tuple[str, int, dict | None, str]]:
        """(file, line number, record or None, raw line) of every line of every file of a source."""
        if source not in self._records:
            self._records[source] = self._read(source)
        return self._records[source]

    def _read(self, source: str) -> list[tuple[str, int, dict | None, str]]:
        out = []
        for path in self.files(source):
            text = path.read_text(encoding="utf-8")
            lines = text.split("\n")[:-1] if text.endswith("\n") or not text else text.split("\n")
            is_csv = path.suffix == ".csv"
            header = next(csv.reader([lines[0]])) if is_csv else None
            for number, line in enumerate(lines[1:] if is_csv else lines, start=2 if is_csv else 1):
                if is_csv:
                    row = next(csv.reader([line]))
                    record = dict(zip(header, row, strict=True)) if len(row) == len(header) else None
                else:
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        record = None
                out.append((self.rel(path), number, record, line))
        return out

    def clean(self, source: str) -> list[dict]:
        """Records that parse and break no rule (first copies only)."""
        found = {(f, n) for _, _, f, n in self.source_defects(source)}
        return [r for f, n, r, _ in self.records(source) if r is not None and (f, n) not in found]

    def member_ids(self) -> set[str]:
        """Every member the studio exported, including those whose row is damaged (the id comes first)."""
        return {next(csv.reader([line]))[0] for _, _, _, line in self.records("members")}

    def session_ids(self) -> set[str]:
        return {r["session_id"] for _, _, r, _ in self.records("class_schedule") if r}

    def catalog_names(self) -> set[str]:
        return {r["name"] for _, _, r, _ in self.records("products") if r}

    def source_defects(self, source: str) -> set[tuple[str, str, str, int]]:
        if source not in self._defects:
            self._defects[source] = self.defects(sources=(source,))
        return self._defects[source]

    def defects(self, sources=tuple(RULES)) -> set[tuple[str, str, str, int]]:
        """(source, kind, file, line) of every defect in the files. Late files cannot be seen here."""
        members, sessions, catalog = self.member_ids(), self.session_ids(), self.catalog_names()
        found = set()
        for source in sources:
            rules = RULES.get(source, Rules())
            last_line = {}
            for path in self.files(source):
                text = path.read_text(encoding="utf-8")
                if text and not text.endswith("\n"):
                    last_line[self.rel(path)] = text.count("\n") + 1
            seen: set[tuple[str, str]] = set()
            for file, number, record, line in self.records(source):
                if last_line.get(file) == number:
                    kind = "truncated_file"
                elif (file, line) in seen:
                    kind = "duplicate"
                elif record is None:
                    kind = "wrong_field_count" if file.endswith(".csv") else "malformed_json"
                else:
                    kind = _broken_rule(record, rules, members, sessions, catalog)
                if kind:
                    found.add((source, kind, file, number))
                seen.add((file, line))
        return found
