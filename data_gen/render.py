"""Write one source's records for one day as file bytes, injecting that source's defects on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data_gen import text
from data_gen.defects import DefectLog, DefectRates, SourceDefects, cut, last_separator, pick


@dataclass(frozen=True)
class Export:
    """A source system's daily export: its landing folder, file format and what can go wrong in it."""

    source: str
    format: Literal["csv", "jsonl"]
    defects: SourceDefects = field(default_factory=SourceDefects)
    numeric: frozenset[str] = frozenset()  # JSON fields written as numbers
    reference: bool = False  # exported once, on the first day of the period

    @property
    def extension(self) -> str:
        return "csv" if self.format == "csv" else "json"


@dataclass(frozen=True)
class Records:
    columns: dict[str, pa.Array]
    keys: pa.Array | np.ndarray  # business key of each record, for the truth (read only where a defect is)
    contacts: np.ndarray | None = None  # the member's e-mail or phone, for notes that leak it
    truth: dict[str, pa.Array] | None = None  # what the export does not say, for `_truth/<source>/`

    def __len__(self) -> int:
        return len(self.keys)

    def key(self, i: int) -> str:
        value = self.keys[i]
        return value.as_py() if isinstance(value, pa.Scalar) else str(value)


def render(
    export: Export,
    records: Records,
    rng: np.random.Generator,
    rates: DefectRates,
    log: DefectLog,
    file: str,
    at_least: int = 0,
) -> bytes:
    """The file's bytes. A truncated file ends inside its last original record, so that record carries
    no other defect and re-sent copies go before it."""
    n, csv = len(records), export.format == "csv"
    offset = 1 if csv else 0  # the header is line 1
    kinds = export.defects
    truncated = n >= 2 and "truncated_file" in kinds.files and (at_least or rng.random() < rates.truncated_file)
    eligible = n - 1 if truncated else n
    picks = pick(rng, eligible, {k: getattr(rates, k) for k in kinds.record_kinds()}, at_least)

    columns = dict(records.columns)
    was: dict[tuple[str, int], str | None] = {}  # the clean value of each damaged one, for the truth
    for kind, (name, damage) in kinds.values.items():
        if len(picks[kind]):
            values = text.strings(columns[name]).to_pylist()
            for i in picks[kind]:
                contact = records.contacts[i] if records.contacts is not None else None
                was[kind, i] = values[i]
                values[i] = damage(values[i], rng, contact)
            columns[name] = pa.array(values, pa.string())
    if csv:
        header, body = text.csv_lines(columns)
    else:
        header, body = None, text.json_lines(columns, export.numeric)
    # Line damage touches a few lines: fix those in Python, keep the rest in Arrow.
    damaged: dict[int, str] = {}
    for i in picks.get("malformed_json", ()):
        damaged[int(i)] = cut(body[int(i)].as_py(), rng, csv=False)
    for i in picks.get("wrong_field_count", ()):
        line = body[int(i)].as_py()
        damaged[int(i)] = line[: last_separator(line)]
    if damaged:
        mask = np.zeros(n, dtype=bool)
        mask[list(damaged)] = True
        body = pc.replace_with_mask(body, pa.array(mask), pa.array([damaged[i] for i in sorted(damaged)]))

    for kind, positions in picks.items():
        name = kinds.values[kind][0] if kind in kinds.values else None
        for copy, i in enumerate(positions):
            # A re-sent copy sits after the originals, in the order the copies were appended.
            line = offset + eligible + copy + 1 if kind == "duplicate" else offset + int(i) + 1
            value = {"field": name, "was": was[kind, i]} if name else {}
            log.add(export.source, kind, file, line, records.key(i), **value)
    copies = body.take(pa.array(picks.get("duplicate", np.array([], dtype=np.int64)), pa.int64()))
    lines = pa.concat_arrays([body.slice(0, eligible), copies, body.slice(eligible)])
    if truncated:
        last = pa.array([cut(lines[len(lines) - 1].as_py(), rng, csv)])
        lines = pa.concat_arrays([lines.slice(0, len(lines) - 1), last])
        log.add(export.source, "truncated_file", file, offset + len(lines), records.key(n - 1))
    return text.to_bytes(lines, header, final_newline=not truncated)
