"""Defects injected into the exports the way real source systems produce them, each recorded as truth.

Record defects have rates per record, file defects per file; each source names the kinds that can
happen to it (and on which field). Every injected defect goes to `_truth/defects.json` with its file
and line, so tests can check that the pipeline finds each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime

import numpy as np

# A damaged value from the clean one: (value, rng, the record's contact e-mail or phone) -> value.
Damage = Callable[[str | None, np.random.Generator, str | None], str | None]


@dataclass(frozen=True)
class DefectRates:
    # Per record.
    duplicate: float = 0.003  # the same record delivered twice
    malformed_json: float = 0.001  # a line cut off mid-record
    wrong_field_count: float = 0.002  # a CSV row missing its last field
    missing_required: float = 0.0005  # a required field left empty
    bad_timestamp: float = 0.0005  # a time in another, ambiguous format
    orphan_key: float = 0.0005  # a reference to a member or class that does not exist
    negative_price: float = 0.002  # a sale with a negative unit price
    sku_variant: float = 0.06  # a shop item typed differently from the catalog
    pii_in_notes: float = 0.05  # an e-mail address or phone number typed into a free-text note
    out_of_range: float = 0.002  # a score outside its scale: a 1-5 rating answered 0-10
    # Per file.
    truncated_file: float = 0.004  # the export died while writing its last line
    late_file: float = 0.01  # a day's file lands days after the day

    @classmethod
    def all(cls, rate: float) -> DefectRates:
        return cls(**{f.name: rate for f in fields(cls)})


FILE_KINDS = ("truncated_file", "late_file")
LINE_KINDS = ("duplicate", "malformed_json", "wrong_field_count")
MAX_DELAY_DAYS = 5


@dataclass(frozen=True)
class SourceDefects:
    """What can go wrong in one source's exports: value damage per kind (on a field), line damage, files."""

    values: dict[str, tuple[str, Damage]] = field(default_factory=dict)  # kind -> (field, damage)
    lines: tuple[str, ...] = ()  # of LINE_KINDS
    files: tuple[str, ...] = ()  # of FILE_KINDS

    def record_kinds(self) -> tuple[str, ...]:
        return tuple(self.values) + self.lines


@dataclass
class DefectLog:
    found: list[dict] = field(default_factory=list)

    def add(self, source: str, kind: str, file: str, line: int | None, key: str | None, **extra) -> None:
        self.found.append({"source": source, "kind": kind, "file": file, "line": line, "key": key, **extra})


def pick(rng: np.random.Generator, n: int, rates: dict[str, float], at_least: int = 0) -> dict[str, np.ndarray]:
    """Distinct record positions per defect kind; a record gets at most one defect."""
    wanted = {kind: max(int(rng.binomial(n, rate)), at_least if rate else 0) for kind, rate in rates.items()}
    total = min(sum(wanted.values()), n)
    positions = rng.choice(n, size=total, replace=False) if total else np.array([], dtype=int)
    picked, offset = {}, 0
    for kind, k in wanted.items():
        picked[kind] = np.sort(positions[offset : offset + k])
        offset += k
    return picked


# Value damage, shared by the sources.


def emptied(_value, _rng, _contact) -> None:
    return None


def negated(value: str, _rng, _contact) -> str:
    return "-" + value


def reformatted(good: str, bad: str) -> Damage:
    """A timestamp written by another system's locale: the same instant, a different (ambiguous) format."""

    def damage(value: str, _rng, _contact) -> str:
        return datetime.strptime(value, good).strftime(bad)

    return damage


def unknown_member(_value, rng: np.random.Generator, _contact) -> str:
    """A member number of the right shape that no member has (ours stop well below M900000)."""
    return f"M{int(rng.integers(900_000, 1_000_000)):06d}"


def sku_variant(name: str, rng: np.random.Generator, _contact) -> str:
    """The catalog name as a cashier types it: " whey-PROTEIN 2lb" for "Whey Protein 2 LB"."""
    text = name
    for pattern, options in ((" LB", ("lb", " lbs", "-lb")), ("oz", (" oz", "OZ", " fl oz")), ("ml", (" ml", "ML"))):
        if pattern in text:
            text = text.replace(pattern, options[int(rng.integers(len(options)))])
    case = int(rng.integers(4))
    text = (text.lower(), text.upper(), text.title(), text)[case]
    if rng.random() < 0.5:
        words = text.split(" ")
        i = int(rng.integers(len(words) - 1)) if len(words) > 1 else 0
        text = " ".join(words[:i]) + (" " if i else "") + "-".join(words[i : i + 2]) + " " + " ".join(words[i + 2 :])
    text = text.strip()
    if rng.random() < 0.5:
        text = " " + text if rng.random() < 0.5 else text + "  "
    return text if text != name else " " + name


def with_contact(note: str | None, rng: np.random.Generator, contact: str | None) -> str:
    """A note with the member's own e-mail or phone in it, as members write them."""
    lead = ("please reach me at", "call me on", "contact:", "my email is")[int(rng.integers(4))]
    return f"{note or ''} {lead} {contact}".strip()


def off_scale(_value, rng: np.random.Generator, _contact) -> str:
    """A 1-5 rating given on the 0-10 scale of the survey form the studio used before: 0, or 6 to 10."""
    return str(int(rng.choice((0, 6, 7, 8, 9, 10))))


def unknown_session(session_id: str, _rng, _contact) -> str:
    """The session's id at 3am, when no class runs."""
    return session_id[: session_id.rfind("-")] + "-0300"


def last_separator(line: str) -> int:
    """Index of the row's last comma outside quotes (-1 if none)."""
    quoted, last = False, -1
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            last = i
    return last


def cut(line: str, rng: np.random.Generator, csv: bool) -> str:
    """A proper prefix of the line that is certainly broken: before the closing brace of a JSON object,
    or before the last separator of a CSV row (so the row is short of fields)."""
    end = last_separator(line) if csv else len(line) - 1
    return line[: int(rng.integers(1, max(end, 2)))]
