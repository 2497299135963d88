"""Defects injected into the exports the way real source systems produce them, each recorded as truth.

Rates are per record, drawn per file. Every injected defect is written to `_truth/defects.json` with
its file and line, so tests can check that the pipeline finds each one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass(frozen=True)
class DefectRates:
    checkin_duplicate: float = 0.003  # the same event delivered twice
    checkin_malformed_json: float = 0.001  # a line cut off mid-record
    checkin_missing_member: float = 0.0005  # member_id null
    checkin_bad_timestamp: float = 0.0005  # time in another format: 01/06/2025 06:14 AM
    member_wrong_field_count: float = 0.002  # a row missing its last field
    member_bad_join_date: float = 0.002  # day-first date: 30/01/2025


@dataclass
class DefectLog:
    found: list[dict] = field(default_factory=list)

    def add(self, kind: str, source: str, file: str, line: int, key: str) -> None:
        self.found.append({"kind": kind, "source": source, "file": file, "line": line, "key": key})

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self.found:
            counts[d["kind"]] = counts.get(d["kind"], 0) + 1
        return dict(sorted(counts.items()))


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


def rates_by_prefix(rates: DefectRates, prefix: str) -> dict[str, float]:
    return {k.removeprefix(prefix): v for k, v in asdict(rates).items() if k.startswith(prefix)}
